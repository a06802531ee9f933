#!/usr/bin/env node
// End-to-end test of the admin page (www/) in headless Chromium (playwright-core) against a
// private oss-emulator. Scenarios run in order on one page, like an operator's session; each
// is reported on its own, screenshots go to test-output/e2e/. Exit code 1 on any failure.
//
//   node tests/e2e/run.mjs            (make test-e2e builds pkg/ and the emulator first)
//   E2E_HEADFUL=1 / E2E_SLOWMO=100    to watch it

import { mkdir, rm, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEmulator, controls, putObject, adminClient } from './emulator.mjs';
import { operatorScenarios, OPS_BUCKETS } from './operator.mjs';
import { consoleScenarios } from './console.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(root, 'test-output/e2e');
const EMULATOR = path.join(root, 'target/debug/oss-emulator');
const SEED_BUCKETS = 200;
const XSS = '<img src=x onerror=alert(1)>';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// Buckets the scenarios use, beside the 200 seeded ones (bucket-0001..).
const BUCKETS = {
  'e2e-src': 'oss-cn-hangzhou', // the bucket the operator manages
  'e2e-dst': 'oss-cn-beijing', // destination of the main rule (RTC allowed hangzhou -> beijing)
  'e2e-dst2': 'oss-cn-shanghai', // destination of the XSS-prefix rule
  'e2e-copy': 'oss-cn-hangzhou', // target of export/apply
  'e2e-fail': 'oss-cn-hangzhou', // failure scenarios (no rules: no background polling eats the faults)
  ...OPS_BUCKETS, // the operator's bug scenarios (operator.mjs)
};
// The page under test: www/ (E2E_WWW=<dir> runs the scenarios against another copy, e.g. an
// older commit's, to see a new scenario fail there; <dir>/../pkg must be the package).
const WWW = process.env.E2E_WWW ? path.resolve(process.env.E2E_WWW) : path.join(root, 'www');

class Check extends Error {}
function assert(cond, message) {
  if (!cond) throw new Check(message);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value. */
async function until(what, fn, timeout = 15_000, every = 100) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Check(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(every);
  }
}

// Installed before any page script: counts the page's cross-origin requests in flight
// (independently of the page's own meter) and records CSP violation events.
function instrument() {
  const net = { now: 0, peak: 0, total: 0 };
  const violations = [];
  Object.defineProperty(window, '__e2e', { value: { net, violations } });
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  const original = window.fetch;
  window.fetch = async function (input, init) {
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    const counted = url.origin !== location.origin;
    if (counted) {
      net.now++;
      net.total++;
      net.peak = Math.max(net.peak, net.now);
    }
    try {
      const resp = await original.call(this, input, init);
      // In flight until the whole body has arrived.
      if (counted) await resp.clone().arrayBuffer().catch(() => {});
      return resp;
    } finally {
      if (counted) net.now--;
    }
  };
}

async function main() {
  const started = Date.now();
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  assert(existsSync(EMULATOR), `${EMULATOR} is missing: cargo build -p oss-emulator`);
  assert(existsSync(path.join(root, 'pkg/web/oss_replication_bg.wasm')), 'pkg/web is not built: make build');

  const emuArgs = ['--www', WWW, '--www-listen', '127.0.0.1:0', '--seed-buckets', String(SEED_BUCKETS), '--status-delay-ms', '500'];
  for (const [name, loc] of Object.entries(BUCKETS)) emuArgs.push('--bucket', `${name}:${loc}`);
  const emu = await startEmulator(EMULATOR, emuArgs);
  const ctl = controls(emu.endpoint);
  console.log(`oss-emulator ${emu.endpoint}, page ${emu.www}`);

  let browser;
  const results = [];
  const shots = [];
  const dialogs = [];
  const pageErrors = [];
  const cspConsole = [];
  try {
    // Fixtures: objects that exist before the rule (historical replication has work to do),
    // objects outside the rule's prefixes, and rules on a few seeded buckets for the overview.
    const puts = [];
    for (let i = 0; i < 60; i++) puts.push(putObject(emu.endpoint, 'e2e-src', 'cn-hangzhou', `logs/2024/${String(i).padStart(3, '0')}.log`, `log line ${i}\n`));
    for (let i = 0; i < 60; i++) puts.push(putObject(emu.endpoint, 'e2e-src', 'cn-hangzhou', `images/${i}.txt`, `image ${i}`));
    for (let i = 0; i < 15; i++) puts.push(putObject(emu.endpoint, 'e2e-src', 'cn-hangzhou', `other/${i}.txt`, `other ${i}`));
    await Promise.all(puts);
    const seeded = await ctl.buckets();
    const hz = seeded.filter((b) => b.location === 'oss-cn-hangzhou' && b.name.startsWith('bucket-')).slice(0, 3);
    const bj = seeded.find((b) => b.location === 'oss-cn-beijing' && b.name.startsWith('bucket-'));
    for (const b of hz) {
      await adminClient(emu.endpoint, b.name, 'cn-hangzhou').putBucketReplication({ id: `fixture-${b.name}`, destination: { bucket: bj.name, location: 'oss-cn-beijing' }, prefixes: ['data/'] });
    }

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: process.env.E2E_HEADFUL ? CHROMIUM_ARGS.filter((a) => a !== '--headless') : CHROMIUM_ARGS,
      headless: !process.env.E2E_HEADFUL,
      slowMo: Number(process.env.E2E_SLOWMO ?? 0),
    });
    // A timezone other than UTC, so times without their zone (or on the wrong clock) show.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, timezoneId: 'Asia/Shanghai' });
    await context.addInitScript(instrument);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/content security policy|refused to (load|execute|connect|apply|evaluate|compile)/i.test(m.text())) cspConsole.push(m.text());
    });

    const shot = async (file, what, target = page) => {
      await target.screenshot({ path: path.join(OUT, file), ...(target === page ? { fullPage: false } : {}) });
      shots.push({ file, what });
    };
    // E2E_ONLY=<regex>: run only the matching scenarios (the others are listed as skipped and
    // the run says so), e.g. E2E_ONLY='^bug' with E2E_WWW=<old page> to see them fail there.
    const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
    const scenario = async (name, fn) => {
      if (only && !only.test(name)) {
        results.push({ name, skipped: true });
        return;
      }
      const t0 = Date.now();
      try {
        await fn();
        results.push({ name, ok: true, ms: Date.now() - t0 });
        console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        results.push({ name, ok: false, ms: Date.now() - t0, error: e });
        console.log(`  FAIL ${name}: ${e instanceof Check ? e.message : e.stack}`);
        const file = `failure-${results.length}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
        await page.screenshot({ path: path.join(OUT, file), fullPage: true }).catch(() => {});
      }
    };
    const text = (sel) => page.locator(sel).innerText();
    const connect = async ({ bucket, region = 'cn-hangzhou', stsUrl, paste, sigver = 'v4' }) => {
      if (await page.locator('#connect-form').isHidden()) {
        await page.click('#change-conn');
        assert((await page.getAttribute('#change-conn', 'aria-expanded')) === 'true', 'the form unfolds');
      }
      await page.check(`input[name=sigver][value=${sigver}]`);
      await page.fill('#c-bucket', bucket);
      await page.fill('#c-region', region);
      if (paste) {
        await page.check('input[name=credmode][value=paste]');
        await page.fill('#c-ak', paste.accessKeyId);
        await page.fill('#c-sk', paste.accessKeySecret);
        await page.fill('#c-token', paste.stsToken);
      } else {
        await page.check('input[name=credmode][value=url]');
        await page.fill('#c-sts-url', stsUrl ?? `${emu.endpoint}/_emulator/sts`);
      }
      await page.click('#connect-btn');
      await until('the connect attempt to finish', async () => !(await page.locator('#connect-btn').isDisabled()) && !/Connecting/.test(await text('#conn-status')));
    };
    // Clicks Refresh and waits for that read to finish (the page counts reads in data-reads).
    const rulesRefresh = async () => {
      const reads = async () => Number(await page.getAttribute('#rules', 'data-reads'));
      const before = await reads();
      await page.click('#rules-refresh');
      await until('the rules to be read again', async () => (await reads()) > before, 20_000, 50);
    };
    const row = (id) => page.locator(`#rules-table tbody tr[data-rule-id="${id}"]`);
    const activity = () => page.locator('#activity-table tbody tr').allInnerTexts();

    console.log('scenarios:');

    await scenario('no HTML-parsing sinks in the page sources', async () => {
      const files = (await readdir(path.join(root, 'www'), { recursive: true })).filter((f) => /\.(js|mjs|html)$/.test(f));
      assert(files.length > 3, `page sources found: ${files}`);
      for (const f of files) {
        const src = (await readFile(path.join(root, 'www', f), 'utf8')).replace(/^\s*(\/\/|\*|<!--).*$/gm, '');
        const hit = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\b|\bstyle=|\son[a-z]+=/.exec(src);
        assert(!hit, `${f} uses ${hit?.[0]}`);
      }
    });

    await scenario('page loads under a strict CSP, keyboard-operable, labelled', async () => {
      await page.goto(emu.www);
      await page.waitForSelector('body[data-ready=true]');
      const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
      assert(/script-src 'self' 'wasm-unsafe-eval'/.test(csp), `CSP script-src: ${csp}`);
      assert(!/unsafe-inline|'unsafe-eval'/.test(csp), `CSP must not allow unsafe-inline/unsafe-eval: ${csp}`);
      assert(/connect-src [^;]*http:\/\/127\.0\.0\.1:\*/.test(csp), `CSP connect-src: ${csp}`);
      assert((await page.inputValue('#c-sts-url')) === `${emu.endpoint}/_emulator/sts`, 'demo default STS URL is the emulator\'s');
      // Every control has an accessible name.
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')].filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.id || el.name));
      assert(unlabelled.length === 0, `controls without a label: ${unlabelled}`);
      // Keyboard: Tab reaches the skip link, then the first field, with a visible focus ring.
      await page.keyboard.press('Tab');
      assert(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'first Tab stop is the skip link');
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => ({ id: document.activeElement.id, outline: getComputedStyle(document.activeElement).outlineStyle, width: getComputedStyle(document.activeElement).outlineWidth }));
      assert(focus.id === 'c-bucket' && focus.outline !== 'none' && focus.width !== '0px', `visible focus on the first field: ${JSON.stringify(focus)}`);
      assert(/long-term AccessKey in a browser can be read by any\s+script/.test(await text('#sts-only-note')), 'the page says (visibly) why long-term keys do not belong here');
      assert(/long-term AccessKey pair never expires/.test(await page.locator('.why').textContent()), 'and explains it in full');
    });

    await scenario('connect via the STS vending URL', async () => {
      await page.fill('#c-bucket', 'e2e-src');
      await page.fill('#c-region', 'cn-hangzhou');
      await shot('01-connect.png', 'Connect form: bucket, region, endpoint, signature version, STS vending URL (demo default), why-STS note', page.locator('#connect'));
      await page.keyboard.press('Enter'); // submits from the keyboard
      await until('connected', async () => /Connected to e2e-src/.test(await text('#conn-status')));
      await page.waitForSelector('#rules-empty', { state: 'visible' });
      const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href }));
      assert(stored.local === 0 && stored.session === 0 && stored.cookie === '', `credentials stay in memory: ${JSON.stringify(stored)}`);
      assert(stored.url === `${emu.www}`, `nothing in the URL: ${stored.url}`);
      assert(/fetched 1×/.test(await text('#conn-status')), 'one STS fetch for the connection');
    });

    let createdAt;
    await scenario('create a rule with prefixes: constraints, inline validation, XML preview', async () => {
      // Destination regions come from GetBucketReplicationLocation, with the constraints.
      const options = await page.locator('#r-location option').evaluateAll((os) => os.map((o) => o.value));
      assert(options.includes('oss-cn-beijing') && options.includes('oss-cn-hongkong'), `locations: ${options}`);
      const transferOptions = () => page.locator('#r-transfer option').evaluateAll((os) => os.map((o) => o.value).join(','));
      await page.selectOption('#r-location', 'oss-cn-hongkong');
      assert((await transferOptions()) === 'oss_acc', 'cross-border hongkong: oss_acc only');
      assert(await page.locator('#r-rtc').isDisabled(), 'no RTC to hongkong');
      await page.selectOption('#r-location', 'oss-cn-hangzhou');
      assert((await transferOptions()) === 'internal', 'same region: no oss_acc');
      assert(await page.locator('#r-rtc').isDisabled(), 'no RTC within a region');
      await page.selectOption('#r-location', 'oss-cn-beijing');
      assert((await transferOptions()) === 'internal,oss_acc', 'beijing: internal or oss_acc');
      assert(await page.locator('#r-rtc').isEnabled(), 'RTC offered to beijing');

      // Inline validation shows the library's own message next to the field it names.
      await page.fill('#r-bucket', 'Bad_Bucket');
      await until('the bucket error', async () => /^Bucket name "Bad_Bucket"/.test(await text('#r-bucket-err')));
      assert((await page.getAttribute('#r-bucket', 'aria-invalid')) === 'true', 'bucket marked invalid');
      await page.fill('#r-bucket', 'e2e-dst');
      await until('the bucket error to clear', async () => !(await page.locator('#r-bucket-err').isVisible()));

      // Prefixes: at most 10.
      for (let i = 0; i < 10; i++) await page.click('#r-prefix-add');
      assert(await page.locator('#r-prefix-add').isDisabled(), 'Add prefix disabled at 10');
      assert(/10 of 10/.test(await text('#r-prefix-count')), 'the limit is explained');
      for (let i = 0; i < 8; i++) await page.click('#r-prefixes li:last-child button');
      assert((await page.locator('#r-prefixes input').count()) === 2, 'two prefixes left');
      await page.fill('#r-prefix-0', 'logs/');
      await page.fill('#r-prefix-1', 'x');
      await page.fill('#r-prefix-1', '');
      await until('the empty-prefix error', async () => (await text('#r-prefix-1-err')) === 'Prefix 2 must not be empty');
      await page.fill('#r-prefix-1', 'images/');

      // SSE-KMS and the key only together.
      assert(await page.locator('#r-kms-key').isDisabled(), 'key field disabled until SSE-KMS is on');
      await page.check('#r-kms');
      await until('the KMS error', async () => /^Enter the KMS key ID/.test(await text('#r-kms-key-err')));
      await page.fill('#r-kms-key', 'kms-key-1');
      await until('the KMS error to clear', async () => !(await page.locator('#r-kms-key-err').isVisible()));
      await until('KMS in the preview', async () => /<ReplicaKmsKeyID>kms-key-1<\/ReplicaKmsKeyID>/.test(await text('#r-preview')));
      await page.uncheck('#r-kms');
      assert((await page.inputValue('#r-kms-key')) === '' && (await page.locator('#r-kms-key').isDisabled()), 'key cleared with SSE-KMS off');

      await page.check('input[name=action][value=PUT]');
      await page.check('input[name=action][value=DELETE]');
      assert(!(await page.isChecked('input[name=action][value=ALL]')), 'ALL unchecked by a specific action');
      await page.fill('#r-id', 'e2e-logs');
      await page.fill('#r-role', 'aliyunramrole');
      const preview = await until('the XML preview', async () => {
        const t = await text('#r-preview');
        return /<ID>e2e-logs<\/ID>/.test(t) && /<SyncRole>aliyunramrole<\/SyncRole>/.test(t) ? t : null;
      });
      for (const want of ['<ReplicationConfiguration>', '<Prefix>logs/</Prefix>', '<Prefix>images/</Prefix>', '<Bucket>e2e-dst</Bucket>', '<Location>oss-cn-beijing</Location>', '<Action>PUT,DELETE</Action>', '<HistoricalObjectReplication>enabled</HistoricalObjectReplication>']) {
        assert(preview.includes(want), `preview has ${want}:\n${preview}`);
      }
      assert(/^POST http:\/\/127\.0\.0\.1:\d+\/e2e-src\/\?replication&comp=add/m.test(await text('#r-preview-head')), 'preview shows the request line');
      await shot('03-create-form.png', 'New-rule form filled in (beijing, two prefixes, PUT+DELETE, sync role) with the library-built XML preview', page.locator('#create'));
      createdAt = Date.now();
      await page.click('#r-submit');
      await until('the created message', async () => /Rule e2e-logs created \(request ID [0-9A-F]{24}\)/.test(await text('#rule-ok')));
    });

    await scenario('the new rule is listed with its status badge', async () => {
      const r = row('e2e-logs');
      await r.waitFor();
      const cells = await r.innerText();
      for (const want of ['e2e-logs', 'e2e-dst', 'oss-cn-beijing', 'China (Beijing)', 'logs/', 'images/']) assert(cells.includes(want), `row shows ${want}: ${cells}`);
      // The compact row unfolds the rest (keyboard: the toggle is a button with aria-expanded).
      const details = page.locator('#rules-table tr[data-details-for="e2e-logs"]');
      assert(await details.isHidden(), 'details folded at first');
      await r.locator('.details-toggle').click();
      assert((await r.locator('.details-toggle').getAttribute('aria-expanded')) === 'true' && (await details.isVisible()), 'details unfold');
      const more = await details.innerText();
      for (const want of ['PUT, DELETE', 'internal', 'aliyunramrole']) assert(more.includes(want), `details show ${want}: ${more}`);
      await shot('02b-rule-details.png', 'A rule with its details unfolded (actions, transfer type, history, sync role, SSE-KMS)', page.locator('#rules'));
      await r.locator('.details-toggle').click();
      assert(await details.isHidden(), 'and fold again');
      await until('status doing', async () => (await r.locator('.badge').innerText()) === 'doing');
      assert(await r.locator('.badge-doing').count() === 1, 'doing badge');
    });

    await scenario('put objects under the prefix and watch progress reach 100%', async () => {
      const r = row('e2e-logs');
      const seen = new Set();
      await until('historical progress 100%', async () => {
        const label = await r.locator('.hist-label').innerText().catch(() => '');
        if (label) seen.add(label);
        return label === '100%';
      }, 20_000, 50);
      assert((await r.locator('progress.hist').getAttribute('value')) === '100', 'bar at 100');
      // New objects after the rule: the checkpoint moves past them and they reach the destination.
      const before = Date.now();
      for (let i = 0; i < 5; i++) await putObject(emu.endpoint, 'e2e-src', 'cn-hangzhou', `logs/new-${i}.log`, `new ${i}`);
      // A steady rule is read every 30 s; the operator who just wrote objects clicks Refresh.
      await until('the new-object checkpoint to pass the new writes', async () => {
        await rulesRefresh();
        const dt = await r.locator('time.checkpoint').getAttribute('datetime').catch(() => null);
        return dt && Date.parse(dt) >= before;
      }, 20_000, 300);
      const dst = await until('replicas in e2e-dst', async () => {
        const b = (await ctl.buckets()).find((x) => x.name === 'e2e-dst');
        return b.objects === 125 ? b : null;
      });
      assert(dst.objects === 125, '120 historical + 5 new objects replicated');
      console.log(`         progress labels seen: ${[...seen].join(' ')}; rule created ${((Date.now() - createdAt) / 1000).toFixed(1)} s ago`);
      await shot('04-progress-100.png', 'Rules table: e2e-logs doing, historical bar at 100%, new-object checkpoint', page.locator('#rules'));
    });

    await scenario('toggle RTC on and off', async () => {
      const r = row('e2e-logs');
      const admin = adminClient(emu.endpoint, 'e2e-src', 'cn-hangzhou');
      assert((await r.locator('.rtc-toggle').innerText()) === 'Turn on', 'RTC off at first');
      await r.locator('.rtc-toggle').click();
      await until('RTC enabled', async () => (await r.locator('.rtc-status').innerText()) === 'enabled');
      assert((await admin.getBucketReplication()).rules.find((x) => x.id === 'e2e-logs').rtcStatus === 'enabled', 'OSS says enabled');
      await r.locator('.rtc-toggle').click();
      await until('RTC disabled', async () => (await r.locator('.rtc-status').innerText()) === 'disabled');
      assert((await admin.getBucketReplication()).rules.find((x) => x.id === 'e2e-logs').rtcStatus === 'disabled', 'OSS says disabled');
      await shot('02-rules.png', 'Rules table of e2e-src (compact): ID with Details, destination with region name, prefixes, RTC with toggle, status badge, progress, delete', page.locator('#rules'));
    });

    await scenario('an XSS prefix renders as text (no element, no dialog)', async () => {
      await page.selectOption('#r-location', 'oss-cn-shanghai');
      await page.fill('#r-bucket', 'e2e-dst2');
      await page.fill('#r-id', 'e2e-xss');
      await page.click('#r-prefix-add');
      await page.fill('#r-prefix-0', XSS);
      await until('escaped prefix in the preview', async () => (await text('#r-preview')).includes('<Prefix>&lt;img src=x onerror=alert(1)&gt;</Prefix>'));
      await page.click('#r-submit');
      await until('the created message', async () => /Rule e2e-xss created/.test(await text('#rule-ok')));
      const r = row('e2e-xss');
      await r.waitFor();
      assert((await r.locator('.col-prefixes code').innerText()) === XSS, 'the prefix is shown literally');
      await sleep(300);
      assert((await page.locator('img').count()) === 0, 'no <img> element anywhere');
      assert(dialogs.length === 0, `no dialog: ${dialogs}`);
    });

    await scenario('export rules as JSON and apply them to another bucket', async () => {
      await page.click('#export-btn');
      const doc = JSON.parse(await page.inputValue('#export-json'));
      assert(doc.source.bucket === 'e2e-src' && doc.rules.map((x) => x.id).sort().join() === 'e2e-logs,e2e-xss', `export: ${JSON.stringify(doc)}`);
      assert(!('status' in doc.rules[0]) && !('rtcStatus' in doc.rules[0]), 'export holds rule inputs only');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-btn')]);
      assert(download.suggestedFilename() === 'replication-e2e-src.json', `download name ${download.suggestedFilename()}`);
      await page.fill('#apply-bucket', 'e2e-copy');
      await page.fill('#apply-region', 'cn-hangzhou');
      // Apply shows what would change first (each rule pre-flighted on the target), then applies on Confirm.
      const diffThenApply = async (want) => {
        await page.click('#apply-btn');
        await page.locator('#apply-confirm').waitFor();
        const states = await page.locator('#apply-diff li[data-target=e2e-copy] li').evaluateAll((ls) => ls.map((l) => l.dataset.state).join());
        assert(states === want, `the diff before applying: ${states} (want ${want}): ${await text('#apply-diff')}`);
        assert(/Nothing was changed yet/.test(await text('#apply-diff-status')), 'nothing changed before Confirm');
        await page.click('#apply-confirm');
      };
      await diffThenApply('new,new');
      await until('2 of 2 applied', async () => /2 of 2 rules applied to e2e-copy/.test(await text('#apply-results')));
      const copied = (await adminClient(emu.endpoint, 'e2e-copy', 'cn-hangzhou').getBucketReplication()).rules;
      const byId = Object.fromEntries(copied.map((x) => [x.id, x]));
      assert(byId['e2e-logs']?.prefixes.join() === 'logs/,images/' && byId['e2e-logs'].actions.join() === 'PUT,DELETE' && byId['e2e-logs'].destination.bucket === 'e2e-dst', `copied e2e-logs: ${JSON.stringify(byId['e2e-logs'])}`);
      assert(byId['e2e-xss']?.prefixes[0] === XSS, 'copied e2e-xss');
      // Applying again keeps the IDs, so OSS reports the existing rules instead of duplicating them.
      await diffThenApply('same,same');
      await until('0 of 2 applied', async () => /0 of 2 rules applied/.test(await text('#apply-results')));
      assert((await page.locator('#apply-results li.failed', { hasText: 'BucketReplicationAlreadyExist' }).count()) === 2, 'duplicates refused with their code');
    });

    await scenario('delete with confirmation: closing until gone', async () => {
      const r = row('e2e-xss');
      // Keyboard: open the dialog with Enter, close it with Escape; nothing is deleted.
      await r.locator('button.delete').focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('#delete-dialog[open]');
      assert((await text('#delete-dialog-text')).includes('e2e-xss'), 'the dialog names the rule');
      await page.keyboard.press('Escape');
      await until('the dialog to close', () => page.evaluate(() => !document.getElementById('delete-dialog').open));
      assert(await page.evaluate(() => document.activeElement.classList.contains('delete')), 'focus back on the delete button');
      assert(['starting', 'doing'].includes(await r.locator('.badge').innerText()), 'not deleted after cancel');
      await r.locator('button.delete').click();
      await page.click('#delete-confirm');
      await until('closing badge', async () => (await r.locator('.badge').innerText().catch(() => '')) === 'closing', 10_000, 50);
      await r.waitFor({ state: 'detached', timeout: 15_000 });
      const left = (await adminClient(emu.endpoint, 'e2e-src', 'cn-hangzhou').getBucketReplication()).rules.map((x) => x.id);
      assert(left.join() === 'e2e-logs', `only e2e-logs left: ${left}`);
      assert(/Rule e2e-xss is gone/.test(await page.locator('#rules-live').textContent()), 'announced to screen readers');
    });

    await scenario(`overview of ${SEED_BUCKETS}+ buckets with at most 6 requests in flight`, async () => {
      await page.click('#ov-load-emulator');
      await until('bucket list', async () => (await page.inputValue('#ov-buckets')).split('\n').length >= SEED_BUCKETS);
      const count = (await page.inputValue('#ov-buckets')).split('\n').length;
      // Slow every GetBucketReplication a little so concurrency actually builds up.
      await ctl.arm({ match: { method: 'GET', query: 'replication' }, count: 1000, action: { stall_ms: 40 } });
      await page.evaluate(() => {
        window.__e2e.net.peak = window.__e2e.net.now;
      });
      await page.click('#ov-scan');
      await until('the scan to finish', async () => (await page.getAttribute('#ov-summary', 'data-done')) === 'true', 60_000, 100);
      await ctl.clearFaults();
      const peak = await page.evaluate(() => window.__e2e.net.peak);
      const summary = await text('#ov-summary');
      console.log(`         ${summary}; measured peak ${peak}`);
      assert(peak <= 6, `at most 6 in flight, measured ${peak}`);
      assert(peak >= 3, `the scan runs requests in parallel (peak ${peak})`);
      assert(new RegExp(`^${count} of ${count} buckets`).test(summary) && / 0 errors /.test(summary), `summary: ${summary}`);
      assert((await page.locator('#ov-table tbody tr').count()) === count, 'a row per bucket');
      const src = page.locator('#ov-table tr[data-bucket="e2e-src"]');
      assert(/e2e-logs/.test(await src.innerText()) && (await src.locator('li[data-rule-id="e2e-logs"] .hist-label').innerText()) === '100%', 'e2e-src with its progress');
      assert(/fixture-bucket-/.test(await page.locator(`#ov-table tr[data-bucket="${hz[0].name}"]`).innerText()), 'seeded bucket with its rule');
      await page.check('#ov-only-rules');
      assert((await page.locator('#ov-table tbody tr:not([hidden])').count()) === 2 + hz.length, 'filter: buckets with rules');
      await shot('05-overview.png', `Overview: ${count} buckets scanned (summary with peak in flight), filtered to the buckets with rules and their progress`, page.locator('#overview'));
      await page.uncheck('#ov-only-rules');
    });

    await scenario('failure: a bad STS URL gets a clear message', async () => {
      await connect({ bucket: 'e2e-fail', stsUrl: `${emu.endpoint}/_emulator/no-such-sts` });
      assert(/Could not get STS credentials/.test(await text('#connect-error')) && /answered HTTP 404/.test(await text('#connect-error')), `404 explained: ${await text('#connect-error')}`);
      assert(await page.locator('#c-sts-url-err').isVisible(), 'error next to the URL field');
      assert(/Connected to e2e-src/.test(await text('#conn-status')) && (await page.locator('#rules').isVisible()), 'the working connection stays');
      await connect({ bucket: 'e2e-fail', stsUrl: 'http://127.0.0.1:9/sts' });
      assert(/could not reach the STS vending URL http:\/\/127\.0\.0\.1:9\/sts/.test(await text('#connect-error')), `unreachable explained: ${await text('#connect-error')}`);
      assert(/CORS/.test(await text('#connect-error')), 'mentions CORS as a cause');
      assert((await page.getAttribute('#c-sts-url', 'aria-invalid')) === 'true', 'URL field marked invalid');
      await shot('09-error-bad-sts.png', 'Connect error: the STS vending URL cannot be reached (cause and CORS hint)', page.locator('#connect'));
    });

    await scenario('failure: wrong pasted credentials show code and request ID', async () => {
      await connect({ bucket: 'e2e-fail', paste: { accessKeyId: 'STS.NotARealKey', accessKeySecret: 'wrong-secret', stsToken: 'not-a-token' } });
      const box = await text('#connect-error');
      assert(/InvalidAccessKeyId/.test(box) && /HTTP 403/.test(box), `code shown: ${box}`);
      assert(/^[0-9A-F]{24}$/.test(await text('#connect-error .error-request-id')), 'request ID shown');
      // A correct pasted triple works.
      const sts = await ctl.sts();
      await connect({ bucket: 'e2e-fail', paste: { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret, stsToken: sts.securityToken } });
      assert(/Connected to e2e-fail .* pasted STS credentials/.test(await text('#conn-status')), 'pasted triple connects');
    });

    await scenario('failure: an expired token is refreshed from the STS URL', async () => {
      await connect({ bucket: 'e2e-fail', stsUrl: `${emu.endpoint}/_emulator/sts?lifetime=120` });
      assert(/fetched 1×/.test(await text('#conn-status')), 'connected with one token');
      await ctl.shiftClock(300); // OSS's clock passes the token's expiry; the browser's does not
      try {
        await rulesRefresh();
      } finally {
        await ctl.resetClock();
      }
      assert(await page.locator('#rules-error').isHidden(), `no error: ${await text('#rules-error').catch(() => '')}`);
      assert(/fetched 2×/.test(await text('#conn-status')), `refreshed once: ${await text('#conn-status')}`);
      const log = await activity();
      assert(log.some((l) => /403 SecurityTokenExpired/.test(l)), 'OSS rejected the expired token');
    });

    await scenario('failure: a 503 storm is retried and the call succeeds', async () => {
      await ctl.arm({ match: { method: 'GET', query: 'replication', bucket: 'e2e-fail' }, count: 3, action: { status: 503, code: 'ServiceUnavailable' } });
      await rulesRefresh();
      assert(await page.locator('#rules-error').isHidden(), 'no error after retries');
      assert(await page.locator('#rules-empty').isVisible(), 'the (empty) rules are shown');
      const log = await activity();
      const storm = log.slice(0, 4).map((l) => l.split('\t')[2]);
      assert(storm.filter((s) => /503 ServiceUnavailable/.test(s)).length === 3 && /404 NoSuchReplicationConfiguration/.test(storm[0]), `3 × 503 then the answer: ${storm}`);
    });

    await scenario('failure: access denied shows code, message, request ID and the RAM actions', async () => {
      await ctl.arm({ match: { method: 'GET', query: 'replication', bucket: 'e2e-fail' }, count: 1, action: { status: 403, code: 'AccessDenied', message: 'You have no right to access this bucket.' } });
      await rulesRefresh();
      const box = await text('#rules-error');
      assert(/AccessDenied/.test(box) && /HTTP 403/.test(box) && /You have no right to access this bucket\./.test(box), `shown: ${box}`);
      assert(/^[0-9A-F]{24}$/.test(await text('#rules-error .error-request-id')), 'request ID shown');
      assert(/oss:GetBucketReplication/.test(box), 'RAM hint');
      await shot('06-error-access-denied.png', 'Error state: AccessDenied (HTTP 403) with message, request ID and the RAM actions the role needs (EC, host ID folded)', page.locator('#rules'));
    });

    await scenario('failure: a network failure after answers says the connection dropped', async () => {
      await ctl.arm({ match: { method: 'GET', query: 'replication', bucket: 'e2e-fail' }, count: 20, action: { drop: true } });
      try {
        await rulesRefresh();
      } finally {
        await ctl.clearFaults();
      }
      const box = await text('#rules-error');
      assert(/NetworkError/.test(box) && /no HTTP answer/.test(box), `shown: ${box}`);
      assert(/The connection dropped: bucket e2e-fail answered this page/.test(box), `the bucket answered before: ${box}`);
      await rulesRefresh();
      assert(await page.locator('#rules-error').isHidden(), 'recovers once the network is back');
    });

    await operatorScenarios({ page, scenario, shot, connect, rulesRefresh, row, text, activity, ctl, emu, assert, until, sleep, adminClient, putObject });
    // The console views of issue 14, against a second emulator with --replication-rate (console.mjs).
    await consoleScenarios({ page, scenario, shot, connect, text, emu, assert, until, sleep, bin: EMULATOR, www: WWW });

    await scenario('375 px: usable on a phone (connected with V1 signatures)', async () => {
      await connect({ bucket: 'e2e-src', sigver: 'v1' });
      assert(/Connected to e2e-src \(cn-hangzhou, V1\)/.test(await text('#conn-status')), `V1: ${await text('#conn-status')}`);
      await row('e2e-logs').waitFor();
      await page.setViewportSize({ width: 375, height: 812 });
      await sleep(200);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(overflow <= 375, `no horizontal scrolling at 375 px (scrollWidth ${overflow})`);
      const cardWidth = await row('e2e-logs').evaluate((el) => el.getBoundingClientRect().width);
      assert(cardWidth <= 375, `rule shown as a card (${cardWidth} px)`);
      await page.locator('#rules').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.getElementById('rules').scrollIntoView());
      await shot('08-mobile-375.png', '375 px wide: the rule as a card (labels per field, progress, RTC and delete buttons)');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await scenario('CSP held: no violations during the run, and it is enforced', async () => {
      const v = await page.evaluate(() => [...window.__e2e.violations]);
      assert(v.length === 0 && cspConsole.length === 0, `CSP violations: ${v} ${cspConsole}`);
      assert(pageErrors.length === 0, `page errors: ${pageErrors}`);
      assert(dialogs.length === 0, `dialogs: ${dialogs}`);
      // Enforcement: an injected inline script does not run.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true';
        document.head.append(s);
      });
      await sleep(100);
      assert(!(await page.evaluate(() => window.__inlineRan === true)), 'inline script blocked');
      assert((await page.evaluate(() => window.__e2e.violations.length)) >= 1, 'the blocked script was reported');
    });
  } finally {
    await browser?.close().catch(() => {});
    await emu.stop();
  }

  const skipped = results.filter((r) => r.skipped);
  const failed = results.filter((r) => !r.ok && !r.skipped);
  console.log('\nscreenshots (test-output/e2e/):');
  for (const s of shots) console.log(`  ${s.file.padEnd(28)} ${s.what}`);
  console.log(`\n${results.length - failed.length - skipped.length} of ${results.length} scenarios passed in ${((Date.now() - started) / 1000).toFixed(1)} s${skipped.length ? ` (${skipped.length} SKIPPED by E2E_ONLY: not a full run)` : ''}`);
  if (skipped.length) process.exitCode = 1;
  if (failed.length) {
    for (const f of failed) console.log(`  FAIL ${f.name}: ${f.error.message}`);
    process.exitCode = 1;
  }
}

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

// Scenarios for the operator's console views of issue 14 (Deliver): health, pre-flight, not
// replicated yet, change a rule, export, topology. They run against a second emulator started
// with --replication-rate, so bars, lag, rate and ETA move while the test watches. The page is
// connected to it through the Endpoint field (the CSP allows loopback).

import { startEmulator, controls, putObject, adminClient, AK, SK } from './emulator.mjs';
import { signRequest } from '../../pkg/node/index.mjs';

/** The slow emulator's buckets. */
const SLOW_BUCKETS = {
  'c-src': 'oss-cn-hangzhou', // the managed bucket
  'c-dst': 'oss-cn-beijing', // main rule (RTC possible)
  'c-dst2': 'oss-cn-shanghai', // history-off rule: a fixed set never copied
  'c-far': 'oss-cn-zhangjiakou', // c-dst -> c-far: a chain
  'c-ver': 'oss-cn-beijing', // versioning on: pre-flight mismatch
};
/** Objects per second the slow emulator replicates (all rules together). */
const RATE = 4;

/** PutBucketVersioning (the page never sets versioning; the fixture does). */
async function enableVersioning(endpoint, bucket, region) {
  const url = `${endpoint}/${bucket}/?versioning`;
  const body = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
  const headers = signRequest({ method: 'PUT', bucket, url, headers: { 'content-type': 'application/xml' }, body }, { accessKeyId: AK, accessKeySecret: SK }, { version: 'v4', region, time: Date.now() });
  const r = await fetch(url, { method: 'PUT', headers, body });
  if (r.status !== 200) throw new Error(`PutBucketVersioning ${bucket}: ${r.status} ${await r.text()}`);
}

export async function consoleScenarios(t) {
  const { page, scenario, shot, connect, text, assert, until, sleep, bin, www } = t;
  // startEmulator waits for the www line, so this one serves the page too (unused).
  const args = ['--www', www, '--www-listen', '127.0.0.1:0', '--replication-rate', String(RATE), '--status-delay-ms', '300'];
  for (const [name, loc] of Object.entries(SLOW_BUCKETS)) args.push('--bucket', `${name}:${loc}`);
  const slow = await startEmulator(bin, args);
  const ctl = controls(slow.endpoint);
  const admin = (bucket, region) => adminClient(slow.endpoint, bucket, region);
  const put = (bucket, key) => putObject(slow.endpoint, bucket, 'cn-hangzhou', key, `body of ${key}`);
  const originalEndpoint = await page.inputValue('#c-endpoint').catch(() => '');
  const mainRow = (id) => page.locator(`#rules-table tbody tr[data-rule-id="${id}"]`);
  const connectSlow = async () => {
    if (/^Connected to c-src /.test(await text('#conn-status')) && (await page.locator('#health').isVisible())) return;
    if (await page.locator('#connect-form').isHidden()) await page.click('#change-conn');
    await page.fill('#c-endpoint', slow.endpoint);
    await connect({ bucket: 'c-src', stsUrl: `${slow.endpoint}/_emulator/sts` });
    assert(/Connected to c-src/.test(await text('#conn-status')), `connected to the slow emulator: ${await text('#conn-status')}`);
  };
  const consoleScenario = (name, fn) => scenario(name, async () => {
    await connectSlow();
    await fn();
  });
  const viewport = page.viewportSize();

  try {
    // Fixtures: objects to copy (they take 60/RATE s), a history-off rule whose old objects
    // stay missing, versioning on one bucket, and c-dst -> c-far (a chain with the main rule).
    await Promise.all(Array.from({ length: 60 }, (_, i) => put('c-src', `data/${String(i).padStart(3, '0')}.txt`)));
    await Promise.all(Array.from({ length: 25 }, (_, i) => put('c-src', `old/${String(i).padStart(3, '0')}.txt`)));
    await enableVersioning(slow.endpoint, 'c-ver', 'cn-beijing');
    await admin('c-src', 'cn-hangzhou').putBucketReplication({ id: 'c-nohist', destination: { bucket: 'c-dst2', location: 'oss-cn-shanghai' }, prefixes: ['old/'], historicalObjectReplication: false });
    await admin('c-dst', 'cn-beijing').putBucketReplication({ id: 'c-chain', destination: { bucket: 'c-far', location: 'oss-cn-zhangjiakou' }, prefixes: ['data/'] });

    await consoleScenario('console pre-flight: problems at their fields, summary, cost notes, RAM policies and CORS', async () => {
      await page.click('#r-reset');
      // Each pre-flight shown bumps data-n: wait for the next one.
      const check = async () => {
        const before = Number((await page.getAttribute('#preflight', 'data-n')) ?? 0);
        await page.click('#r-check');
        await until('the pre-flight verdict', async () => Number((await page.getAttribute('#preflight', 'data-n')) ?? 0) > before, 10_000, 50);
        return page.getAttribute('#preflight', 'data-ok');
      };
      // A destination that does not exist.
      await page.selectOption('#r-location', 'oss-cn-beijing');
      await page.fill('#r-bucket', 'c-nowhere');
      assert((await check()) === 'false', 'a missing destination fails the pre-flight');
      assert(await page.locator('#preflight li[data-code=DestinationNotFound]').count() === 1, `DestinationNotFound listed: ${await text('#preflight')}`);
      assert((await page.getAttribute('#r-bucket', 'aria-invalid')) === 'true' && (await text('#r-bucket-err')).length > 0, 'shown at the bucket field');
      assert(await page.evaluate(() => document.activeElement.id === 'r-bucket'), 'focus on the field');
      // The destination's own region: c-far is in zhangjiakou, not beijing; one click fixes it.
      await page.fill('#r-bucket', 'c-far');
      assert((await check()) === 'false', 'a region mismatch fails');
      assert(await page.locator('#preflight li[data-code=LocationMismatch]').count() === 1, `LocationMismatch listed: ${await text('#preflight')}`);
      await page.click('#preflight button.use-location');
      assert((await page.inputValue('#r-location')) === 'oss-cn-zhangjiakou', `region taken from the bucket: ${await page.inputValue('#r-location')}`);
      // Versioning: c-ver has it on, c-src never set it.
      await page.selectOption('#r-location', 'oss-cn-beijing');
      await page.fill('#r-bucket', 'c-ver');
      assert((await check()) === 'false', 'a versioning mismatch fails');
      assert(await page.locator('#preflight li[data-code=VersioningMismatch]').count() === 1, `VersioningMismatch listed: ${await text('#preflight')}`);
      assert(/versioning enabled/i.test(await text('#preflight .f-dest')), `the destination's versioning is shown: ${await text('#preflight .f-dest')}`);
      // A good rule, with billed options: summary, cost notes, policies.
      await page.fill('#r-bucket', 'c-dst');
      await page.fill('#r-id', 'c-main');
      await page.click('#r-prefix-add');
      await page.fill('#r-prefix-0', 'data/');
      await page.selectOption('#r-transfer', 'oss_acc');
      await page.check('#r-rtc');
      assert((await check()) === 'true', `a good rule passes: ${await text('#preflight')}`);
      const summary = await text('#preflight .preflight-summary');
      assert(/Copies objects whose names start with "data\/" of c-src to c-dst/.test(summary) && /Objects that exist now are copied first/.test(summary) && /RTC/.test(summary), `plain-language summary: ${summary}`);
      const cost = await text('#preflight .preflight-cost');
      assert(/oss_acc/.test(cost) && /RTC: billed/.test(cost), `cost notes for oss_acc and RTC: ${cost}`);
      await page.click('#preflight .preflight-policies summary');
      const operator = await page.locator('#preflight pre[data-policy=operator]').textContent();
      const policy = JSON.parse(operator);
      assert(JSON.stringify(policy).includes('oss:PutBucketReplication') && JSON.stringify(policy).includes('c-src'), `operator policy: ${operator}`);
      const cors = JSON.parse(await page.locator('#preflight pre[data-policy=cors]').textContent());
      assert(JSON.stringify(cors).includes('x-oss-request-id'), `CORS rule: ${JSON.stringify(cors)}`);
      const origin = await page.evaluate(() => location.origin);
      assert(JSON.stringify(cors.allowedOrigins) === JSON.stringify([origin]), `the CORS rule names this page's origin: ${JSON.stringify(cors.allowedOrigins)}`);
      await shot('30-preflight.png', 'Pre-flight before Create: verdict, versioning of both buckets, plain-language summary, cost notes (oss_acc, RTC), RAM policies and CORS rule to copy', page.locator('#create'));
      // Create runs the pre-flight first (it reads the destination), then puts.
      await page.selectOption('#r-transfer', 'internal');
      await page.uncheck('#r-rtc');
      await ctl.clearRequests();
      await page.click('#r-submit');
      await until('c-main created', async () => /Rule c-main created/.test(await text('#rule-ok')));
      const dst = await ctl.requests('c-dst');
      assert(dst.some((r) => r.method === 'GET'), `the pre-flight read the destination before the put: ${JSON.stringify(dst.map((r) => `${r.method} ${r.query}`))}`);
      await mainRow('c-main').waitFor();
    });

    await consoleScenario('console health: lag against the 10 min target, rate and ETA, a chart that moves, tiles', async () => {
      const item = page.locator('#health-rules li[data-rule-id="c-main"]');
      await item.waitFor();
      // The historical copy runs at RATE objects/s: a rate and an ETA appear once two reads differ.
      await until('a rate and an ETA for c-main', async () => /% per minute · done in about \d/.test(await item.locator('.health-rate').innerText()), 30_000, 250);
      const rate = await item.locator('.health-rate').innerText();
      const perMin = Number(/([\d.]+)% per minute/.exec(rate)[1]);
      // 60 objects at 4/s is 400 %/min; allow the polling's granularity.
      assert(perMin > 100 && perMin < 900, `rate near ${(RATE / 60) * 6000}% per minute: ${rate}`);
      const points = async () => (await item.locator('svg.health-chart polyline.hist-line').getAttribute('points')).trim().split(/\s+/).length;
      const p0 = await points();
      await until('the chart to gain points', async () => (await points()) > p0, 10_000, 250);
      const lag = await item.locator('.health-lag').innerText();
      assert(/Lag \d+ (s|min)/.test(lag) && /RTC's 10 min target/.test(lag), `lag against the target: ${lag}`);
      assert(await item.locator('meter').count() === 1, 'a lag meter');
      const label = await item.locator('svg.health-chart').getAttribute('aria-label');
      assert(/historical objects \d+%/.test(label), `the chart has a text alternative: ${label}`);
      assert(/^\d+$/.test(await text('#health-tiles [data-tile=rules] .tile-value')), 'tiles');
      assert((await text('#health-tiles [data-tile=rules] .tile-value')) === '2', `2 rules: ${await text('#health-tiles')}`);
      await shot('31-health.png', 'Health: tiles for the bucket, per rule lag against RTC\'s 10 min target, rate, ETA and the chart since the page connected', page.locator('#health'));
      // History reaches 100%: the ETA is gone and the rate line says so.
      await until('history complete', async () => /all replicated/.test(await item.locator('.health-rate').innerText()), 40_000, 500);
      // New writes queue behind the replication rate: the lag rises above 0 (Refresh reads now;
      // a settled rule is read every 30 s).
      await Promise.all(Array.from({ length: 30 }, (_, i) => put('c-src', `data/new-${String(i).padStart(2, '0')}.txt`)));
      const risen = await until('the lag to rise', async () => {
        await page.click('#rules-refresh');
        await sleep(400);
        const l = await item.locator('.lag-value').innerText();
        return /^([1-9]\d* s|\d+ min)/.test(l) ? l : null;
      }, 15_000, 100);
      assert(/[1-9]/.test(await text('#health-tiles [data-tile=worst-lag] .tile-value')), `the worst-lag tile follows (rule shows ${risen}): ${await text('#health-tiles')}`);
    });

    await consoleScenario('console not replicated yet: counts, Stop, search, CSV', async () => {
      // c-nohist copies nothing that existed before it: its 25 old objects stay missing.
      await page.selectOption('#bl-rule', 'c-nohist');
      // A stalled listing, so Stop has something to stop.
      await ctl.arm({ match: { method: 'GET', bucket: 'c-src', query: 'list-type=2' }, count: 1, action: { stall_ms: 4000 } });
      await page.click('#bl-run');
      await until('the comparison running', async () => (await page.getAttribute('#backlog', 'aria-busy')) === 'true', 3000, 50);
      assert(await page.locator('#bl-progress').isVisible(), 'a progress bar while listing');
      await page.click('#bl-stop');
      await until('stopped', async () => (await page.getAttribute('#backlog', 'data-done')) === 'stopped', 5000, 50);
      assert(/Stopped/.test(await text('#bl-status')), `says it stopped: ${await text('#bl-status')}`);
      await ctl.clearFaults();
      await page.click('#bl-run');
      await until('the comparison done', async () => (await page.getAttribute('#backlog', 'data-done')) === 'true', 15_000, 100);
      assert((await text('#bl-missing')) === '25', `25 missing: ${await text('#bl-counts')}`);
      assert((await text('#bl-differing')) === '0' && (await text('#bl-extra')) === '0', `none differing or extra: ${await text('#bl-counts')}`);
      assert(await page.locator('#bl-list tr').count() === 25, 'the 25 objects listed');
      const when = await text('#bl-list tr:first-child td:last-child');
      assert(/^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC\+8$/.test(when), `last modified in the page's time format (browser in Asia/Shanghai): ${when}`);
      await page.fill('#bl-search', 'old/01');
      await until('the search to filter', async () => (await page.locator('#bl-list tr').count()) === 10, 3000, 50);
      assert(/10 of 25/.test(await text('#bl-shown')), `search count: ${await text('#bl-shown')}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bl-csv')]);
      const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString());
      const lines = csv.trim().split(/\r\n/);
      assert(lines[0] === 'state,key,size,etag,lastModified' && lines.length === 11, `CSV of the 10 shown: ${csv.slice(0, 300)}`);
      assert(lines[1].startsWith('missing,old/01'), `CSV row: ${lines[1]}`);
      await page.fill('#bl-search', '');
      await shot('32-not-replicated.png', 'Not replicated yet: counts (missing, different, pending, only at the destination), searchable list, CSV', page.locator('#backlog'));
    });

    await consoleScenario('console change a rule: the form filled from the rule, replaceRule step by step', async () => {
      const r = mainRow('c-nohist');
      await r.locator('button.details-toggle').click();
      await page.click('#rules-table button.edit[aria-label="Edit rule c-nohist"]');
      assert(await page.locator('#edit-banner').isVisible(), 'the edit banner');
      assert((await page.inputValue('#r-id')) === 'c-nohist' && (await page.inputValue('#r-bucket')) === 'c-dst2' && (await page.inputValue('#r-location')) === 'oss-cn-shanghai', 'the form is filled from the rule');
      assert((await page.inputValue('#r-prefix-0')) === 'old/' && !(await page.isChecked('#r-history')), 'prefixes and history from the rule');
      assert((await text('#r-submit')) === 'Apply change', 'the button says what it does');
      await page.click('#r-prefix-add');
      await page.fill('#r-prefix-1', 'new/');
      await page.fill('#r-tags', 'env=prod');
      await page.click('#r-submit');
      await until('the change applied', async () => /Rule c-nohist changed/.test(await text('#rule-ok')), 30_000, 200);
      const steps = await page.locator('#edit-steps li').evaluateAll((ls) => ls.map((l) => `${l.dataset.step}:${l.dataset.state}`));
      assert(steps.join(' ') === 'check:done delete:done gone:done put:done doing:done', `each step shown done: ${steps}`);
      const rules = (await admin('c-src', 'cn-hangzhou').getBucketReplication()).rules;
      const changed = rules.find((x) => x.id === 'c-nohist');
      assert(JSON.stringify(changed?.prefixes) === '["old/","new/"]' && changed.userTaggings?.tags?.[0]?.key === 'env', `the rule as changed: ${JSON.stringify(changed)}`);
      assert(rules.filter((x) => x.destination.bucket === 'c-dst2').length === 1, 'one rule to c-dst2 (replaced, not added)');
      await shot('33-edit-steps.png', 'Change a rule: replaceRule step by step (pre-flight, delete, wait until gone, put, doing)', page.locator('#create'));
    });

    await consoleScenario('console export: Terraform and ossutil input', async () => {
      await page.click('#export-tf');
      const tf = await text('#export-alt');
      assert(/resource "alicloud_oss_bucket_replication" "c-main" \{/.test(tf) && /bucket = "c-src"/.test(tf) && /prefixes = \["data\/"\]/.test(tf) && /location = "oss-cn-beijing"/.test(tf), `Terraform:\n${tf}`);
      assert(/historical_object_replication = "disabled"/.test(tf), 'c-nohist exported with history off');
      assert(/tag filter \(AND\): env=prod/.test(tf), `c-nohist's tag filter (set by the edit) exported:\n${tf}`);
      await page.click('#export-ossutil');
      const xml = await text('#export-alt');
      assert(/<Key>env<\/Key>/.test(xml) && /<Value>prod<\/Value>/.test(xml), `the tag filter in the ossutil input:\n${xml}`);
      assert(/ossutil replication --method put oss:\/\/c-src replication-c-main\.xml/.test(xml) && /<Prefix>data\/<\/Prefix>/.test(xml) && /<ReplicationConfiguration>/.test(xml), `ossutil input:\n${xml}`);
      await shot('34-export-terraform.png', 'Export as ossutil input (and Terraform), built by the library\'s own request builder', page.locator('#copy'));
    });

    await consoleScenario('console topology: matrix with status and lag, fan-out, chain, a two-way pair in one step', async () => {
      await page.fill('#ov-buckets', Object.entries(SLOW_BUCKETS).map(([b, l]) => `${b}:${l}`).join('\n'));
      await page.click('#ov-scan');
      await until('the scan done', async () => (await page.getAttribute('#ov-summary', 'data-done')) === 'true', 20_000, 100);
      await page.locator('#topo-matrix').waitFor();
      const shapes = await text('#ov-topology .topo-shapes');
      assert(/Fan-out \(1\): c-src → c-dst, c-dst2/.test(shapes), `fan-out: ${shapes}`);
      assert(/Chains \(1\): c-src → c-dst → c-far/.test(shapes), `chain: ${shapes}`);
      assert(/Two-way pairs \(0\)/.test(shapes), `no pair yet: ${shapes}`);
      const tiles = await text('#ov-table tr[data-bucket="c-src"] .ov-tiles');
      assert(/2 of 2 doing/.test(tiles) && /worst lag \d+ (s|min)/.test(tiles) && /0 over 10 min/.test(tiles), `the bucket's tiles: ${tiles}`);
      const cell = await text('#topo-matrix [data-edge="c-src>c-dst"]');
      assert(/doing/.test(cell) && /lag \d+ (s|min)/.test(cell), `edge with status and lag: ${cell}`);
      await page.click('#ov-topology li[data-edge="c-src>c-dst2"] button.two-way');
      await until('the reverse rule created', async () => /created two-way-c-nohist on c-dst2/.test(await text('#topo-status')), 15_000, 100);
      await until('the pair listed', async () => /Two-way pairs \(1\): c-dst2 ⇄ c-src/.test(await text('#ov-topology .topo-shapes')), 15_000, 100);
      const back = (await admin('c-dst2', 'cn-shanghai').getBucketReplication()).rules;
      assert(back.length === 1 && back[0].destination.bucket === 'c-src' && back[0].destination.location === 'oss-cn-hangzhou', `the reverse rule: ${JSON.stringify(back)}`);
      await shot('35-topology.png', 'Topology: matrix with status and lag per edge, fan-out, chain, a two-way pair made in one step', page.locator('#overview'));
    });

    await consoleScenario('console apply to many buckets: the diff and pre-flight first, then Confirm', async () => {
      await page.click('#export-btn');
      await page.fill('#apply-bucket', 'c-far:oss-cn-zhangjiakou, c-ver:oss-cn-beijing');
      await page.click('#apply-btn');
      await page.locator('#apply-confirm').waitFor();
      const state = (target) => page.locator(`#apply-diff li[data-target="${target}"] li`).evaluateAll((ls) => ls.map((l) => l.dataset.state).join());
      // c-nohist carries a tag filter since the edit: the library knows zhangjiakou has none.
      assert((await state('c-far')) === 'new,problem' && /TagFiltersUnavailable/.test(await text('#apply-diff li[data-target="c-far"]')), `c-far: ${await text('#apply-diff')}`);
      // c-ver has versioning on and the destinations do not: the pre-flight says so before anything is sent.
      assert(/problem/.test(await state('c-ver')) && /VersioningMismatch/.test(await text('#apply-diff li[data-target="c-ver"]')), `c-ver: ${await text('#apply-diff')}`);
      assert((await admin('c-far', 'cn-zhangjiakou').getBucketReplication()).rules.length === 0, 'nothing applied before Confirm');
      await shot('36-apply-many-diff.png', 'Apply to many buckets: what would change on each, with a pre-flight per rule, before Confirm', page.locator('#copy'));
      assert(/anyway \(3 with pre-flight problems\)/.test(await text('#apply-confirm')), `the button names the problems: ${await text('#apply-confirm')}`);
      await page.click('#apply-confirm');
      await until('c-far applied', async () => /of 2 rules applied to c-far/.test(await text('#apply-results')), 15_000, 100);
      const far = (await admin('c-far', 'cn-zhangjiakou').getBucketReplication()).rules.map((r) => r.id);
      assert(far.includes('c-main'), `c-far's rules: ${far}`);
    });

    await consoleScenario('console views at 375 px: cards, no sideways scrolling', async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      try {
        for (const [id, file, what] of [['health', '31m-health-375.png', 'Health at 375 px'], ['backlog', '32m-not-replicated-375.png', 'Not replicated yet at 375 px'],
          ['create', '30m-preflight-375.png', 'Pre-flight / change form at 375 px'], ['ov-topology', '35m-topology-375.png', 'Topology at 375 px'],
          ['copy', '36m-export-apply-375.png', 'Export (ossutil / Terraform) and the apply-to-many diff at 375 px']]) {
          await page.locator(`#${id}`).scrollIntoViewIfNeeded();
          const wide = await page.evaluate((sel) => [...document.querySelectorAll(`${sel} *`)].filter((el) => el.getBoundingClientRect().right > 376 && el.getClientRects().length && !el.closest('pre, .table-wrap')).map((el) => `${el.tagName}.${el.className}`).slice(0, 5), `#${id}`);
          assert(wide.length === 0, `${id}: elements wider than the phone: ${wide}`);
          await shot(file, what, page.locator(`#${id}`));
        }
        assert(await page.evaluate(() => document.scrollingElement.scrollWidth <= 376), `no sideways scroll: ${await page.evaluate(() => document.scrollingElement.scrollWidth)}`);
      } finally {
        await page.setViewportSize(viewport);
      }
    });
  } finally {
    await page.click('#disconnect-btn').catch(() => {});
    await page.fill('#c-endpoint', originalEndpoint).catch(() => {});
    await slow.stop();
  }
}

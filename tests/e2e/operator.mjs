// Scenarios for the operator's bugs of issue 14, one per bug, on their own bucket (e2e-ops) so
// the main session's rules stay as they are. Each failed against the page before its fix.
// `t` is the harness of run.mjs: page, scenario, shot, connect, rulesRefresh, row, text, ctl, emu, ...

/** Hangzhou bucket the scenarios manage; its fixture rules go to beijing (RTC possible) and shanghai. */
export const OPS_BUCKETS = {
  'e2e-ops': 'oss-cn-hangzhou',
  'e2e-hk': 'oss-cn-hongkong', // cross-border destinations: oss_acc only, no RTC
  'e2e-hk2': 'oss-cn-hongkong',
};

export async function operatorScenarios(t) {
  const { page, scenario, shot, connect, rulesRefresh, row, text, ctl, emu, assert, until, sleep, adminClient, putObject } = t;
  const admin = adminClient(emu.endpoint, 'e2e-ops', 'cn-hangzhou');
  const reads = async () => Number(await page.getAttribute('#rules', 'data-reads'));
  const nextRead = async (before) => until('the next read of the rules', async () => (await reads()) > before, 20_000, 50);
  const opsRequests = async () => (await ctl.requests('e2e-ops')).length;
  // Each scenario starts connected to e2e-ops (so one failure does not cascade into the next).
  const ensureOps = async () => {
    if (/^Connected to e2e-ops /.test(await text('#conn-status')) && (await page.locator('#rules').isVisible())) return;
    await connect({ bucket: 'e2e-ops' });
    await row('ops-bj').waitFor();
  };
  const opsScenario = (name, fn) => scenario(name, async () => {
    await ensureOps();
    await fn();
  });

  if (page.url() === 'about:blank') {
    // Run on their own (E2E_ONLY): the page is not open yet.
    await page.goto(emu.www);
    await page.waitForSelector('body[data-ready=true]');
  }
  // Fixtures: objects to replicate and two rules, like an operator's existing setup.
  await Promise.all(Array.from({ length: 20 }, (_, i) => putObject(emu.endpoint, 'e2e-ops', 'cn-hangzhou', `logs/${i}.log`, `line ${i}`)));
  await admin.putBucketReplication({ id: 'ops-bj', destination: { bucket: 'e2e-dst', location: 'oss-cn-beijing' }, prefixes: ['logs/', 'images/'] });
  await admin.putBucketReplication({ id: 'ops-sh', destination: { bucket: 'e2e-dst2', location: 'oss-cn-shanghai' }, prefixes: ['logs/'] });
  // No ID: OSS's generated UUID, the long kind that squeezed the other columns.
  await admin.putBucketReplication({ destination: { bucket: 'e2e-fail', location: 'oss-cn-hangzhou' }, prefixes: ['images/', 'logs/2024/'], actions: ['PUT', 'DELETE'] });
  await admin.putBucketReplication({ id: 'ops-hk', destination: { bucket: 'e2e-hk', location: 'oss-cn-hongkong', transferType: 'oss_acc' } });

  await scenario('bug 12: after Connect, focus is on the rules, not <body>', async () => {
    await connect({ bucket: 'e2e-ops' });
    assert(/Connected to e2e-ops/.test(await text('#conn-status')), `connected: ${await text('#conn-status')}`);
    const focus = await page.evaluate(() => ({ tag: document.activeElement.tagName, id: document.activeElement.id }));
    assert(focus.tag !== 'BODY', `focus fell to <body> after Connect: ${JSON.stringify(focus)}`);
    assert(focus.id === 'rules-h', `focus on the rules heading: ${JSON.stringify(focus)}`);
    await row('ops-bj').waitFor();
  });

  await opsScenario('bug 4: a failed Change connection keeps the working connection', async () => {
    for (const attempt of [{ bucket: 'e2e-ops-typo' }, { bucket: 'e2e-ops', stsUrl: `${emu.endpoint}/_emulator/stss` }, { bucket: 'e2e-ops', region: 'cn-hangzhuo' }]) {
      await connect(attempt);
      const what = JSON.stringify(attempt);
      assert(await page.locator('#connect-error').isVisible(), `${what}: the failure is shown`);
      assert(/still connected to e2e-ops/.test(await text('#connect-error')), `${what}: the box says the old connection stays: ${await text('#connect-error')}`);
      assert(/Connected to e2e-ops/.test(await text('#conn-status')), `${what}: status still connected: ${await text('#conn-status')}`);
      assert(await page.locator('#rules').isVisible(), `${what}: the rules stay`);
    }
    await rulesRefresh();
    assert(await page.locator('#rules-error').isHidden(), 'the old connection still reads');
    assert(await row('ops-bj').isVisible(), 'and lists its rules');
    await shot('10-change-connection-failed.png', 'A failed Change connection (region typo): error at the form, still connected to e2e-ops', page.locator('#connect'));
    await page.click('#change-conn'); // fold the form away again
  });

  await opsScenario('bug 2: transfer type goes back to internal after Clear, a region switch and an oss_acc rule', async () => {
    await page.selectOption('#r-location', 'oss-cn-beijing');
    await page.selectOption('#r-transfer', 'oss_acc');
    await page.click('#r-reset');
    assert((await page.inputValue('#r-transfer')) === 'internal', `after Clear: ${await page.inputValue('#r-transfer')}`);
    await page.selectOption('#r-location', 'oss-cn-beijing');
    await page.selectOption('#r-transfer', 'oss_acc');
    await page.selectOption('#r-location', 'oss-cn-shanghai');
    assert((await page.inputValue('#r-transfer')) === 'internal', `after switching region: ${await page.inputValue('#r-transfer')}`);
    // Create an oss_acc rule (hongkong allows nothing else), then the next rule.
    await page.selectOption('#r-location', 'oss-cn-hongkong');
    assert((await page.inputValue('#r-transfer')) === 'oss_acc', 'hongkong: oss_acc');
    await page.fill('#r-bucket', 'e2e-hk2');
    await page.fill('#r-id', 'ops-acc');
    await page.click('#r-submit');
    await until('ops-acc created', async () => /Rule ops-acc created/.test(await text('#rule-ok')));
    await page.selectOption('#r-location', 'oss-cn-beijing');
    assert((await page.inputValue('#r-transfer')) === 'internal', `after an oss_acc rule: ${await page.inputValue('#r-transfer')}`);
    await page.fill('#r-bucket', 'ops-next-dst');
    const preview = await until('the preview of the next rule', async () => {
      const p = await text('#r-preview');
      return /<Bucket>ops-next-dst<\/Bucket>/.test(p) ? p : null;
    });
    assert(!/TransferType/.test(preview), `the next rule is sent without billed acceleration:\n${preview}`);
    assert(/internal is the default/.test(await text('#r-transfer-note')), 'the note matches');
    await page.click('#r-reset');
  });

  await opsScenario('bug 11: RTC "Turn on" only where OSS can do RTC', async () => {
    const hk = row('ops-hk');
    await hk.waitFor();
    await until('ops-hk doing', async () => (await hk.locator('.badge').innerText()) === 'doing');
    assert(!(await hk.locator('.rtc-toggle').isVisible()), 'no Turn on for hangzhou -> hongkong');
    assert(/not available to oss-cn-hongkong/.test(await hk.locator('.rtc-status').innerText()), `says why: ${await hk.locator('.rtc-status').innerText()}`);
    assert(await row('ops-bj').locator('.rtc-toggle').isVisible(), 'Turn on stays for hangzhou -> beijing');
  });

  await opsScenario('bug 3: progress rounds (0.29 is 29%, 0.57 is 57%) and shows 100% only at 1', async () => {
    let fraction = '0.29';
    await page.route(/[?&]replicationProgress&rule-id=ops-bj/, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const resp = await route.fetch();
      const body = (await resp.text()).replace(/<HistoricalObject>[^<]*<\/HistoricalObject>/, `<HistoricalObject>${fraction}</HistoricalObject>`);
      await route.fulfill({ response: resp, body });
    });
    try {
      for (const [f, want] of [['0.29', '29%'], ['0.57', '57%'], ['0.996', '99%']]) {
        fraction = f;
        await rulesRefresh();
        const label = await row('ops-bj').locator('.hist-label').innerText();
        assert(label === want, `${f} shows ${label}, want ${want}`);
      }
    } finally {
      await page.unroute(/[?&]replicationProgress&rule-id=ops-bj/);
    }
    await rulesRefresh();
    assert((await row('ops-bj').locator('.hist-label').innerText()) === '100%', '1.00 shows 100%');
  });

  await opsScenario('bug 6: a failed progress read is shown, not hidden behind old figures', async () => {
    await ctl.arm({ match: { method: 'GET', query: 'replicationProgress', bucket: 'e2e-ops' }, count: 50, action: { status: 403, code: 'AccessDenied', message: 'no right to read progress' } });
    try {
      await rulesRefresh();
      const err = row('ops-bj').locator('.progress-error');
      assert(await err.isVisible(), 'the row says its progress could not be read');
      assert(/AccessDenied \(HTTP 403\)/.test(await err.innerText()), `with the code: ${await err.innerText()}`);
      assert(/could not be read/.test(await text('#rules-updated')), `and the read time says so: ${await text('#rules-updated')}`);
      await shot('11-progress-read-failed.png', 'A failed progress read: the row says so (code, when the shown figures were read)', page.locator('#rules'));
    } finally {
      await ctl.clearFaults();
    }
    await rulesRefresh();
    assert((await row('ops-bj').locator('.progress-error').count()) === 0, 'gone once the read works');
  });

  await opsScenario('bug 9: a slow read shows that it is reading', async () => {
    const before = await reads();
    await ctl.arm({ match: { method: 'GET', query: 'replication', bucket: 'e2e-ops' }, count: 1, action: { stall_ms: 2500 } });
    await page.click('#rules-refresh');
    await until('the loading state', async () => (await page.getAttribute('#rules', 'aria-busy')) === 'true' && (await text('#rules-refresh')) === 'Refreshing…' && /Reading/.test(await text('#rules-updated')), 2000, 50);
    await shot('12-slow-read.png', 'A slow read: Refresh says Refreshing…, the table is aria-busy, the note says what is being read', page.locator('#rules'));
    await nextRead(before);
    await until('the loading state to end', async () => (await page.getAttribute('#rules', 'aria-busy')) === null && /Last read/.test(await text('#rules-updated')), 5000, 50);
  });

  await opsScenario('bug 1: a failed RTC toggle or delete keeps its error after the refresh', async () => {
    const failure = (what) => page.locator('#rules .error-box', { hasText: what });
    await ctl.arm({ match: { method: 'PUT', query: 'rtc', bucket: 'e2e-ops' }, count: 1, action: { status: 403, code: 'AccessDenied', message: 'You have no right to access this bucket.' } });
    let before = await reads();
    await row('ops-bj').locator('.rtc-toggle').click();
    await nextRead(before);
    await rulesRefresh(); // and one more, like the automatic refresh
    assert(await failure('Turning RTC on for ops-bj failed').isVisible(), 'the RTC failure stays after the refreshes');
    assert(/AccessDenied/.test(await failure('Turning RTC on for ops-bj failed').innerText()), 'with its code');
    await ctl.arm({ match: { method: 'POST', query: 'replication&comp=delete', bucket: 'e2e-ops' }, count: 1, action: { status: 403, code: 'AccessDenied', message: 'You have no right to access this bucket.' } });
    before = await reads();
    await row('ops-sh').locator('button.delete').click();
    await page.click('#delete-confirm');
    await nextRead(before);
    await rulesRefresh();
    assert(await failure('Deleting ops-sh failed').isVisible(), 'the delete failure stays after the refreshes');
    assert(await row('ops-sh').isVisible(), 'the rule is still listed');
    await shot('13-action-failed.png', 'A failed delete: the error stays (with Dismiss) while the table refreshes', page.locator('#rules'));
    await page.locator('#rules .error-box button.dismiss').click();
    assert(!(await failure('Deleting ops-sh failed').isVisible()), 'Dismiss hides it');
  });

  await opsScenario('bug 8: prefixes stay whole and columns keep their widths at 1280 px', async () => {
    const widths = () => page.locator('#rules-table thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
    const broken = () => page.locator('#rules-table .col-prefixes code').evaluateAll((cs) => cs.filter((c) => c.getClientRects().length > 1 || c.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(c).lineHeight || '20')).map((c) => c.textContent));
    const w0 = await widths();
    const b0 = await broken();
    assert(b0.length === 0, `prefixes broken across lines at 1280 px: ${b0}`);
    // Change what the cells hold: a long progress error, then RTC enabling -> enabled.
    await ctl.arm({ match: { method: 'GET', query: 'replicationProgress', bucket: 'e2e-ops' }, count: 10, action: { status: 503, code: 'ServiceUnavailable', message: 'busy' } });
    await rulesRefresh();
    await ctl.clearFaults();
    const w1 = await widths();
    await row('ops-bj').locator('.rtc-toggle').click();
    await until('RTC enabled', async () => (await row('ops-bj').locator('.rtc-status').innerText()) === 'enabled');
    const w2 = await widths();
    for (const [label, w] of [['after a failed progress read', w1], ['after RTC on', w2]]) {
      const moved = w.map((x, i) => Math.abs(x - w0[i])).filter((d) => d > 1);
      assert(moved.length === 0, `columns moved ${label}: ${w0} -> ${w}`);
    }
    assert((await broken()).length === 0, 'prefixes still whole');
    await shot('14-rules-1280.png', 'Rules of e2e-ops at 1280 px: fixed columns, prefixes whole, RTC not offered to hongkong', page.locator('#rules'));
  });

  await opsScenario('bug 14: refusals the page can predict are not sent', async () => {
    await ctl.clearRequests();
    const cases = [
      ['oss-cn-shanghai', 'e2e-dst', 'ops-wrong-region', /e2e-dst is in oss-cn-beijing, not oss-cn-shanghai/],
      ['oss-cn-beijing', 'e2e-dst', 'ops-dup-dest', /Rule ops-bj already replicates e2e-ops to e2e-dst/],
      ['oss-cn-hangzhou', 'e2e-ops', 'ops-self', /e2e-ops is the source bucket/],
    ];
    for (const [loc, bucket, id, want] of cases) {
      await page.click('#r-reset');
      await page.selectOption('#r-location', loc);
      await page.fill('#r-bucket', bucket);
      await page.fill('#r-id', id);
      await page.click('#r-submit');
      await until(`the ${id} error at the bucket field`, async () => want.test(await text('#r-bucket-err').catch(() => '')), 3000);
      assert(await page.evaluate(() => document.activeElement.id === 'r-bucket'), 'focus on the field');
    }
    await sleep(300);
    const puts = (await ctl.requests('e2e-ops')).filter((r) => r.method === 'POST' && /comp=add/.test(r.query ?? ''));
    assert(puts.length === 0, `no Put was sent: ${JSON.stringify(puts.map((r) => r.query))}`);
    await shot('15-predicted-refusal.png', 'A refusal the page predicts (destination bucket in another region): shown at the field, nothing sent', page.locator('#create'));
    await page.click('#r-reset');
  });

  await opsScenario('bug 13: form messages in the form\'s words, no error styling before any input, one field table', async () => {
    await page.click('#r-reset');
    assert((await page.locator('#rule-form .field-error:visible').count()) === 0, 'no field error on an untouched form');
    const pre = await page.locator('#r-preview').evaluate((el) => ({ cls: el.className, text: el.textContent }));
    assert(!/invalid/.test(pre.cls) && !/rule\./.test(pre.text), `the untouched form's preview is not an error: ${JSON.stringify(pre)}`);
    await page.fill('#r-bucket', 'Bad_Bucket');
    const msg = await until('the bucket error', async () => text('#r-bucket-err').catch(() => ''));
    assert(!/rule\./.test(msg) && /Bad_Bucket/.test(msg), `message in the form's words: ${msg}`);
    // The field table against the library's real messages: each bad rule lands at its control.
    const mapped = await page.evaluate(async () => {
      const { validateRule } = await import('/pkg/web/index.js');
      const { fieldOf } = await import('/js/fields.js');
      const d = { bucket: 'dst', location: 'oss-cn-beijing' };
      const cases = {
        'r-id': { id: '', destination: d },
        'r-bucket': { destination: { ...d, bucket: 'Bad_Bucket' } },
        'r-location': { destination: { ...d, location: 'cn-beijing' } },
        'r-transfer': { destination: { ...d, transferType: 'fast' } },
        'r-prefixes': { destination: d, prefixes: Array(11).fill('p/') },
        'r-prefix-1': { destination: d, prefixes: ['a/', ''] },
        'r-actions': { destination: d, actions: ['PUT', 'put'] },
        'r-role': { destination: d, syncRole: '' },
        'r-kms-key': { destination: d, sseKmsEncryptedObjects: true },
      };
      const out = {};
      for (const [want, rule] of Object.entries(cases)) {
        try {
          validateRule(rule);
          out[want] = 'accepted';
        } catch (e) {
          const f = fieldOf(e);
          const got = f ? (f.index !== undefined && want.startsWith('r-prefix-') ? `r-prefix-${f.index}` : f.control) : 'unmapped';
          out[want] = got === want && !/rule\./.test(f.text) ? 'ok' : `${got}: ${f?.text ?? e.message}`;
        }
      }
      return out;
    });
    const wrong = Object.entries(mapped).filter(([, v]) => v !== 'ok');
    assert(wrong.length === 0, `validateRule messages not mapped to their control: ${JSON.stringify(wrong)}`);
    await page.click('#r-reset');
  });

  await opsScenario('bug 10: a dropped connection is not blamed on CORS; a bucket that never answered gets a compact CORS hint', async () => {
    await ctl.arm({ match: { method: 'GET', query: 'replication', bucket: 'e2e-ops' }, count: 20, action: { drop: true } });
    try {
      await rulesRefresh();
    } finally {
      await ctl.clearFaults();
    }
    const box = page.locator('#rules-error');
    const said = await box.innerText();
    assert(/NetworkError/.test(said) && /answered this page/.test(said), `says the bucket answered before: ${said}`);
    assert(!/no CORS rule|CORS refusal|AllowedOrigin/.test(said), `no CORS blame in what is shown: ${said}`);
    const h1 = await box.evaluate((el) => el.getBoundingClientRect().height);
    assert(h1 <= 200, `compact box (${h1} px)`);
    await shot('16-error-dropped.png', 'NetworkError on a bucket that answered seconds ago: "the connection dropped", no CORS blame, compact', box);
    await rulesRefresh();
    assert(await box.isHidden(), 'recovers');
    // A bucket that never answered this page (the overview scans every emulator bucket, so one
    // that does not exist; no request to it gets an answer): CORS is a likely cause, the rule is folded away.
    await ctl.arm({ match: { bucket: 'e2e-never', method: 'GET' }, count: 20, action: { drop: true } });
    try {
      await connect({ bucket: 'e2e-never' });
    } finally {
      await ctl.clearFaults();
    }
    const cbox = page.locator('#connect-error');
    const c = await cbox.innerText();
    assert(/No answer from bucket e2e-never/.test(c) && /CORS/.test(c), `CORS named as a cause: ${c}`);
    const h2 = await cbox.evaluate((el) => el.getBoundingClientRect().height);
    assert(h2 <= 200, `compact box with the rule folded (${h2} px)`);
    const origin = new URL(emu.www).origin;
    await cbox.locator('details.cors-rule summary').click();
    const rule = await cbox.locator('details.cors-rule pre').innerText();
    for (const want of [`<AllowedOrigin>${origin}</AllowedOrigin>`, '<AllowedMethod>POST</AllowedMethod>', '<AllowedHeader>x-oss-security-token</AllowedHeader>', '<ExposeHeader>x-oss-request-id</ExposeHeader>']) {
      assert(rule.includes(want), `CORS rule has ${want}`);
    }
    await shot('07-error-network-cors.png', 'NetworkError from a bucket that never answered: cause in one line, the CORS rule it needs unfolded', page.locator('#connect'));
    assert(/Connected to e2e-ops/.test(await text('#conn-status')), 'still connected to e2e-ops');
    await page.click('#change-conn');
  });

  await opsScenario('bug 7: after a clock-skew correction every time is on OSS\'s clock, with its timezone', async () => {
    const SKEW = 1200;
    await ctl.shiftClock(SKEW); // OSS 20 min ahead of this computer: requests are refused, then corrected
    try {
      await connect({ bucket: 'e2e-ops', stsUrl: `${emu.endpoint}/_emulator/sts?lifetime=900` });
      assert(/Connected to e2e-ops/.test(await text('#conn-status')), `connected: ${await text('#conn-status')}`);
      assert((await t.activity()).some((l) => /RequestTimeTooSkewed/.test(l)), 'OSS refused the skewed clock first');
      // Each part checked, every failing one reported.
      const problems = [];
      const part = async (what, fn) => fn().catch((e) => problems.push(`${what}: ${e.message.split('\n')[0]}`));
      await part('expiry', async () => {
        const head = await page.locator('header').innerText();
        assert(/expire in 1[45] min/.test(head), `a 15-minute token shows as 15 minutes: ${head}`);
      });
      await row('ops-bj').waitFor();
      await part('last read', async () => {
        const updated = await text('#rules-updated');
        const shown = /Last read (\d\d:\d\d:\d\d)/.exec(updated)?.[1];
        const serverNow = await page.evaluate((skew) => {
          const d = new Date(Date.now() + skew * 1000);
          return d.toLocaleTimeString('en-GB', { hour12: false, timeZone: 'Asia/Shanghai' });
        }, SKEW);
        const secs = (x) => x.split(':').reduce((a, v) => a * 60 + Number(v), 0);
        assert(shown && Math.abs(secs(shown) - secs(serverNow)) < 15 && /UTC\+8/.test(updated), `"Last read" on OSS's clock (${serverNow} UTC+8): ${updated}`);
      });
      await part('checkpoint', async () => {
        const cp = await until('a checkpoint', async () => row('ops-bj').locator('time.checkpoint').innerText().catch(() => null));
        assert(/UTC\+8/.test(cp) && /ago|just now/.test(cp) && !/\bin \d/.test(cp), `the checkpoint is not in the future: ${cp}`);
      });
      assert(problems.length === 0, problems.join(' | '));
      await shot('17-clock-skew.png', 'After a clock-skew correction: expiry, last read and checkpoint on OSS\'s clock, zone named', page.locator('header'));
    } finally {
      await ctl.resetClock();
    }
  });

  await opsScenario('bug 5: pasted STS JSON shows its expiry, warns, and dead credentials stop the polling; steady rules poll slowly', async () => {
    // Adaptive polling, measured with the emulator's request log: the rules of e2e-ops are steady now.
    await connect({ bucket: 'e2e-ops' });
    const nRules = await page.locator('#rules-table tbody tr[data-rule-id]').count();
    // Steady as the operator sees it: every rule doing, copied 100%, no RTC enabling.
    await until('steady rules', async () => {
      const rows = await page.locator('#rules-table tbody tr[data-rule-id]').evaluateAll((trs) => trs.map((tr) => ({
        status: tr.querySelector('.badge')?.textContent,
        hist: tr.querySelector('.hist-label')?.textContent,
        rtc: tr.querySelector('.rtc-status')?.textContent,
      })));
      return rows.length === nRules && rows.every((r) => r.status === 'doing' && r.hist === '100%' && r.rtc !== 'enabling');
    }, 20_000);
    await sleep(500); // the read that saw them steady schedules the next one
    await ctl.clearRequests();
    const WINDOW = 31; // just over one slow period: the figure below is a real per-minute rate
    await sleep(WINDOW * 1000);
    const steady = await opsRequests();
    console.log(`         ${nRules} steady rules: ${steady} requests in ${WINDOW} s (${Math.round((steady * 60) / WINDOW)} a minute; polling every 2 s would be ${(nRules + 1) * (60 / 2)})`);
    assert(steady <= nRules + 1, `at most one read of the rules and their progress in ${WINDOW} s: ${steady} requests`);
    assert(steady >= 1, 'steady rules are still read now and then');

    // The whole STS JSON pasted: the expiry is shown, and a warning as it nears.
    const sts = await ctl.sts('?lifetime=200');
    await page.click('#change-conn');
    await page.check('input[name=credmode][value=paste]');
    await page.fill('#c-json', JSON.stringify(sts));
    for (const id of ['#c-ak', '#c-sk', '#c-token']) await page.fill(id, '');
    await page.click('#connect-btn');
    await until('connected with pasted JSON', async () => /Connected to e2e-ops .* pasted STS credentials/.test(await text('#conn-status')));
    assert(/expire in [23] min/.test(await text('#conn-expiry')), `expiry shown: ${await text('#conn-expiry')}`);
    assert((await page.inputValue('#c-json')) === '' && (await page.getAttribute('#c-sk', 'type')) === 'password' && (await page.inputValue('#c-sk')) === sts.accessKeySecret,
      'the pasted JSON moved into the fields (the secret masked)');
    assert(await page.locator('#conn-warning').isVisible(), 'warned: less than 5 minutes left');
    assert(/paste new ones/.test(await text('#conn-warning')), `says what to do: ${await text('#conn-warning')}`);
    await shot('18-pasted-expiry-warning.png', 'Pasted STS JSON: expiry countdown and the warning before it expires', page.locator('header'));

    // OSS's clock passes the expiry: the next read fails, and the page stops reading.
    await ctl.shiftClock(300);
    try {
      await rulesRefresh();
      assert(/SecurityTokenExpired/.test(await text('#rules-error')), 'the read failed on the expired token');
      assert(/no longer work/.test(await text('#conn-status')), `the header no longer says Connected: ${await text('#conn-status')}`);
      assert((await page.getAttribute('#rules', 'data-poll')) === null, 'no read scheduled');
      await ctl.clearRequests();
      await sleep(4500);
      const after = await opsRequests();
      assert(after === 0, `no request after the credentials died: ${after}`);
      await shot('19-credentials-dead.png', 'Expired pasted credentials: header says so, polling stopped, the form offered for new ones');
    } finally {
      await ctl.resetClock();
    }
  });

  await opsScenario('look: region names beside the IDs, technical details folded away', async () => {
    const option = await page.locator('#r-location option[value="oss-cn-beijing"]').innerText();
    assert(/oss-cn-beijing · China \(Beijing\)/.test(option), `the destination region names the place: ${option}`);
    assert((await row('ops-bj').locator('.region-name').innerText()) === 'China (Beijing)', 'the rule names its destination region');
    await ctl.arm({ match: { method: 'GET', query: 'replication', bucket: 'e2e-ops' }, count: 1, action: { status: 403, code: 'AccessDenied', message: 'You have no right to access this bucket.' } });
    await rulesRefresh();
    const box = page.locator('#rules-error');
    const shown = await box.innerText();
    assert(/AccessDenied/.test(shown) && /You have no right/.test(shown) && /oss:GetBucketReplication/.test(shown), `the message and what to do are shown: ${shown}`);
    assert(await box.locator('.error-request-id').isVisible(), 'the request ID (what support asks for) is in sight');
    assert(!/Host ID|Retryable/.test(shown), `the technical facts are folded away: ${shown}`);
    await box.locator('details.tech summary').click();
    assert(/Host ID/.test(await box.innerText()), 'and one click away');
    await shot('21-error-folded.png', 'AccessDenied: code, message, request ID and the RAM actions in sight; EC, host ID folded under Technical details', box);
    await rulesRefresh();
  });

  await opsScenario('bug 15: "1 error", times with their zone, "/" prefixes refused, the overview refreshes, the request log fits 375 px', async () => {
    // Five small bugs: each part is checked and every failing part reported.
    const problems = [];
    const part = async (what, fn) => {
      try {
        await fn();
      } catch (e) {
        problems.push(`${what}: ${e.message.split('\n')[0]}`);
      }
    };
    await part('"/" prefix', async () => {
      await page.click('#r-reset');
      await page.selectOption('#r-location', 'oss-cn-beijing');
      await page.fill('#r-bucket', 'ops-slash-dst');
      await page.click('#r-prefix-add');
      await page.fill('#r-prefix-0', '/logs/');
      await until('the "/" error', async () => /cannot start with "\/"/.test(await text('#r-prefix-0-err').catch(() => '')), 3000);
    });
    await page.click('#r-reset');

    await part('times with their zone', async () => {
      // The browser runs in Asia/Shanghai.
      for (const sel of ['#rules-updated', '#activity-time-h']) {
        assert(/UTC\+8/.test(await text(sel)), `${sel} names the zone: ${await text(sel)}`);
      }
      assert(/UTC\+8/.test(await text('#conn-expiry').catch(() => '')), 'the expiry names the zone');
      const cp = await row('ops-bj').locator('time.checkpoint').innerText();
      assert(/UTC\+8/.test(cp), `checkpoint names the zone: ${cp}`);
    });

    // Overview: a rule that changes state right after the scan, and one bucket that fails.
    await admin.putBucketReplication({ id: 'ops-copy', destination: { bucket: 'e2e-copy', location: 'oss-cn-hangzhou' } });
    await page.fill('#ov-buckets', 'e2e-ops:oss-cn-hangzhou\ne2e-no-such-bucket:oss-cn-hangzhou');
    await page.click('#ov-scan');
    await until('the scan', async () => (await page.getAttribute('#ov-summary', 'data-done')) === 'true', 20_000);
    const copyRule = page.locator('#ov-table tr[data-bucket="e2e-ops"] li[data-rule-id="ops-copy"]');
    const first = await copyRule.innerText();
    await part('"1 error"', async () => {
      const summary = await text('#ov-summary');
      assert(/ 1 error /.test(summary) && !/1 errors/.test(summary), `summary: ${summary}`);
    });
    await part('the overview refreshes', async () => {
      await until('the overview to read the changing rule again', async () => {
        const now = await copyRule.innerText();
        return /doing/.test(now) && /100%/.test(now) && now !== first;
      }, 15_000, 200);
    });

    await part('request log at 375 px', async () => {
      await page.setViewportSize({ width: 375, height: 812 });
      try {
        await sleep(200);
        const fit = await page.locator('#activity .table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        assert(fit.scroll <= fit.client + 1, `the request log fits 375 px: ${JSON.stringify(fit)}`);
        const first = page.locator('#activity-table tbody tr').first();
        const right = await first.evaluate((tr) => Math.round(tr.getBoundingClientRect().right));
        assert(right <= 375, `a request row ends inside the screen (${right} px)`);
        // Readable: the time and the duration each on one line, the request at least 240 px wide.
        const look = await first.evaluate((tr) => {
          // Line boxes of the cell's text (text nodes only: element boxes have their own tops).
          const lines = (el) => {
            const tops = new Set();
            const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
              const r = document.createRange();
              r.selectNodeContents(n);
              for (const x of r.getClientRects()) tops.add(Math.round(x.top));
            }
            return tops.size;
          };
          const tds = tr.querySelectorAll('td');
          return { time: lines(tds[0]), ms: lines(tds[4]), request: Math.round(tds[1].querySelector('code').getBoundingClientRect().width) };
        });
        assert(look.time === 1 && look.ms === 1 && look.request >= 240, `readable row: ${JSON.stringify(look)}`);
        await page.evaluate(() => document.getElementById('activity').scrollIntoView());
        await shot('20-request-log-375.png', 'The request log at 375 px: one card per request, time with its zone');
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
    assert(problems.length === 0, problems.join(' | '));
  });
}

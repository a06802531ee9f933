// Every listed bucket's rules and progress in one table. All calls go through the page-wide
// limiter (6 at a time), so 200 buckets never mean 200 simultaneous requests. After a scan,
// the buckets whose rules change state are read again every 5 s until they settle.

import { h, $, clear, setText, fmtTime, plural } from './dom.js';
import { limit, meter, MAX_IN_FLIGHT } from './net.js';
import { session, clientFor, regionId, serverNow } from './session.js';
import { showMessage, hideError } from './errors.js';
import { badge, progressParts, isChanging } from './rules.js';
import { regionLabel } from './regions.js';
import { renderTopology } from './topology.js';
import { fmtDuration, RTC_TARGET_S } from './health.js';

const WATCH_MS = 5000;

/** Parses `name` or `name:oss-region` lines (commas and spaces also separate). */
export function parseBucketList(text, defaultRegion) {
  const seen = new Set();
  const out = [];
  for (const item of text.split(/[\s,]+/)) {
    if (!item) continue;
    const [name, region] = item.split(':');
    if (!name || seen.has(name)) continue;
    seen.add(name);
    out.push({ name, region: regionId(region || defaultRegion) });
  }
  return out;
}

export class OverviewView {
  #run = 0;
  #watchTimer = null;

  constructor({ onCallError } = {}) {
    this.onCallError = onCallError ?? (() => {});
    this.tbody = $('ov-table').tBodies[0];
    this.errorBox = $('ov-error');
    $('ov-scan').addEventListener('click', () => this.scan());
    $('ov-cancel').addEventListener('click', () => this.stop());
    $('ov-load-emulator').addEventListener('click', () => this.loadFromEmulator());
    $('ov-only-rules').addEventListener('change', () => this.#filter());
    $('ov-auto').addEventListener('change', () => this.#watch(this.#run));
  }

  /** Demo only: the emulator lists its buckets at /_emulator/buckets (not an OSS API). */
  async loadFromEmulator() {
    hideError(this.errorBox);
    const endpoint = session.settings?.endpoint;
    if (!endpoint) {
      showMessage(this.errorBox, 'No emulator', 'Bucket names come from the emulator only when the endpoint is the emulator; paste the list instead.');
      return;
    }
    try {
      const resp = await fetch(new URL('/_emulator/buckets', endpoint), { cache: 'no-store' });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const { buckets } = await resp.json();
      $('ov-buckets').value = buckets.map((b) => `${b.name}:${b.location}`).join('\n');
    } catch (e) {
      showMessage(this.errorBox, 'Could not list the emulator\'s buckets', `${e.message}. Is ${endpoint} the emulator? Paste the bucket names instead.`);
    }
  }

  /** No more automatic reads (dead credentials); a new Scan reads again. */
  stopPolling() {
    clearTimeout(this.#watchTimer);
  }

  stop() {
    clearTimeout(this.#watchTimer);
    this.#run++;
    $('ov-cancel').disabled = true;
    $('ov-scan').disabled = false;
  }

  async scan() {
    hideError(this.errorBox);
    const buckets = parseBucketList($('ov-buckets').value, session.settings.region);
    if (buckets.length === 0) {
      showMessage(this.errorBox, 'No buckets', 'List at least one bucket name.');
      return;
    }
    clearTimeout(this.#watchTimer);
    const run = ++this.#run;
    clear(this.tbody);
    meter.resetPeak();
    const stats = { done: 0, withRules: 0, rules: 0, errors: 0, total: buckets.length, started: performance.now() };
    const bar = $('ov-progress');
    bar.hidden = false;
    bar.max = buckets.length;
    bar.value = 0;
    $('ov-scan').disabled = true;
    $('ov-cancel').disabled = false;
    const summary = () => {
      const secs = ((performance.now() - stats.started) / 1000).toFixed(1);
      setText($('ov-summary'), `${stats.done} of ${stats.total} buckets read in ${secs} s · ${stats.withRules} with rules · ${plural(stats.rules, 'rule')} · ${plural(stats.errors, 'error')} · at most ${meter.peak} requests in flight (limit ${MAX_IN_FLIGHT})`);
      bar.value = stats.done;
    };
    summary();
    const rows = buckets.map((b) => {
      const cells = [h('td', { 'data-label': 'Bucket' }, h('strong', null, b.name)), h('td', { 'data-label': 'Region' }, regionLabel(b.region)), h('td', { 'data-label': 'Rules', class: 'ov-count' }, '…'), h('td', { 'data-label': 'Details', class: 'ov-details' })];
      const tr = h('tr', { dataset: { bucket: b.name, state: 'pending' } }, cells);
      this.tbody.append(tr);
      return { b, tr, cells };
    });
    this.rows = rows;
    await Promise.all(rows.map((row) => this.#scanOne(row, run, stats, summary)));
    if (run !== this.#run) return;
    summary();
    setText($('ov-summary'), `${$('ov-summary').textContent} · done`);
    $('ov-summary').dataset.done = 'true';
    this.#topology();
    $('ov-scan').disabled = false;
    $('ov-cancel').disabled = true;
    this.#watch(run);
  }

  /** Reads the buckets whose rules change state again, every 5 s, until they settle. */
  #watch(run) {
    clearTimeout(this.#watchTimer);
    const note = $('ov-watch');
    const changing = (this.rows ?? []).filter((r) => r.changing);
    if (run !== this.#run || !$('ov-auto').checked || session.dead || changing.length === 0) {
      setText(note, changing.length && !session.dead ? '' : this.rows?.length ? 'No rule is changing state: not reading again (Scan reads everything again).' : '');
      return;
    }
    setText(note, `Reading ${plural(changing.length, 'bucket')} whose rules change state every ${WATCH_MS / 1000} s · last ${fmtTime(serverNow())}`);
    this.#watchTimer = setTimeout(async () => {
      if (document.hidden) return this.#watch(run);
      await Promise.all(changing.map((row) => this.#scanOne(row, run, null, null)));
      if (run === this.#run) this.#topology();
      this.#watch(run);
    }, WATCH_MS);
  }

  async #scanOne(row, run, stats, summary) {
    const { b, tr, cells } = row;
    if (stats) $('ov-summary').dataset.done = 'false';
    let client;
    try {
      client = clientFor(b.name, b.region);
      const { rules } = await limit(() => (run === this.#run ? client.getBucketReplication() : null)) ?? { rules: null };
      if (!rules) return;
      const lags = new Map();
      const progress = await Promise.all(
        rules.map((r) => (r.status === 'doing' && run === this.#run ? limit(() => client.getBucketReplicationProgress(r.id)).then((p) => {
          lags.set(r.id, p.lagSeconds);
          return p.progress;
        }, () => undefined) : undefined)),
      );
      if (run !== this.#run) return;
      row.rules = rules;
      row.lags = lags;
      row.changing = rules.some((r, i) => isChanging(r, progress[i]));
      if (stats) {
        stats.rules += rules.length;
        if (rules.length) stats.withRules++;
      }
      setText(cells[2], String(rules.length));
      tr.dataset.state = rules.length ? 'rules' : 'none';
      // The bucket's health in three tiles: rules doing, worst lag, rules over RTC's 10 min target.
      const lagged = [...lags.values()].filter(Number.isFinite);
      const worst = lagged.length ? Math.max(...lagged) : NaN;
      const over = lagged.filter((l) => l >= RTC_TARGET_S).length;
      const tiles = rules.length === 0 ? null : h('div', { class: 'ov-tiles', dataset: { over: String(over) } },
        h('span', { class: 'ov-tile' }, `${rules.filter((r) => r.status === 'doing').length} of ${rules.length} doing`),
        h('span', { class: `ov-tile${over ? ' bad' : ''}` }, `worst lag ${Number.isFinite(worst) ? fmtDuration(worst) : '–'}`),
        h('span', { class: `ov-tile${over ? ' bad' : ''}` }, `${over} over 10 min`));
      clear(cells[3]).append(
        tiles,
        rules.length === 0
          ? h('span', { class: 'note' }, 'no rules')
          : h('ul', { class: 'ov-rules' }, rules.map((r, i) =>
            h('li', { dataset: { ruleId: r.id } }, h('code', null, r.id), ' → ', h('strong', null, r.destination.bucket), ` (${r.destination.location}) `, badge(r.status), ' ', ...progressParts(r, progress[i])))),
      );
    } catch (e) {
      if (run !== this.#run) return;
      row.changing = false;
      this.onCallError(e);
      if (stats) stats.errors++;
      tr.dataset.state = 'error';
      setText(cells[2], '!');
      clear(cells[3]).append(h('span', { class: 'error-inline' }, h('strong', null, e.code ?? e.name), ` ${e.message}`, e.requestId ? ` (request ID ${e.requestId})` : ''));
    } finally {
      client?.free();
      if (run === this.#run) {
        if (stats) {
          stats.done++;
          summary();
        }
        this.#filterRow(tr);
      }
    }
  }

  #topology() {
    renderTopology($('ov-topology'), this.rows ?? [], { onTwoWay: (edge, button) => this.#twoWay(edge, button) });
  }

  /** One step to a two-way pair: pre-flight on the destination bucket, then the reverse rule there. */
  async #twoWay(edge, button) {
    const note = $('topo-status');
    button.disabled = true;
    const back = {
      id: `two-way-${edge.id}`.slice(0, 255),
      destination: { bucket: edge.from, location: edge.fromLoc },
      ...(edge.rule.prefixes?.length ? { prefixes: [...edge.rule.prefixes] } : {}),
      ...(edge.rule.actions?.length ? { actions: [...edge.rule.actions] } : {}),
      ...(edge.rule.destination?.transferType ? { destination: { bucket: edge.from, location: edge.fromLoc, transferType: edge.rule.destination.transferType } } : {}),
    };
    let client;
    try {
      client = clientFor(edge.to, regionId(edge.toLoc));
      setText(note, `pre-flight on ${edge.to}…`);
      const report = await limit(() => client.checkRule(back));
      if (report.problems.length) {
        setText(note, `not created: ${report.problems.map((p) => `${p.code}: ${p.message}`).join('; ')}`);
        note.dataset.state = 'failed';
        button.disabled = false;
        return;
      }
      setText(note, `creating ${back.id} on ${edge.to}…`);
      const { ruleId } = await limit(() => client.putBucketReplication(back));
      setText(note, `created ${ruleId} on ${edge.to} (${edge.to} → ${edge.from}); scanning both again`);
      note.dataset.state = 'done';
      const rows = (this.rows ?? []).filter((r) => r.b.name === edge.to || r.b.name === edge.from);
      await Promise.all(rows.map((r) => this.#scanOne(r, this.#run, null, null)));
      this.#topology();
      this.#watch(this.#run);
    } catch (e) {
      this.onCallError(e);
      setText(note, `failed: ${e.code ?? e.name} ${e.message}${e.requestId ? ` (request ID ${e.requestId})` : ''}`);
      note.dataset.state = 'failed';
      button.disabled = false;
    } finally {
      client?.free();
    }
  }

  #filterRow(tr) {
    tr.hidden = $('ov-only-rules').checked && !['rules', 'error'].includes(tr.dataset.state);
  }

  #filter() {
    for (const tr of this.tbody.rows) this.#filterRow(tr);
  }
}

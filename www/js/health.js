// Health at a glance: per rule, the lag against RTC's 10-minute target, the historical copy's
// rate and ETA, and a small chart of progress and lag since the page opened; summary tiles for
// the bucket. It costs no request of its own: every figure comes from the reads the rules view
// already makes (its adaptive polling), recorded with OSS's clock.

import { h, $, clear, setText, fmtTime, timeEl } from './dom.js';
import { serverNow } from './session.js';
import { pct } from './rules.js';

/** RTC's promise: most objects replicated within 10 minutes. */
export const RTC_TARGET_S = 600;
/** Samples kept per rule (at 2 s that is 40 minutes of chart). */
const MAX_SAMPLES = 1200;
/** The rate is measured over the samples of the last 2 minutes. */
const RATE_WINDOW_MS = 120_000;
const SVG = 'http://www.w3.org/2000/svg';

/** `42 s`, `3 min 05 s`, `1 h 12 min`. */
export function fmtDuration(s) {
  if (!Number.isFinite(s)) return 'unknown';
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * Historical rate (fraction per second) and ETA (seconds) from `samples` ([{ t, hist }], oldest
 * first, t in ms): the slope between the oldest sample of the window and the latest. Null
 * until two samples differ (no rate is better than an invented one).
 */
export function rateAndEta(samples, windowMs = RATE_WINDOW_MS) {
  const withHist = samples.filter((s) => Number.isFinite(s.hist));
  if (withHist.length < 2) return null;
  const last = withHist.at(-1);
  const first = withHist.find((s) => last.t - s.t <= windowMs && s.t < last.t) ?? withHist.at(-2);
  const dt = (last.t - first.t) / 1000;
  const df = last.hist - first.hist;
  if (!(dt > 0) || !(df > 0)) return { rate: 0, eta: last.hist >= 1 ? 0 : Infinity };
  const rate = df / dt;
  return { rate, eta: last.hist >= 1 ? 0 : (1 - last.hist) / rate };
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** The chart of one rule: historical % (0..100) and lag (0..max(lag, 10 min)) over time, built from DOM nodes. */
export function chart(samples, ruleId, width = 240, height = 56) {
  const pts = samples.filter((s) => Number.isFinite(s.hist) || Number.isFinite(s.lag));
  const t0 = pts[0]?.t ?? 0;
  const span = Math.max(1, (pts.at(-1)?.t ?? 1) - t0);
  const maxLag = Math.max(RTC_TARGET_S, ...pts.map((s) => (Number.isFinite(s.lag) ? s.lag : 0)));
  const x = (t) => ((t - t0) / span) * (width - 2) + 1;
  const y = (v, max) => height - 1 - (v / max) * (height - 2);
  const line = (key, max) => pts.filter((s) => Number.isFinite(s[key])).map((s) => `${x(s.t).toFixed(1)},${y(s[key], max).toFixed(1)}`).join(' ');
  const last = samples.at(-1);
  const label = `Rule ${ruleId} since the page opened: historical objects ${Number.isFinite(last?.hist) ? `${pct(last.hist)}%` : 'unknown'}, lag ${Number.isFinite(last?.lag) ? fmtDuration(last.lag) : 'unknown'} (${pts.length} reads)`;
  return svg('svg', { class: 'health-chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label },
    svg('title', null, label),
    // The RTC target line (10 min) on the lag scale.
    svg('line', { class: 'target', x1: 0, x2: width, y1: y(RTC_TARGET_S, maxLag), y2: y(RTC_TARGET_S, maxLag) }),
    svg('polyline', { class: 'hist-line', points: line('hist', 1) }),
    svg('polyline', { class: 'lag-line', points: line('lag', maxLag) }));
}

export class HealthView {
  /** Rule ID -> samples [{ t, hist, lag }] since the page opened (this connection). */
  #series = new Map();
  #rules = [];
  #failed = 0;
  #at = 0;

  constructor() {
    this.tiles = $('health-tiles');
    this.list = $('health-rules');
  }

  reset(bucket = '') {
    this.#series.clear();
    this.#rules = [];
    setText($('health-h'), bucket ? `Health of ${bucket}` : 'Health');
    clear(this.tiles);
    clear(this.list);
  }

  /** One read of the rules view: `progress` and `lags` map rule IDs to the figures read. */
  record({ rules, progress, lags, failures, at = serverNow() }) {
    this.#rules = rules;
    this.#failed = failures?.size ?? 0;
    this.#at = at;
    for (const r of rules) {
      if (r.status !== 'doing' || !progress.has(r.id)) continue;
      const p = progress.get(r.id);
      const hist = r.historicalObjectReplication === false || p?.historicalObject === undefined ? NaN : Number(p.historicalObject);
      const lag = Number.isFinite(lags.get(r.id)) ? Number(lags.get(r.id)) : NaN;
      const series = this.#series.get(r.id) ?? [];
      series.push({ t: at, hist, lag });
      if (series.length > MAX_SAMPLES) series.shift();
      this.#series.set(r.id, series);
    }
    for (const id of this.#series.keys()) if (!rules.some((r) => r.id === id)) this.#series.delete(id);
    this.render();
  }

  /** Figures of one rule: { lag, hist, rate, eta, samples }. */
  figures(id) {
    const samples = this.#series.get(id) ?? [];
    const last = samples.at(-1);
    return { samples, lag: last?.lag ?? NaN, hist: last?.hist ?? NaN, ...(rateAndEta(samples) ?? { rate: NaN, eta: NaN }) };
  }

  render() {
    const rules = this.#rules;
    const doing = rules.filter((r) => r.status === 'doing');
    const figs = new Map(rules.map((r) => [r.id, this.figures(r.id)]));
    const lags = doing.map((r) => figs.get(r.id).lag).filter(Number.isFinite);
    const worst = lags.length ? Math.max(...lags) : NaN;
    const over = lags.filter((l) => l >= RTC_TARGET_S).length;
    const copying = doing.filter((r) => Number.isFinite(figs.get(r.id).hist) && figs.get(r.id).hist < 1).length;
    const tile = (name, value, note, state = '') => h('div', { class: `tile ${state}`, dataset: { tile: name } }, h('span', { class: 'tile-value' }, value), h('span', { class: 'tile-label' }, note));
    clear(this.tiles).append(
      tile('rules', String(rules.length), `rules (${doing.length} doing)`),
      tile('worst-lag', Number.isFinite(worst) ? fmtDuration(worst) : '–', 'worst lag', over ? 'bad' : Number.isFinite(worst) ? 'good' : ''),
      tile('over-target', String(over), 'over RTC\'s 10 min target', over ? 'bad' : 'good'),
      tile('copying', String(copying), 'copying existing objects'),
      tile('unread', String(this.#failed), 'progress reads failed', this.#failed ? 'bad' : ''),
    );
    const items = rules.map((r) => {
      const f = figs.get(r.id);
      const lagText = Number.isFinite(f.lag) ? fmtDuration(f.lag) : r.status === 'doing' ? 'no figure yet' : `rule is ${r.status}`;
      const target = !Number.isFinite(f.lag) ? '' : f.lag >= RTC_TARGET_S ? ' · over RTC\'s 10 min target' : ` · ${pct(f.lag / RTC_TARGET_S)}% of RTC's 10 min target`;
      const rtcNote = r.rtc || (r.rtcStatus && r.rtcStatus !== 'disabled') ? ' (RTC on)' : ' (RTC off: the target is a yardstick, not a promise)';
      let rateText;
      if (r.historicalObjectReplication === false) rateText = 'existing objects: not replicated (off)';
      else if (!Number.isFinite(f.hist)) rateText = 'existing objects: no figure yet';
      else if (f.hist >= 1) rateText = 'existing objects: all replicated';
      else if (!Number.isFinite(f.rate)) rateText = `existing objects: ${pct(f.hist)}% · rate after the next read`;
      else if (f.rate === 0) rateText = `existing objects: ${pct(f.hist)}% · not moving since the last reads`;
      else rateText = `existing objects: ${pct(f.hist)}% · ${(f.rate * 6000).toFixed(1)}% per minute · done in about ${fmtDuration(f.eta)}`;
      const eta = Number.isFinite(f.eta) && f.eta > 0 ? serverNow() + f.eta * 1000 : NaN;
      return h('li', { class: `health-rule${Number.isFinite(f.lag) && f.lag >= RTC_TARGET_S ? ' over' : ''}`, dataset: { ruleId: r.id } },
        h('div', { class: 'health-head' }, h('code', null, r.id), ' → ', h('strong', null, r.destination?.bucket ?? '')),
        h('div', { class: 'health-lag' }, 'Lag ', h('strong', { class: 'lag-value' }, lagText), target, rtcNote, ' ',
          Number.isFinite(f.lag) ? h('meter', { min: '0', max: String(RTC_TARGET_S), low: String(RTC_TARGET_S / 2), high: String(RTC_TARGET_S * 0.9), optimum: '0', value: String(Math.min(f.lag, RTC_TARGET_S)), 'aria-label': `Lag of rule ${r.id} against the 10 minute target` }) : null),
        h('div', { class: 'health-rate' }, rateText, Number.isFinite(eta) ? [' (', timeEl(eta, fmtTime(eta)), ')'] : null),
        f.samples.length ? chart(f.samples, r.id) : null);
    });
    clear(this.list).append(...items);
    $('health-empty').hidden = rules.length > 0;
    if (this.#at) clear($('health-updated')).append('Figures from the read at ', timeEl(this.#at, fmtTime(this.#at)), ' · chart: since this page connected (green: existing objects %, orange: lag, dashed: 10 min)');
  }
}

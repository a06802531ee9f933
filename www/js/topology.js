// Topology across the overview: every rule read by a scan is an edge between two buckets. A
// matrix (sources × destinations, each cell the rule's status and lag) and the shapes an
// operator looks for: fan-out (one source, several destinations), two-way pairs (A → B and
// B → A) and chains (A → B → C). A one-way edge can be made two-way in one step (pre-flight
// on the other bucket, then the reverse rule).

import { h, clear } from './dom.js';
import { badge } from './rules.js';
import { fmtDuration, RTC_TARGET_S } from './health.js';

/** Edges from overview rows `[{ b: { name, region }, rules, lags }]`. */
export function edgesOf(rows) {
  const edges = [];
  for (const row of rows) {
    for (const r of row.rules ?? []) {
      edges.push({ from: row.b.name, fromLoc: `oss-${row.b.region}`, to: r.destination?.bucket, toLoc: r.destination?.location, id: r.id, status: r.status, lag: row.lags?.get(r.id), rule: r });
    }
  }
  return edges;
}

/** `{ fanOut: Map(source -> [dest]), twoWay: [[a, b]], chains: [[a, b, c]] }` of `edges`. */
export function shapes(edges) {
  const out = new Map();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const fanOut = new Map([...out].filter(([, to]) => new Set(to).size > 1));
  const twoWay = [];
  const seen = new Set();
  for (const e of edges) {
    const key = [e.from, e.to].sort().join('\n');
    if (!seen.has(key) && (out.get(e.to) ?? []).includes(e.from)) {
      seen.add(key);
      twoWay.push([e.from, e.to].sort());
    }
  }
  const chains = [];
  for (const e of edges) {
    for (const next of out.get(e.to) ?? []) if (next !== e.from) chains.push([e.from, e.to, next]);
  }
  return { fanOut, twoWay, chains };
}

const lagText = (lag) => (Number.isFinite(lag) ? `lag ${fmtDuration(lag)}` : 'lag –');

/** Renders the topology of `rows` into `box`; `onTwoWay(edge, button)` sets up the reverse rule. */
export function renderTopology(box, rows, { onTwoWay }) {
  clear(box);
  const edges = edgesOf(rows);
  box.hidden = false;
  box.append(h('h3', { id: 'topo-h' }, 'Topology'));
  if (edges.length === 0) {
    box.append(h('p', { class: 'note' }, 'No rules among the scanned buckets.'));
    return;
  }
  const { fanOut, twoWay, chains } = shapes(edges);
  const sources = [...new Set(edges.map((e) => e.from))].sort();
  const dests = [...new Set(edges.map((e) => e.to))].sort();
  box.append(h('ul', { class: 'topo-shapes' },
    h('li', { dataset: { shape: 'fan-out' } }, h('strong', null, `Fan-out (${fanOut.size}): `), fanOut.size ? [...fanOut].map(([s, to]) => `${s} → ${[...new Set(to)].join(', ')}`).join('; ') : 'none'),
    h('li', { dataset: { shape: 'two-way' } }, h('strong', null, `Two-way pairs (${twoWay.length}): `), twoWay.length ? twoWay.map(([a, b]) => `${a} ⇄ ${b}`).join('; ') : 'none'),
    h('li', { dataset: { shape: 'chain' } }, h('strong', null, `Chains (${chains.length}): `), chains.length ? chains.map((c) => c.join(' → ')).join('; ') : 'none',
      chains.length ? h('span', { class: 'note' }, ' (OSS does not replicate replicas again: objects written to the first bucket stop at the second)') : null)));
  // The matrix: one row per source, one column per destination.
  const cell = (s, d) => {
    const es = edges.filter((e) => e.from === s && e.to === d);
    if (es.length === 0) return h('td', { class: 'topo-none', 'data-label': d }, h('span', { class: 'sr-only' }, 'no rule'));
    return h('td', { 'data-label': d, class: 'topo-edge' }, es.map((e) => h('div', { dataset: { edge: `${e.from}>${e.to}` }, class: Number.isFinite(e.lag) && e.lag >= RTC_TARGET_S ? 'over' : '' },
      badge(e.status), ' ', h('span', { class: 'topo-lag' }, lagText(e.lag)))));
  };
  box.append(h('h4', { id: 'topo-matrix-h' }, 'Matrix: each row replicates to the columns'), h('div', { class: 'table-wrap' }, h('table', { class: 'topo-matrix cards', id: 'topo-matrix', 'aria-labelledby': 'topo-matrix-h' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Source ↓ / destination →'), dests.map((d) => h('th', { scope: 'col' }, d)))),
    h('tbody', null, sources.map((s) => h('tr', null, h('th', { scope: 'row', 'data-label': 'Source' }, s), dests.map((d) => cell(s, d))))))));
  // The edges, each with its shape and the one-step two-way action.
  const two = new Set(twoWay.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]));
  box.append(h('h4', null, 'Edges'), h('ul', { class: 'topo-edges' }, edges.map((e) => {
    const isTwo = two.has(`${e.from}>${e.to}`);
    const button = isTwo ? null : h('button', { type: 'button', class: 'small two-way', 'aria-label': `Make ${e.from} and ${e.to} a two-way pair (adds a rule on ${e.to} back to ${e.from})` }, 'Make two-way');
    button?.addEventListener('click', () => onTwoWay(e, button));
    return h('li', { dataset: { edge: `${e.from}>${e.to}` } }, h('strong', null, e.from), isTwo ? ' ⇄ ' : ' → ', h('strong', null, e.to),
      ` (${e.toLoc}) · rule `, h('code', null, e.id), ' · ', badge(e.status), ` · ${lagText(e.lag)}`, button ? [' ', button] : null);
  })));
}

// "Not replicated yet": the library's `diffReplication` for one rule (lists both buckets under
// the rule's prefixes, page by page), with the counts as they grow, Stop (an AbortSignal), and
// the objects it names (missing at the destination, or different there) searchable and
// exportable as CSV.

import { h, $, clear, setText, fmtTime, timeEl, plural } from './dom.js';
import { session, serverNow } from './session.js';
import { showError, hideError } from './errors.js';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The listed objects as CSV (`state,key,size,etag,lastModified`). */
export function toCsv(items) {
  const lines = ['state,key,size,etag,lastModified'];
  for (const o of items) lines.push([o.state, o.key, o.size, o.etag, o.lastModified].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** OSS's time of an object, in the page's one format (the ISO time on hover). */
function lastModified(iso) {
  const t = Date.parse(iso ?? '');
  return Number.isNaN(t) ? iso ?? '' : timeEl(t, fmtTime(t, { now: serverNow() }));
}

export class BacklogView {
  #abort = null;
  #items = [];
  #ruleId = '';
  #url = null;

  constructor({ getRules }) {
    this.getRules = getRules;
    this.errorBox = $('bl-error');
    $('bl-run').addEventListener('click', () => this.run());
    $('bl-stop').addEventListener('click', () => this.stop());
    $('bl-search').addEventListener('input', () => this.#renderList());
    $('bl-csv').addEventListener('click', () => this.download());
  }

  /** Offers the rules just read (keeping the selection). */
  setRules(rules) {
    const select = $('bl-rule');
    const current = select.value;
    const ids = rules.filter((r) => r.status !== 'closing').map((r) => r.id);
    if ([...select.options].map((o) => o.value).join('\n') !== ids.join('\n')) {
      clear(select).append(...rules.filter((r) => r.status !== 'closing').map((r) => h('option', { value: r.id }, `${r.id} → ${r.destination?.bucket ?? ''}`)));
      if (ids.includes(current)) select.value = current;
    }
    $('bl-run').disabled = ids.length === 0 || this.#abort !== null;
  }

  reset() {
    this.stop();
    this.#items = [];
    clear($('bl-rule'));
    clear($('bl-list'));
    setText($('bl-status'), '');
    $('bl-counts').hidden = true;
    $('bl-csv').disabled = true;
    hideError(this.errorBox);
  }

  /** Selects `ruleId`, shows the view and starts a scan. */
  open(ruleId) {
    $('bl-rule').value = ruleId;
    $('backlog').scrollIntoView({ block: 'start' });
    $('backlog-h').focus();
    this.run();
  }

  stop() {
    this.#abort?.abort();
  }

  #counts(c) {
    const set = (k, v) => setText($(`bl-${k}`), String(v));
    set('missing', typeof c.missing === 'number' ? c.missing : c.missing.length);
    set('differing', typeof c.differing === 'number' ? c.differing : c.differing.length);
    set('pending', c.pending);
    set('extra', c.extra);
    setText($('bl-scanned'), `${c.scanned.source} listed in the source, ${c.scanned.destination} in the destination`);
    $('bl-counts').hidden = false;
  }

  async run() {
    const ruleId = $('bl-rule').value;
    const client = session.client;
    if (!ruleId || !client || this.#abort) return;
    hideError(this.errorBox);
    this.#abort = new AbortController();
    this.#ruleId = ruleId;
    this.#items = [];
    this.#renderList();
    $('bl-run').disabled = true;
    $('bl-stop').disabled = false;
    $('bl-csv').disabled = true;
    const bar = $('bl-progress');
    bar.hidden = false;
    bar.removeAttribute('value'); // indeterminate: nobody knows how many objects there are
    $('backlog').setAttribute('aria-busy', 'true');
    const started = serverNow();
    setText($('bl-status'), `Listing both buckets for rule ${ruleId}…`);
    let pages = 0;
    try {
      const result = await client.diffReplication(ruleId, {
        signal: this.#abort.signal,
        maxListed: 200_000,
        onProgress: (c) => {
          pages++;
          this.#counts(c);
          setText($('bl-status'), `Listing both buckets for rule ${ruleId}… ${plural(pages, 'page')} read`);
        },
      });
      this.#counts(result);
      this.#items = [
        ...result.missing.map((o) => ({ ...o, state: 'missing' })),
        ...result.differing.map((o) => ({ ...o, state: 'differing' })),
      ];
      const at = serverNow();
      clear($('bl-status')).append(
        `Rule ${ruleId}: ${plural(result.missing.length, 'object')} missing at the destination, ${result.differing.length} different, ${result.pending} still pending (new writes OSS has not reached yet), ${result.extra} only at the destination`,
        result.truncated ? ' · stopped after 200,000 listed objects: the counts are partial' : '',
        ' · read at ', timeEl(at, fmtTime(at)), ` in ${((at - started) / 1000).toFixed(1)} s`);
      $('backlog').dataset.done = 'true';
    } catch (e) {
      if (e?.code === 'AbortError') {
        setText($('bl-status'), `Stopped: the counts above cover what was listed until then (${plural(pages, 'page')}).`);
        $('backlog').dataset.done = 'stopped';
      } else {
        showError(this.errorBox, e, { title: `Listing what rule ${ruleId} has not replicated failed`, bucket: session.settings?.bucket });
        setText($('bl-status'), '');
        $('backlog').dataset.done = 'failed';
      }
    } finally {
      this.#abort = null;
      bar.hidden = true;
      $('backlog').removeAttribute('aria-busy');
      $('bl-run').disabled = false;
      $('bl-stop').disabled = true;
      $('bl-csv').disabled = this.#items.length === 0;
      this.#renderList();
    }
  }

  #filtered() {
    const q = $('bl-search').value.trim().toLowerCase();
    return q ? this.#items.filter((o) => o.key.toLowerCase().includes(q)) : this.#items;
  }

  #renderList() {
    const shown = this.#filtered();
    const max = 500;
    clear($('bl-list')).append(...shown.slice(0, max).map((o) => h('tr', { dataset: { key: o.key, state: o.state } },
      h('td', { 'data-label': 'Object' }, h('code', null, o.key)),
      h('td', { 'data-label': 'State' }, o.state === 'missing' ? 'missing at the destination' : 'different at the destination'),
      h('td', { 'data-label': 'Size' }, `${o.size} B`),
      h('td', { 'data-label': 'Last modified' }, lastModified(o.lastModified)))));
    $('bl-table').hidden = shown.length === 0;
    setText($('bl-shown'), this.#items.length === 0 ? '' : `${shown.length} of ${this.#items.length} listed objects match${shown.length > max ? ` (first ${max} shown; the CSV has all)` : ''}`);
  }

  download() {
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = URL.createObjectURL(new Blob([toCsv(this.#filtered())], { type: 'text/csv' }));
    const a = h('a', { href: this.#url, download: `not-replicated-${session.settings?.bucket ?? 'bucket'}-${this.#ruleId}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
  }
}

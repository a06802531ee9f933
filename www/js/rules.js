// The rules table of the connected bucket: status badges, per-rule progress, RTC on/off and
// delete with confirmation. Rows are keyed by rule ID and updated in place, so polling never
// steals keyboard focus from a button in the table.

import { h, $, clear, setText, clock } from './dom.js';
import { limit } from './net.js';
import { showError, hideError } from './errors.js';

const POLL_MS = 2000;
const KNOWN_STATUS = new Set(['starting', 'doing', 'closing']);

function pct(fraction) {
  return Math.max(0, Math.min(100, Math.floor(Number(fraction) * 100)));
}

/** Whether a rule still changes on its own (worth polling). */
export function isActive(rule) {
  return ['starting', 'doing', 'closing'].includes(rule.status) || rule.rtcStatus === 'enabling';
}

/** Block elements describing the progress of `rule` (shared with the overview). */
export function progressParts(rule, progress) {
  const parts = [];
  if (rule.status === 'starting') return [h('div', { class: 'note' }, 'Starting: OSS is preparing the rule')];
  if (rule.status === 'closing') return [h('div', { class: 'note' }, 'Closing: OSS is removing the rule')];
  if (rule.historicalObjectReplication === false) {
    parts.push(h('div', { class: 'note hist-off' }, 'Historical objects: not replicated (off)'));
  } else if (progress && progress.historicalObject !== undefined) {
    const p = pct(progress.historicalObject);
    parts.push(
      h('div', { class: 'bar-line' },
        h('progress', { class: 'hist', max: '100', value: String(p), 'aria-label': `Historical objects replicated for rule ${rule.id}` }),
        ' ', h('span', { class: 'hist-label' }, `${p}%`), ' of existing objects'),
    );
  } else {
    parts.push(h('div', { class: 'note' }, 'Historical objects: no figure yet'));
  }
  if (progress?.newObject) {
    const t = new Date(progress.newObject);
    parts.push(
      h('div', { class: 'checkpoint-line' }, 'New objects replicated up to ',
        h('time', { class: 'checkpoint', datetime: progress.newObject, title: progress.newObject },
          Number.isNaN(t.getTime()) ? progress.newObject : t.toLocaleString())),
    );
  }
  return parts;
}

/** A status badge whose class is chosen from a fixed set (never from server text). */
export function badge(status) {
  const s = String(status ?? 'unknown');
  return h('span', { class: `badge badge-${KNOWN_STATUS.has(s) ? s : 'other'}` }, s);
}

export class RulesView {
  #client = null;
  #bucket = '';
  #rows = new Map();
  #rules = [];
  #progress = new Map();
  #timer = null;
  #loading = null;
  #busy = new Set();

  constructor({ onChange } = {}) {
    this.onChange = onChange ?? (() => {});
    this.tbody = $('rules-table').tBodies[0];
    this.errorBox = $('rules-error');
    this.live = $('rules-live');
    this.auto = $('rules-auto');
    this.dialog = $('delete-dialog');
    $('rules-refresh').addEventListener('click', () => this.refresh());
    this.auto.addEventListener('change', () => this.#schedule());
    document.addEventListener('visibilitychange', () => this.#schedule());
  }

  /** The rules as last read (in the order OSS lists them). */
  get rules() {
    return this.#rules;
  }

  attach(client, bucket) {
    this.detach();
    this.#client = client;
    this.#bucket = bucket;
    setText($('rules-h'), `Rules of ${bucket}`);
    setText($('rules-caption'), `Replication rules of bucket ${bucket}`);
  }

  detach() {
    clearTimeout(this.#timer);
    this.#client = null;
    this.#rows.clear();
    this.#rules = [];
    this.#progress.clear();
    clear(this.tbody);
    hideError(this.errorBox);
  }

  /** Reads the rules and the progress of every `doing` rule, then renders. */
  refresh() {
    if (this.#loading) return this.#loading;
    const client = this.#client;
    if (!client) return Promise.resolve();
    clearTimeout(this.#timer);
    this.#loading = (async () => {
      try {
        const { rules } = await limit(() => client.getBucketReplication());
        const progress = new Map();
        await Promise.all(
          rules
            .filter((r) => r.status === 'doing')
            .map((r) =>
              limit(() => client.getBucketReplicationProgress(r.id)).then(
                (p) => progress.set(r.id, p.progress),
                () => {}, // the rule may have gone between the two calls; the next poll tells
              ),
            ),
        );
        if (client !== this.#client) return;
        this.#render(rules, progress);
        hideError(this.errorBox);
        setText($('rules-updated'), `Last read ${clock()}`);
      } catch (e) {
        if (client !== this.#client) return;
        showError(this.errorBox, e, { title: 'Reading the rules failed', bucket: this.#bucket });
      } finally {
        this.#loading = null;
        // A read counter for scripts watching the page (tests, monitoring); not shown.
        this.reads = (this.reads ?? 0) + 1;
        $('rules').dataset.reads = String(this.reads);
        this.#schedule();
      }
    })();
    return this.#loading;
  }

  #schedule() {
    clearTimeout(this.#timer);
    if (!this.#client || !this.auto.checked || document.hidden) return;
    if (!this.#rules.some(isActive) && this.#busy.size === 0) return;
    this.#timer = setTimeout(() => this.refresh(), POLL_MS);
  }

  #render(rules, progress) {
    const before = new Set(this.#rows.keys());
    this.#rules = rules;
    for (const [id, p] of progress) this.#progress.set(id, p);
    rules.forEach((rule, i) => {
      const row = this.#rows.get(rule.id) ?? this.#createRow(rule.id);
      this.#update(row, rule, this.#progress.get(rule.id));
      if (this.tbody.rows[i] !== row.tr) this.tbody.insertBefore(row.tr, this.tbody.rows[i] ?? null);
      before.delete(rule.id);
    });
    for (const id of before) {
      const row = this.#rows.get(id);
      const hadFocus = row.tr.contains(document.activeElement);
      row.tr.remove();
      this.#rows.delete(id);
      this.#progress.delete(id);
      this.#busy.delete(id);
      setText(this.live, `Rule ${id} is gone.`);
      if (hadFocus) $('rules-refresh').focus();
    }
    $('rules-empty').hidden = rules.length > 0;
    $('rules-table').hidden = rules.length === 0;
    this.onChange(rules);
  }

  #createRow(id) {
    const cells = {};
    // One wrapper per cell: on phones each td is a two-column grid (label, content).
    const td = (name, label) => {
      cells[name] = h('div', { class: 'cell' });
      return h('td', { 'data-label': label, class: `col-${name}` }, cells[name]);
    };
    const tr = h('tr', { dataset: { ruleId: id } },
      td('id', 'Rule ID'), td('dest', 'Destination'), td('prefixes', 'Prefixes'), td('actions', 'Actions'),
      td('transfer', 'Transfer'), td('history', 'History'), td('rtc', 'RTC'), td('status', 'Status'),
      td('progress', 'Progress'), td('manage', 'Manage'));
    const rtcButton = h('button', { type: 'button', class: 'rtc-toggle small', on: { click: () => this.#toggleRtc(id) } });
    const deleteButton = h('button', { type: 'button', class: 'delete small danger', 'aria-label': `Delete rule ${id}`, on: { click: () => this.#confirmDelete(id) } }, 'Delete');
    const rtcText = h('span', { class: 'rtc-status' });
    cells.id.append(h('code', null, id));
    cells.rtc.append(rtcText, ' ', rtcButton);
    cells.manage.append(deleteButton);
    const row = { tr, cells, rtcButton, deleteButton, rtcText };
    this.#rows.set(id, row);
    return row;
  }

  #update(row, rule, progress) {
    const { cells } = row;
    clear(cells.dest).append(h('strong', null, rule.destination?.bucket ?? ''), h('br'), h('span', { class: 'note' }, rule.destination?.location ?? ''));
    clear(cells.prefixes).append(
      rule.prefixes.length ? h('ul', { class: 'prefixes' }, rule.prefixes.map((p) => h('li', null, h('code', null, p)))) : h('span', { class: 'note' }, 'all objects'),
    );
    setText(cells.actions, rule.actions.length ? rule.actions.join(', ') : 'ALL');
    setText(cells.transfer, rule.destination?.transferType ?? 'internal');
    setText(cells.history, rule.historicalObjectReplication === false ? 'off' : 'on');
    const rtcOn = rule.rtcStatus ? rule.rtcStatus !== 'disabled' : Boolean(rule.rtc);
    setText(row.rtcText, rule.rtcStatus ?? (rule.rtc ? 'enabled' : 'off'));
    setText(row.rtcButton, rtcOn ? 'Turn off' : 'Turn on');
    row.rtcButton.setAttribute('aria-label', `${rtcOn ? 'Turn off' : 'Turn on'} RTC for rule ${rule.id}`);
    row.rtcButton.dataset.next = rtcOn ? 'off' : 'on';
    const busy = this.#busy.has(rule.id) || rule.status === 'closing';
    row.rtcButton.disabled = busy;
    row.deleteButton.disabled = busy;
    clear(cells.status).append(badge(rule.status));
    clear(cells.progress).append(...progressParts(rule, progress));
  }

  async #toggleRtc(id) {
    const row = this.#rows.get(id);
    const enable = row.rtcButton.dataset.next === 'on';
    this.#busy.add(id);
    row.rtcButton.disabled = true;
    try {
      const client = this.#client;
      await limit(() => client.putBucketRtc(id, enable));
      hideError(this.errorBox);
      setText(this.live, `RTC ${enable ? 'enabling' : 'disabled'} for rule ${id}.`);
    } catch (e) {
      showError(this.errorBox, e, { title: `Turning RTC ${enable ? 'on' : 'off'} for ${id} failed`, bucket: this.#bucket });
    } finally {
      this.#busy.delete(id);
      await this.refresh();
      // Keep focus where the keyboard user was.
      const again = this.#rows.get(id);
      if (again && document.activeElement === document.body) again.rtcButton.focus();
    }
  }

  #confirmDelete(id) {
    const rule = this.#rules.find((r) => r.id === id);
    setText($('delete-dialog-text'), `Rule ${id} replicates ${this.#bucket} to ${rule?.destination?.bucket ?? '?'} (${rule?.destination?.location ?? '?'}).`);
    this.dialog.returnValue = '';
    const onClose = () => {
      this.dialog.removeEventListener('close', onClose);
      if (this.dialog.returnValue === 'confirm') this.#delete(id);
      else this.#rows.get(id)?.deleteButton.focus();
    };
    this.dialog.addEventListener('close', onClose);
    this.dialog.showModal();
  }

  async #delete(id) {
    this.#busy.add(id);
    const row = this.#rows.get(id);
    if (row) row.deleteButton.disabled = true;
    try {
      const client = this.#client;
      await limit(() => client.deleteBucketReplication(id));
      hideError(this.errorBox);
      setText(this.live, `Rule ${id} is closing.`);
      $('rules-refresh').focus();
    } catch (e) {
      this.#busy.delete(id);
      showError(this.errorBox, e, { title: `Deleting ${id} failed`, bucket: this.#bucket });
    }
    await this.refresh();
  }
}

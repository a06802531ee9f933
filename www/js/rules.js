// The rules table of the connected bucket: status badges, per-rule progress, RTC on/off and
// delete with confirmation. Rows are keyed by rule ID and updated in place, so polling never
// steals keyboard focus from a button in the table.
//
// Polling is adaptive: every 2 s while a rule changes state (starting, closing, RTC enabling,
// historical copy under way, an action in flight), every 30 s otherwise, never while the tab
// is hidden, there are no rules, or the credentials no longer work.

import { h, $, clear, setText, fmtTime, fmtRelative, timeEl, plural } from './dom.js';
import { limit } from './net.js';
import { showError, hideError } from './errors.js';
import { session, serverNow } from './session.js';
import { regionName } from './regions.js';

export const FAST_MS = 2000;
export const SLOW_MS = 30_000;
/** Reads shorter than this show no loading state (no flicker on every poll). */
const LOADING_AFTER_MS = 250;
const KNOWN_STATUS = new Set(['starting', 'doing', 'closing']);
let detailsSeq = 0;

/** Percent for a 0..1 fraction: rounded (0.29 -> 29), but 100 only once the fraction is 1. */
export function pct(fraction) {
  const f = Number(fraction);
  if (!Number.isFinite(f) || f <= 0) return 0;
  if (f >= 1) return 100;
  return Math.min(99, Math.round(f * 100));
}

/** Whether a rule still changes on its own, so it is worth reading every 2 s. */
export function isChanging(rule, progress) {
  if (rule.status === 'starting' || rule.status === 'closing' || rule.rtcStatus === 'enabling') return true;
  if (rule.status !== 'doing' || rule.historicalObjectReplication === false) return false;
  return progress?.historicalObject === undefined || Number(progress.historicalObject) < 1;
}

/** Block elements describing the progress of `rule` (shared with the overview); `now` is OSS's clock. */
export function progressParts(rule, progress, now = serverNow()) {
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
    const t = Date.parse(progress.newObject);
    parts.push(
      h('div', { class: 'checkpoint-line' }, 'New objects replicated up to ',
        Number.isNaN(t)
          ? h('time', { class: 'checkpoint', datetime: progress.newObject }, progress.newObject)
          : timeEl(t, `${fmtTime(t, { now })} (${fmtRelative(t, now)})`, { class: 'checkpoint' })),
    );
  }
  return parts;
}

/** A status badge whose class is chosen from a fixed set (never from server text). */
export function badge(status) {
  const s = String(status ?? 'unknown');
  return h('span', { class: `badge badge-${KNOWN_STATUS.has(s) ? s : 'other'}` }, s);
}

/** `AccessDenied (HTTP 403)` or `NetworkError (no HTTP answer)`. */
function codeOf(e) {
  const status = e?.status > 0 ? ` (HTTP ${e.status})` : e?.status === -1 ? ' (no HTTP answer)' : '';
  return `${e?.code ?? e?.name ?? 'Error'}${status}`;
}

export class RulesView {
  #client = null;
  #bucket = '';
  #rows = new Map();
  #rules = [];
  /** Rule ID -> { value, at } of the last progress read that worked. */
  #progress = new Map();
  /** Rule ID -> the error of the last progress read, when it failed. */
  #progressErr = new Map();
  /** { rtc: Set of locations, source } from GetBucketReplicationLocation, or null (unknown). */
  #routes = null;
  #timer = null;
  #loading = null;
  #loadingTimer = null;
  #busy = new Set();

  constructor({ onCallError, onCallOk, onRead, onEdit, onBacklog } = {}) {
    this.onCallError = onCallError ?? (() => {});
    this.onCallOk = onCallOk ?? (() => {});
    // Each successful read, for the health view (no request of its own); edit / backlog actions.
    this.onRead = onRead ?? (() => {});
    this.onEdit = onEdit;
    this.onBacklog = onBacklog;
    this.tbody = $('rules-table').tBodies[0];
    this.errorBox = $('rules-error');
    this.actionBox = $('rules-action-error');
    this.live = $('rules-live');
    this.auto = $('rules-auto');
    this.dialog = $('delete-dialog');
    $('rules-refresh').addEventListener('click', () => this.refresh({ manual: true }));
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
    this.#progressErr.clear();
    this.#routes = null;
    // A read still in flight belongs to the old client: its answer is dropped, and the next
    // refresh must not wait for it.
    this.#loading = null;
    setText($('rules-updated'), '');
    clear(this.tbody);
    hideError(this.errorBox);
    hideError(this.actionBox);
  }

  /** Where RTC is possible (from the location read); rows then offer "Turn on" only there. */
  setRoutes(routes) {
    this.#routes = routes;
    for (const rule of this.#rules) {
      const row = this.#rows.get(rule.id);
      if (row) this.#update(row, rule);
    }
  }

  /** No more automatic reads (dead credentials); Refresh still reads once. */
  stopPolling() {
    clearTimeout(this.#timer);
    delete $('rules').dataset.poll;
  }

  /** Reads the rules and the progress of every `doing` rule, then renders. */
  refresh({ manual = false } = {}) {
    if (this.#loading) {
      if (manual) this.#showLoading();
      return this.#loading;
    }
    const client = this.#client;
    if (!client) return Promise.resolve();
    clearTimeout(this.#timer);
    clearTimeout(this.#loadingTimer);
    if (manual) this.#showLoading();
    else this.#loadingTimer = setTimeout(() => this.#showLoading(), LOADING_AFTER_MS);
    const run = (async () => {
      try {
        const { rules } = await limit(() => client.getBucketReplication());
        const progress = new Map();
        const lags = new Map();
        const failures = new Map();
        await Promise.all(
          rules
            .filter((r) => r.status === 'doing')
            .map((r) =>
              limit(() => client.getBucketReplicationProgress(r.id)).then(
                (p) => {
                  progress.set(r.id, p.progress);
                  lags.set(r.id, p.lagSeconds);
                },
                // A rule gone between the two calls is not a failure; the next read tells.
                (e) => e?.code !== 'NoSuchReplicationRule' && failures.set(r.id, e),
              ),
            ),
        );
        if (client !== this.#client) return;
        this.#render(rules, progress, failures);
        hideError(this.errorBox);
        this.onRead({ rules, progress, lags, failures, at: serverNow() });
        const failed = failures.size ? ` · progress of ${plural(failures.size, 'rule')} could not be read` : '';
        const at = serverNow();
        clear($('rules-updated')).append('Last read ', timeEl(at, fmtTime(at)), failed);
        this.onCallOk();
        for (const e of failures.values()) this.onCallError(e);
      } catch (e) {
        if (client !== this.#client) return;
        showError(this.errorBox, e, { title: 'Reading the rules failed', bucket: this.#bucket });
        const at = serverNow();
        clear($('rules-updated')).append('Read failed at ', timeEl(at, fmtTime(at)), '; the table shows the last rules read');
        this.onCallError(e);
      } finally {
        if (this.#loading !== run) return; // detached meanwhile: a newer read owns the state
        clearTimeout(this.#loadingTimer);
        this.#loading = null;
        $('rules').removeAttribute('aria-busy');
        $('rules-updated').classList.remove('loading');
        setText($('rules-refresh'), 'Refresh');
        // A read counter for scripts watching the page (tests, monitoring); not shown.
        this.reads = (this.reads ?? 0) + 1;
        $('rules').dataset.reads = String(this.reads);
        this.#schedule();
      }
    })();
    this.#loading = run;
    return run;
  }

  #showLoading() {
    if (!this.#loading && !this.#client) return;
    $('rules').setAttribute('aria-busy', 'true');
    $('rules-updated').classList.add('loading');
    setText($('rules-updated'), `Reading the rules of ${this.#bucket}…`);
    setText($('rules-refresh'), 'Refreshing…');
  }

  #schedule() {
    clearTimeout(this.#timer);
    const el = $('rules');
    delete el.dataset.poll;
    if (!this.#client || !this.auto.checked || document.hidden || session.dead) return;
    if (this.#rules.length === 0 && this.#busy.size === 0) return;
    const fast = this.#busy.size > 0 || this.#rules.some((r) => isChanging(r, this.#progress.get(r.id)?.value));
    el.dataset.poll = fast ? 'fast' : 'slow';
    this.#timer = setTimeout(() => this.refresh(), fast ? FAST_MS : SLOW_MS);
  }

  #render(rules, progress, failures) {
    const before = new Set(this.#rows.keys());
    this.#rules = rules;
    const at = serverNow();
    for (const [id, p] of progress) this.#progress.set(id, { value: p, at });
    this.#progressErr = failures;
    // In OSS's order, each rule's row followed by its details row; rows already in place are
    // not moved (moving would drop the focus of a keyboard user).
    let next = this.tbody.firstChild;
    for (const rule of rules) {
      const row = this.#rows.get(rule.id) ?? this.#createRow(rule.id);
      this.#update(row, rule);
      for (const tr of [row.tr, row.detailsTr]) {
        if (next !== tr) this.tbody.insertBefore(tr, next);
        next = tr.nextSibling;
      }
      before.delete(rule.id);
    }
    for (const id of before) {
      const row = this.#rows.get(id);
      const hadFocus = row.tr.contains(document.activeElement) || row.detailsTr.contains(document.activeElement);
      row.tr.remove();
      row.detailsTr.remove();
      this.#rows.delete(id);
      this.#progress.delete(id);
      this.#busy.delete(id);
      setText(this.live, `Rule ${id} is gone.`);
      if (hadFocus) $('rules-refresh').focus();
    }
    $('rules-empty').hidden = rules.length > 0;
    $('rules-table').hidden = rules.length === 0;
  }

  #createRow(id) {
    const cells = {};
    // One wrapper per cell: on phones each td is a two-column grid (label, content).
    const td = (name, label) => {
      cells[name] = h('div', { class: 'cell' });
      return h('td', { 'data-label': label, class: `col-${name}` }, cells[name]);
    };
    const tr = h('tr', { dataset: { ruleId: id } },
      td('id', 'Rule ID'), td('dest', 'Destination'), td('prefixes', 'Prefixes'), td('rtc', 'RTC'), td('status', 'Status'),
      td('progress', 'Progress'), td('manage', 'Manage'));
    // The settings read less often, one click away (a compact table).
    const details = h('dl');
    const detailsId = `rule-details-${++detailsSeq}`;
    const detailsTr = h('tr', { class: 'rule-details', id: detailsId, dataset: { detailsFor: id }, hidden: true },
      h('td', { colspan: '7', 'data-label': 'Details' }, details));
    // The visible words start the accessible name (the rule ID is added for screen readers).
    const label = (open) => [open ? 'Hide details' : 'Details', h('span', { class: 'sr-only' }, ` of rule ${id}`)];
    const toggle = h('button', { type: 'button', class: 'details-toggle small', 'aria-expanded': 'false', 'aria-controls': detailsId,
      on: { click: () => {
        detailsTr.hidden = !detailsTr.hidden;
        toggle.setAttribute('aria-expanded', String(!detailsTr.hidden));
        clear(toggle).append(...label(!detailsTr.hidden));
      } } }, label(false));
    const rtcButton = h('button', { type: 'button', class: 'rtc-toggle small', on: { click: () => this.#toggleRtc(id) } });
    const deleteButton = h('button', { type: 'button', class: 'delete small danger', 'aria-label': `Delete rule ${id}`, on: { click: () => this.#confirmDelete(id) } }, 'Delete');
    const rtcText = h('span', { class: 'rtc-status' });
    cells.id.append(h('code', null, id), h('br'), toggle);
    cells.rtc.append(rtcText, ' ', rtcButton);
    cells.manage.append(deleteButton);
    // Change the rule (replaceRule) and list what is not replicated yet (diffReplication).
    const more = h('p', { class: 'rule-more' },
      this.onEdit ? h('button', { type: 'button', class: 'edit small', 'aria-label': `Edit rule ${id}`, on: { click: () => this.onEdit(this.#rules.find((r) => r.id === id)) } }, 'Edit') : null, ' ',
      this.onBacklog ? h('button', { type: 'button', class: 'backlog small', 'aria-label': `Not replicated yet: rule ${id}`, on: { click: () => this.onBacklog(id) } }, 'Not replicated yet') : null);
    detailsTr.firstChild.append(more);
    const row = { tr, detailsTr, details, cells, rtcButton, deleteButton, rtcText };
    this.#rows.set(id, row);
    return row;
  }

  #update(row, rule) {
    const { cells } = row;
    const dest = rule.destination?.location ?? '';
    clear(cells.dest).append(h('strong', null, rule.destination?.bucket ?? ''), h('br'), h('span', { class: 'note region' }, dest),
      regionName(dest) ? h('span', { class: 'note region-name' }, regionName(dest)) : null);
    clear(cells.prefixes).append(
      rule.prefixes.length ? h('ul', { class: 'prefixes' }, rule.prefixes.map((p) => h('li', null, h('code', null, p)))) : h('span', { class: 'note' }, 'all objects'),
    );
    const transfer = rule.destination?.transferType ?? 'internal';
    // Billed acceleration stays visible in the compact row.
    if (transfer === 'oss_acc') cells.dest.append(h('span', { class: 'transfer-acc' }, 'oss_acc (transfer acceleration)'));
    const item = (label, value, cls) => h('div', null, h('dt', null, label), h('dd', { class: cls }, value));
    clear(row.details).append(
      item('Actions', rule.actions.length ? rule.actions.join(', ') : 'ALL', 'd-actions'),
      item('Transfer type', transfer, 'd-transfer'),
      item('Historical objects', rule.historicalObjectReplication === false ? 'not replicated' : 'replicated', 'd-history'),
      item('Sync role', rule.syncRole || '(default)', 'd-role'),
      item('SSE-KMS objects', rule.sseKmsEncryptedObjects ? `replicated (replica key ${rule.replicaKmsKeyId ?? '?'})` : 'not replicated', 'd-kms'),
    );
    const rtcOn = rule.rtcStatus ? rule.rtcStatus !== 'disabled' : Boolean(rule.rtc);
    // OSS refuses RTC on routes GetBucketReplicationLocation does not list (and within a region).
    const routes = this.#routes;
    const possible = !routes || (dest !== routes.source && routes.rtc.has(dest));
    row.rtcButton.hidden = !rtcOn && !possible;
    setText(row.rtcText, !rtcOn && !possible ? (dest === routes?.source ? 'not available within a region' : `not available to ${dest}`) : rule.rtcStatus ?? (rule.rtc ? 'enabled' : 'off'));
    setText(row.rtcButton, rtcOn ? 'Turn off' : 'Turn on');
    row.rtcButton.setAttribute('aria-label', `${rtcOn ? 'Turn off' : 'Turn on'} RTC for rule ${rule.id}`);
    row.rtcButton.dataset.next = rtcOn ? 'off' : 'on';
    const busy = this.#busy.has(rule.id) || rule.status === 'closing';
    row.rtcButton.disabled = busy;
    row.deleteButton.disabled = busy;
    clear(cells.status).append(badge(rule.status));
    const last = this.#progress.get(rule.id);
    const failed = rule.status === 'doing' ? this.#progressErr.get(rule.id) : undefined;
    const parts = progressParts(rule, last?.value);
    if (failed) {
      // Say so instead of showing old figures as if they were new.
      parts.push(h('div', { class: 'progress-error error-inline' }, `Progress could not be read: ${codeOf(failed)}`,
        last ? ` · figures above were read at ${fmtTime(last.at)}` : ''));
    }
    cells.progress.classList.toggle('stale', Boolean(failed));
    clear(cells.progress).append(...parts);
  }

  /** An action's failure stays until the operator dismisses it or starts another action. */
  #actionFailed(e, title) {
    showError(this.actionBox, e, { title, bucket: this.#bucket });
    this.actionBox.append(h('p', null, h('button', { type: 'button', class: 'small dismiss', on: { click: () => this.#dismiss() } }, 'Dismiss')));
  }

  #dismiss() {
    hideError(this.actionBox);
    $('rules-refresh').focus();
  }

  async #toggleRtc(id) {
    const row = this.#rows.get(id);
    const enable = row.rtcButton.dataset.next === 'on';
    hideError(this.actionBox);
    this.#busy.add(id);
    row.rtcButton.disabled = true;
    try {
      const client = this.#client;
      await limit(() => client.putBucketRtc(id, enable));
      setText(this.live, `RTC ${enable ? 'enabling' : 'disabled'} for rule ${id}.`);
    } catch (e) {
      this.#actionFailed(e, `Turning RTC ${enable ? 'on' : 'off'} for ${id} failed`);
      this.onCallError(e);
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
    hideError(this.actionBox);
    this.#busy.add(id);
    const row = this.#rows.get(id);
    if (row) row.deleteButton.disabled = true;
    try {
      const client = this.#client;
      await limit(() => client.deleteBucketReplication(id));
      setText(this.live, `Rule ${id} is closing.`);
      $('rules-refresh').focus();
    } catch (e) {
      this.#busy.delete(id);
      this.#actionFailed(e, `Deleting ${id} failed`);
      this.onCallError(e);
      this.#rows.get(id)?.deleteButton.focus();
    }
    await this.refresh();
  }
}

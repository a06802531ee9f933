// The create-rule form. Validation and the request preview both come from the library
// itself: each change runs putBucketReplication on a throwaway client whose `fetch` only
// records the request, so the messages are the library's own (they name the field, which
// picks the control to show them next to) and the XML is byte for byte what will be sent.

import { ReplicationClient } from '../../pkg/web/index.js';
import { h, $, clear, setText } from './dom.js';
import { limit } from './net.js';
import { session } from './session.js';
import { showError, hideError } from './errors.js';
import { prettyXml } from './xml-view.js';

const MAX_PREFIXES = 10;

/** Library field path -> the control that shows its errors. */
const FIELD_CONTROL = {
  'rule.id': 'r-id',
  'rule.destination.bucket': 'r-bucket',
  'rule.destination.location': 'r-location',
  'rule.destination.transferType': 'r-transfer',
  'rule.prefixes': 'r-prefixes',
  'rule.actions': 'r-actions',
  'rule.syncRole': 'r-role',
  'rule.replicaKmsKeyId': 'r-kms-key',
  'rule.sseKmsEncryptedObjects': 'r-kms-key',
  'rule.rtc': 'r-rtc',
  'rule.historicalObjectReplication': 'r-history',
};

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Which control a library message is about: `{ control, index }` or null. */
export function fieldOf(message) {
  const m = /^(rule\.[A-Za-z.]+)(?:\[(\d+)\])?/.exec(String(message));
  if (!m) return null;
  const control = FIELD_CONTROL[m[1]];
  return control ? { control, index: m[2] === undefined ? undefined : Number(m[2]) } : null;
}

/** Runs the library's Put on a client that never sends: resolves to the captured request or the validation error. */
export async function dryRun(rule, settings) {
  let captured = null;
  const capture = async (url, init) => {
    captured = { url, method: init.method, headers: init.headers, body: init.body };
    return new Response(null, { status: 200, headers: { 'x-oss-request-id': 'dry-run', 'x-oss-replication-rule-id': rule.id ?? 'dry-run' } });
  };
  const options = {
    bucket: settings.bucket,
    region: settings.region,
    signatureVersion: settings.signatureVersion,
    // Stand-in credentials: the dry run signs but nothing leaves the page.
    accessKeyId: 'LTAI5tDryRunOnly',
    accessKeySecret: 'dry-run-only',
    retryMax: 0,
    fetch: capture,
  };
  if (settings.endpoint) options.endpoint = settings.endpoint;
  const client = new ReplicationClient(options);
  try {
    await client.putBucketReplication(rule);
    return { ok: true, request: captured };
  } catch (error) {
    return { ok: false, error };
  } finally {
    client.free();
  }
}

export class RuleForm {
  #seq = 0;
  #touched = new Set();
  #submitted = false;
  #location = { locations: [], constraints: new Map(), rtc: new Set(), source: '' };
  #ruleId = uuid();
  #prefixes = [];

  constructor({ knownBuckets, onCreated }) {
    this.knownBuckets = knownBuckets;
    this.onCreated = onCreated;
    this.form = $('rule-form');
    this.errorBox = $('rule-error');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.form.addEventListener('reset', (e) => {
      e.preventDefault();
      this.reset();
    });
    this.form.addEventListener('input', (e) => this.#changed(e));
    this.form.addEventListener('change', (e) => this.#changed(e));
    $('r-location').addEventListener('change', () => this.#locationChanged());
    $('r-kms').addEventListener('change', () => {
      $('r-kms-key').disabled = !$('r-kms').checked;
      if (!$('r-kms').checked) $('r-kms-key').value = '';
    });
    $('r-prefix-add').addEventListener('click', () => this.#addPrefix(''));
    for (const box of this.form.querySelectorAll('input[name=action]')) {
      box.addEventListener('change', () => this.#actionsChanged(box));
    }
  }

  /** Loads the destinations OSS offers this bucket. */
  async load() {
    hideError(this.errorBox);
    const select = $('r-location');
    clear(select);
    const source = `oss-${session.settings.region.replace(/^oss-/, '')}`;
    try {
      const client = session.client;
      const loc = await limit(() => client.getBucketReplicationLocation());
      this.#location = {
        locations: loc.locations,
        constraints: new Map(loc.transferTypeConstraints.map((c) => [c.location, c.transferTypes])),
        rtc: new Set(loc.rtcLocations),
        source,
      };
    } catch (e) {
      this.#location = { locations: [], constraints: new Map(), rtc: new Set(), source };
      showError(this.errorBox, e, { title: 'Reading the destination regions (GetBucketReplicationLocation) failed', bucket: session.settings.bucket });
    }
    const { locations, constraints, rtc } = this.#location;
    for (const l of locations) {
      const notes = [];
      if (constraints.has(l)) notes.push(`${constraints.get(l).join('/')} only`);
      if (rtc.has(l)) notes.push('RTC');
      select.append(h('option', { value: l }, notes.length ? `${l} (${notes.join(', ')})` : l));
    }
    // Same-region replication is allowed even though OSS does not list the source region.
    if (!locations.includes(source)) select.append(h('option', { value: source }, `${source} (same region)`));
    this.reset();
  }

  reset() {
    this.#ruleId = uuid();
    this.#touched.clear();
    this.#submitted = false;
    for (const id of ['r-bucket', 'r-id', 'r-role', 'r-kms-key']) $(id).value = '';
    $('r-id').placeholder = this.#ruleId;
    $('r-history').checked = true;
    $('r-kms').checked = false;
    $('r-kms-key').disabled = true;
    for (const box of this.form.querySelectorAll('input[name=action]')) box.checked = box.value === 'ALL';
    // Default: the first region that needs no particular transfer type.
    const options = [...$('r-location').options];
    const plain = options.findIndex((o) => !this.#location.constraints.has(o.value) && o.value !== this.#location.source);
    $('r-location').selectedIndex = Math.max(0, plain);
    this.#prefixes = [];
    this.#renderPrefixes();
    this.#locationChanged();
    $('rule-ok').hidden = true;
  }

  #locationChanged() {
    const l = $('r-location').value;
    const { constraints, rtc, source } = this.#location;
    const transfer = $('r-transfer');
    const previous = transfer.value;
    const types = constraints.get(l) ?? (l === source ? ['internal'] : ['internal', 'oss_acc']);
    clear(transfer).append(...types.map((t) => h('option', { value: t }, t === 'oss_acc' ? 'oss_acc (transfer acceleration)' : t)));
    if (types.includes(previous)) transfer.value = previous;
    setText($('r-transfer-note'),
      constraints.has(l) ? `OSS requires ${types.join(' or ')} to ${l}.`
        : l === source ? 'Same-region replication: transfer acceleration is not available.'
          : 'internal is the default; oss_acc speeds up long-distance replication.');
    setText($('r-location-note'), l === source ? 'Same-region replication (SRR).' : l ? 'Cross-region replication (CRR).' : 'No destination regions were offered.');
    const rtcBox = $('r-rtc');
    rtcBox.disabled = !(l && rtc.has(l) && l !== source);
    if (rtcBox.disabled) rtcBox.checked = false;
    setText($('r-rtc-note'), rtcBox.disabled ? `RTC is not offered from ${source} to ${l || 'this region'}.` : `RTC is available to ${l}.`);
    const dl = $('dest-buckets');
    clear(dl).append(...this.knownBuckets().filter((b) => b.location === l && b.name !== session.settings?.bucket).map((b) => h('option', { value: b.name })));
    this.#changed();
  }

  #actionsChanged(box) {
    const boxes = [...this.form.querySelectorAll('input[name=action]')];
    if (box.value === 'ALL' && box.checked) boxes.forEach((b) => (b.checked = b.value === 'ALL'));
    else if (box.checked) boxes.find((b) => b.value === 'ALL').checked = false;
  }

  #addPrefix(value) {
    if (this.#prefixes.length >= MAX_PREFIXES) return;
    this.#prefixes.push(value);
    this.#renderPrefixes();
    const inputs = $('r-prefixes').querySelectorAll('input');
    inputs[inputs.length - 1]?.focus();
    this.#changed();
  }

  #renderPrefixes() {
    const list = clear($('r-prefixes'));
    this.#prefixes.forEach((value, i) => {
      const id = `r-prefix-${i}`;
      const input = h('input', { id, value, spellcheck: 'false', autocapitalize: 'off', class: 'prefix-input', dataset: { index: String(i) } });
      input.addEventListener('input', () => {
        this.#prefixes[i] = input.value;
        this.#touched.add(id);
      });
      const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove prefix ${i + 1}`, on: { click: () => this.#removePrefix(i) } }, 'Remove');
      list.append(h('li', null, h('label', { for: id, class: 'sr-only' }, `Prefix ${i + 1}`), input, ' ', remove, h('p', { class: 'field-error', id: `${id}-err`, hidden: true })));
    });
    const full = this.#prefixes.length >= MAX_PREFIXES;
    $('r-prefix-add').disabled = full;
    setText($('r-prefix-count'), full ? `${MAX_PREFIXES} of ${MAX_PREFIXES} prefixes: OSS allows no more.` : this.#prefixes.length ? `${this.#prefixes.length} of ${MAX_PREFIXES}` : 'No prefix: the rule covers every object.');
  }

  #removePrefix(i) {
    this.#prefixes.splice(i, 1);
    this.#renderPrefixes();
    const inputs = $('r-prefixes').querySelectorAll('input');
    (inputs[Math.min(i, inputs.length - 1)] ?? $('r-prefix-add')).focus();
    this.#changed();
  }

  /** The rule as the library takes it (only the fields the operator set). */
  rule() {
    const rule = {
      id: $('r-id').value.trim() === '' ? this.#ruleId : $('r-id').value,
      destination: { bucket: $('r-bucket').value.trim(), location: $('r-location').value },
    };
    if ($('r-transfer').value && $('r-transfer').value !== 'internal') rule.destination.transferType = $('r-transfer').value;
    if (this.#prefixes.length) rule.prefixes = [...this.#prefixes];
    const actions = [...this.form.querySelectorAll('input[name=action]:checked')].map((b) => b.value);
    if (actions.length && !(actions.length === 1 && actions[0] === 'ALL')) rule.actions = actions;
    rule.historicalObjectReplication = $('r-history').checked;
    if ($('r-role').value !== '') rule.syncRole = $('r-role').value;
    if ($('r-kms').checked) rule.sseKmsEncryptedObjects = true;
    if ($('r-kms-key').value !== '') rule.replicaKmsKeyId = $('r-kms-key').value;
    if ($('r-rtc').checked) rule.rtc = true;
    return rule;
  }

  #changed(e) {
    if (e?.target?.id) this.#touched.add(e.target.id);
    if (e?.target?.name === 'action') this.#touched.add('r-actions');
    this.validate();
  }

  #clearFieldErrors() {
    for (const el of this.form.querySelectorAll('.field-error')) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  /** Shows `message` next to the control the library named; returns that control. */
  #showFieldError(message) {
    const f = fieldOf(message);
    if (!f) return null;
    let controlId = f.control;
    if (f.control === 'r-prefixes' && f.index !== undefined && this.#prefixes.length > f.index) controlId = `r-prefix-${f.index}`;
    const related = { 'r-kms-key': 'r-kms', 'r-rtc': 'r-location', 'r-transfer': 'r-location' }[controlId];
    const touched = this.#submitted || this.#touched.has(controlId) || this.#touched.has(related);
    if (!touched) return null;
    const err = $(`${controlId}-err`);
    err.textContent = message;
    err.hidden = false;
    const control = controlId === 'r-prefixes' ? $('r-prefix-add') : controlId === 'r-actions' ? this.form.querySelector('input[name=action]') : $(controlId);
    control.setAttribute('aria-invalid', 'true');
    const described = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    described.add(err.id);
    control.setAttribute('aria-describedby', [...described].join(' '));
    return control;
  }

  /** Dry-runs the current rule: updates the inline errors and the preview. */
  async validate() {
    const seq = ++this.#seq;
    const settings = session.settings;
    if (!settings) return { ok: false };
    const rule = this.rule();
    const result = await dryRun(rule, settings);
    if (seq !== this.#seq) return result; // a newer edit superseded this one
    this.#clearFieldErrors();
    const head = $('r-preview-head');
    const pre = $('r-preview');
    if (result.ok) {
      const hd = result.request.headers ?? {};
      setText(head, [`${result.request.method} ${result.request.url}`, `content-type: ${hd['content-type'] ?? ''}`, `content-md5: ${hd['content-md5'] ?? ''}`, `(${new TextEncoder().encode(result.request.body ?? '').length} bytes)`].join('\n'));
      setText(pre, prettyXml(result.request.body ?? ''));
      pre.classList.remove('invalid');
    } else {
      result.control = this.#showFieldError(result.error.message);
      setText(head, '');
      setText(pre, `No preview until the rule is valid:\n${result.error.message}`);
      pre.classList.add('invalid');
    }
    return result;
  }

  async submit() {
    this.#submitted = true;
    hideError(this.errorBox);
    $('rule-ok').hidden = true;
    const result = await this.validate();
    if (!result.ok) {
      const control = result.control ?? this.#showFieldError(result.error?.message ?? '');
      if (control) control.focus();
      else if (result.error) showError(this.errorBox, result.error, { title: 'The rule is not valid' });
      return;
    }
    const button = $('r-submit');
    button.disabled = true;
    const rule = this.rule();
    try {
      const client = session.client;
      const { ruleId, requestId } = await limit(() => client.putBucketReplication(rule));
      this.reset();
      const ok = $('rule-ok');
      setText(ok, `Rule ${ruleId} created (request ID ${requestId ?? 'none'}).`);
      ok.hidden = false;
      this.onCreated(ruleId);
    } catch (e) {
      showError(this.errorBox, e, { title: 'Creating the rule failed', bucket: session.settings?.bucket });
      if (e.code === 'InvalidArgument') this.#showFieldError(e.message);
    } finally {
      button.disabled = false;
    }
  }
}

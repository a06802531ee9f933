// The create-rule form. Each edit is checked with the library's own `validateRule` (no client,
// no request) plus the refusals the page can predict from what it already knows (bucket
// regions, the rules it has read); errors are shown at the field they concern (fields.js) in
// the form's words. The request preview comes from one dry-run client per connection whose
// `fetch` only records, debounced, so the XML is byte for byte what will be sent.

import { ReplicationClient, validateRule } from '../../pkg/web/index.js';
import { h, $, clear, setText } from './dom.js';
import { limit } from './net.js';
import { session } from './session.js';
import { showError, hideError } from './errors.js';
import { prettyXml } from './xml-view.js';
import { fieldOf } from './fields.js';
import { regionLabel } from './regions.js';

const MAX_PREFIXES = 10;
const PREVIEW_DELAY_MS = 150;

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A client that signs but never sends: its `fetch` hands the request to `onRequest`. */
function dryRunClient(settings, onRequest) {
  const options = {
    bucket: settings.bucket,
    region: settings.region,
    signatureVersion: settings.signatureVersion,
    // Stand-in credentials: the dry run signs but nothing leaves the page.
    accessKeyId: 'LTAI5tDryRunOnly',
    accessKeySecret: 'dry-run-only',
    retryMax: 0,
    fetch: async (url, init) => {
      onRequest({ url, method: init.method, headers: init.headers, body: init.body });
      return new Response(null, { status: 200, headers: { 'x-oss-request-id': 'dry-run', 'x-oss-replication-rule-id': 'dry-run' } });
    },
  };
  if (settings.endpoint) options.endpoint = settings.endpoint;
  return new ReplicationClient(options);
}

export class RuleForm {
  #seq = 0;
  #touched = new Set();
  #submitted = false;
  #location = { locations: [], constraints: new Map(), rtc: new Set(), source: '' };
  #ruleId = uuid();
  #prefixes = [];
  #preview = null;
  #previewTimer = null;
  #captured = null;

  constructor({ knownBuckets, existingRules, onCreated, onLocations }) {
    this.knownBuckets = knownBuckets;
    this.existingRules = existingRules ?? (() => []);
    this.onCreated = onCreated;
    this.onLocations = onLocations ?? (() => {});
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
    this.#preview?.free();
    this.#preview = dryRunClient(session.settings, (req) => {
      this.#captured = req;
    });
    try {
      const client = session.client;
      const loc = await limit(() => client.getBucketReplicationLocation());
      this.#location = {
        locations: loc.locations,
        constraints: new Map(loc.transferTypeConstraints.map((c) => [c.location, c.transferTypes])),
        rtc: new Set(loc.rtcLocations),
        source,
      };
      this.onLocations({ rtc: this.#location.rtc, source });
    } catch (e) {
      this.#location = { locations: [], constraints: new Map(), rtc: new Set(), source };
      showError(this.errorBox, e, { title: 'Reading the destination regions (GetBucketReplicationLocation) failed', bucket: session.settings.bucket });
    }
    const { locations, constraints, rtc } = this.#location;
    for (const l of locations) {
      const notes = [];
      if (constraints.has(l)) notes.push(`${constraints.get(l).join('/')} only`);
      if (rtc.has(l)) notes.push('RTC');
      select.append(h('option', { value: l }, notes.length ? `${regionLabel(l)} (${notes.join(', ')})` : regionLabel(l)));
    }
    // Same-region replication is allowed even though OSS does not list the source region.
    if (!locations.includes(source)) select.append(h('option', { value: source }, `${regionLabel(source)} (same region)`));
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

  /** A new destination region: its transfer types, back to the default (never a billed one carried over). */
  #locationChanged() {
    const l = $('r-location').value;
    const { constraints, rtc, source } = this.#location;
    const transfer = $('r-transfer');
    const types = constraints.get(l) ?? (l === source ? ['internal'] : ['internal', 'oss_acc']);
    clear(transfer).append(...types.map((t) => h('option', { value: t }, t === 'oss_acc' ? 'oss_acc (transfer acceleration, billed)' : t)));
    transfer.value = types.includes('internal') ? 'internal' : types[0];
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
        this.#touched.add('r-prefixes');
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

  /**
   * Refusals OSS would answer that the page can tell beforehand from what it knows: the
   * regions of the buckets it knows, the rules it has read, OSS's object-name rules.
   * Returns `{ control, index, text }` or null.
   */
  #predict(rule) {
    const src = session.settings?.bucket;
    const dest = rule.destination;
    for (const [i, p] of (rule.prefixes ?? []).entries()) {
      if (p.startsWith('/')) {
        return { control: 'r-prefixes', index: i, text: `Object names cannot start with "/", so this prefix matches nothing. Did you mean "${p.replace(/^\/+/, '')}"?` };
      }
    }
    if (dest.bucket === src) return { control: 'r-bucket', text: `${src} is the source bucket: the destination must be another bucket (OSS refuses InvalidTargetBucket).` };
    const known = this.knownBuckets().find((b) => b.name === dest.bucket);
    if (known?.location && known.location !== dest.location) {
      return { control: 'r-bucket', text: `${dest.bucket} is in ${known.location}, not ${dest.location}: pick ${known.location} as the destination region (OSS refuses InvalidTargetLocation).` };
    }
    const existing = this.existingRules().filter((r) => r.status !== 'closing');
    const sameId = existing.find((r) => r.id === rule.id);
    if (sameId) return { control: 'r-id', text: `${src} already has a rule with ID ${rule.id} (OSS refuses BucketReplicationAlreadyExist).` };
    const sameDest = existing.find((r) => r.destination?.bucket === dest.bucket);
    if (sameDest) return { control: 'r-bucket', text: `Rule ${sameDest.id} already replicates ${src} to ${dest.bucket}: one rule per destination bucket (OSS refuses BucketReplicationAlreadyExist).` };
    return null;
  }

  /** Shows `problem.text` next to its control (once the operator touched it); returns the control. */
  #showFieldError(problem, force = false) {
    if (!problem?.control) return null;
    let controlId = problem.control;
    if (controlId === 'r-prefixes' && problem.index !== undefined && this.#prefixes.length > problem.index) controlId = `r-prefix-${problem.index}`;
    const related = { 'r-kms-key': 'r-kms', 'r-rtc': 'r-location', 'r-transfer': 'r-location' }[controlId];
    const touched = force || this.#submitted || this.#touched.has(controlId) || this.#touched.has(related);
    if (!touched) return null;
    const err = $(`${controlId}-err`);
    err.textContent = problem.text;
    err.hidden = false;
    const control = controlId === 'r-prefixes' ? $('r-prefix-add') : controlId === 'r-actions' ? this.form.querySelector('input[name=action]') : $(controlId);
    control.setAttribute('aria-invalid', 'true');
    const described = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    described.add(err.id);
    control.setAttribute('aria-describedby', [...described].join(' '));
    return control;
  }

  /** Checks the current rule (library rules, then predictable refusals); updates the errors and the preview. */
  validate() {
    if (!session.settings) return { ok: false };
    const seq = ++this.#seq;
    const rule = this.rule();
    let problem = null;
    let error = null;
    try {
      validateRule(rule);
      problem = this.#predict(rule);
    } catch (e) {
      error = e;
      problem = fieldOf(e) ?? { text: e.message };
    }
    this.#clearFieldErrors();
    clearTimeout(this.#previewTimer);
    const head = $('r-preview-head');
    const pre = $('r-preview');
    if (problem) {
      const control = this.#showFieldError(problem);
      setText(head, '');
      // Not an error display: the field says what is missing once the operator gets there.
      setText(pre, 'The request appears here once the rule is complete.');
      pre.classList.add('pending');
      return { ok: false, problem, error, control };
    }
    this.#previewTimer = setTimeout(() => this.#renderPreview(rule, seq), PREVIEW_DELAY_MS);
    return { ok: true, rule };
  }

  async #renderPreview(rule, seq) {
    const client = this.#preview;
    if (!client) return;
    this.#captured = null;
    try {
      await client.putBucketReplication(rule);
    } catch {
      return; // validateRule passed, so this does not happen; the real Put would say why
    }
    const req = this.#captured;
    if (seq !== this.#seq || !req) return; // a newer edit superseded this one
    const hd = req.headers ?? {};
    setText($('r-preview-head'), [`${req.method} ${req.url}`, `content-type: ${hd['content-type'] ?? ''}`, `content-md5: ${hd['content-md5'] ?? ''}`, `(${new TextEncoder().encode(req.body ?? '').length} bytes)`].join('\n'));
    setText($('r-preview'), prettyXml(req.body ?? ''));
    $('r-preview').classList.remove('pending');
  }

  async submit() {
    this.#submitted = true;
    hideError(this.errorBox);
    $('rule-ok').hidden = true;
    const result = this.validate();
    if (!result.ok) {
      const control = result.control ?? this.#showFieldError(result.problem, true);
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
      if (e.code === 'InvalidArgument') this.#showFieldError(fieldOf(e), true);
    } finally {
      button.disabled = false;
    }
  }
}

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
import { FIELD_CONTROL, renderPreflight } from './preflight.js';

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
export function dryRunClient(settings, onRequest) {
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
  /** The rule being changed (edit mode: applied with replaceRule), or null (create mode). */
  #editing = null;

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
    $('r-check').addEventListener('click', () => this.check());
    $('edit-cancel').addEventListener('click', () => this.reset());
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
    for (const id of ['r-bucket', 'r-id', 'r-role', 'r-kms-key', 'r-tags']) $(id).value = '';
    $('r-tag-type').value = 'AND';
    this.#editing = null;
    $('edit-banner').hidden = true;
    $('preflight').hidden = true;
    clear($('edit-steps'));
    setText($('r-submit'), 'Create rule');
    setText($('create-h'), 'New rule');
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
    const tags = parseTags($('r-tags').value);
    if (tags.length) rule.userTaggings = { filterType: $('r-tag-type').value, tags };
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
    const existing = this.existingRules().filter((r) => r.status !== 'closing' && r.id !== this.#editing?.id);
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

  /**
   * Pre-flight (`checkRule`, read-only): problems at their fields and in the pre-flight panel
   * with the summary, cost notes and policies. Resolves to true when nothing stands in the way.
   */
  async check({ rule } = {}) {
    hideError(this.errorBox);
    if (!rule) {
      this.#submitted = true;
      const v = this.validate();
      if (!v.ok) {
        (v.control ?? this.#showFieldError(v.problem, true))?.focus();
        return false;
      }
      rule = this.rule();
    }
    const box = $('preflight');
    box.hidden = false;
    box.setAttribute('aria-busy', 'true');
    clear(box).append(h('p', { class: 'note loading' }, `Pre-flight: reading ${session.settings.bucket} and ${rule.destination.bucket}…`));
    let report;
    try {
      const client = session.client;
      report = await limit(() => client.checkRule(rule));
    } catch (e) {
      box.hidden = true;
      showError(this.errorBox, e, { title: 'The pre-flight check could not run', bucket: session.settings?.bucket });
      return false;
    } finally {
      box.removeAttribute('aria-busy');
    }
    // Replacing a rule: its own ID, destination and prefixes are not duplicates.
    const old = this.#editing;
    const ignored = old
      ? report.problems.filter((p) => (p.code === 'RuleIdExists' && rule.id === old.id) || (p.code === 'DestinationInUse' && rule.destination.bucket === old.destination?.bucket)
        || p.code === 'TooManyRules' || (p.code === 'PrefixOverlap' && p.message.includes(old.id)))
      : [];
    const problems = report.problems.filter((p) => !ignored.includes(p));
    renderPreflight(box, {
      rule, report: { ...report, problems }, ignored, sourceBucket: session.settings.bucket, sourceRegion: session.settings.region,
      onUseLocation: (loc) => {
        $('r-location').value = loc;
        this.#locationChanged();
        $('r-location').focus();
      },
    });
    this.#clearFieldErrors();
    let first = null;
    const shown = new Set();
    for (const p of problems) {
      const control = FIELD_CONTROL[p.field];
      if (!control || shown.has(control)) continue;
      shown.add(control);
      const c = this.#showFieldError({ control, text: p.message }, true);
      first ??= c;
    }
    if (problems.length) (first ?? $('preflight-h')).focus();
    return problems.length === 0;
  }

  /** Fills the form from `rule` (as read); the submit button then applies it with replaceRule. */
  edit(rule) {
    if (!rule) return;
    this.reset();
    this.#editing = rule;
    const d = rule.destination ?? {};
    const sel = $('r-location');
    if (![...sel.options].some((o) => o.value === d.location)) sel.append(h('option', { value: d.location }, regionLabel(d.location)));
    sel.value = d.location;
    this.#locationChanged();
    if (d.transferType) {
      if (![...$('r-transfer').options].some((o) => o.value === d.transferType)) $('r-transfer').append(h('option', { value: d.transferType }, d.transferType));
      $('r-transfer').value = d.transferType;
    }
    $('r-bucket').value = d.bucket ?? '';
    $('r-id').value = rule.id;
    this.#prefixes = [...(rule.prefixes ?? [])];
    this.#renderPrefixes();
    const acts = rule.actions?.length ? rule.actions : ['ALL'];
    for (const box of this.form.querySelectorAll('input[name=action]')) box.checked = acts.includes(box.value);
    $('r-history').checked = rule.historicalObjectReplication !== false;
    $('r-role').value = rule.syncRole ?? '';
    $('r-kms').checked = Boolean(rule.sseKmsEncryptedObjects);
    $('r-kms-key').disabled = !rule.sseKmsEncryptedObjects;
    $('r-kms-key').value = rule.replicaKmsKeyId ?? '';
    const rtcOn = rule.rtcStatus ? rule.rtcStatus !== 'disabled' : Boolean(rule.rtc);
    if (!$('r-rtc').disabled) $('r-rtc').checked = rtcOn;
    $('r-tags').value = (rule.userTaggings?.tags ?? []).map((t) => `${t.key}=${t.value}`).join(', ');
    $('r-tag-type').value = rule.userTaggings?.filterType ?? 'AND';
    setText($('r-submit'), 'Apply change');
    setText($('create-h'), `Change rule ${rule.id}`);
    setText($('edit-what'), `Changing rule ${rule.id} of ${session.settings.bucket}. Apply runs a pre-flight, deletes the rule, waits until OSS has removed it and puts the new one (a failed put puts the old rule back). The route does not replicate in between.`);
    $('edit-banner').hidden = false;
    this.validate();
    $('create').scrollIntoView({ block: 'start' });
    $('create-h').focus();
  }

  /** Applies an edit with replaceRule, showing each step as OSS reports it. */
  async #replace(old, rule) {
    const list = clear($('edit-steps'));
    const step = (key, text, state = 'waiting') => {
      const li = h('li', { dataset: { step: key, state } }, h('span', { class: 'step-text' }, text), h('span', { class: 'step-note' }));
      list.append(li);
      return li;
    };
    const mark = (li, state, note = '') => {
      li.dataset.state = state;
      setText(li.querySelector('.step-note'), note ? ` · ${note}` : '');
    };
    step('check', 'Pre-flight', 'done');
    const steps = {
      del: step('delete', `Delete rule ${old.id}`, 'active'),
      gone: step('gone', `Wait until OSS has removed ${old.id}`),
      put: step('put', `Put the new rule ${rule.id}`),
      doing: step('doing', `Wait until ${rule.id} replicates (doing)`),
    };
    const client = session.client;
    let done = false;
    let gone = false;
    // replaceRule resolves only at its end: a light read every second shows where it is.
    const watch = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 1000));
        if (done) return;
        try {
          const { rules } = await limit(() => client.getBucketReplication());
          if (done) return;
          const oldNow = rules.find((r) => r.id === old.id);
          if (!gone && oldNow?.status === 'closing') {
            mark(steps.del, 'done', 'closing');
            mark(steps.gone, 'active');
          } else if (!gone && !oldNow) {
            gone = true;
            mark(steps.del, 'done');
            mark(steps.gone, 'done');
            mark(steps.put, 'active');
          }
        } catch {
          // The final answer of replaceRule tells; a failed look is not a failed change.
        }
      }
    })();
    try {
      const r = await client.replaceRule(old.id, rule, { timeoutMs: 120_000 });
      done = true;
      mark(steps.del, 'done');
      mark(steps.gone, 'done');
      mark(steps.put, 'done', `request ID ${r.requestId ?? 'none'}`);
      mark(steps.doing, 'active');
      this.onCreated(r.ruleId);
      await client.waitForRule(r.ruleId, 'doing', { timeoutMs: 60_000 });
      mark(steps.doing, 'done');
      const nodes = [...list.children];
      this.reset();
      $('edit-steps').append(...nodes);
      setText($('rule-ok'), `Rule ${old.id} changed: ${r.ruleId} is replicating.`);
      $('rule-ok').hidden = false;
      this.onCreated(r.ruleId);
    } catch (e) {
      done = true;
      const active = list.querySelector('[data-state=active]');
      if (active) mark(active, 'failed', e.code ?? 'failed');
      showError(this.errorBox, e, { title: `Changing rule ${old.id} failed`, bucket: session.settings?.bucket });
      this.onCreated(old.id);
    } finally {
      await watch;
    }
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
      // Pre-flight first: what OSS would refuse (or what would not replicate) stops here.
      if (!(await this.check({ rule }))) return;
      if (this.#editing) {
        await this.#replace(this.#editing, rule);
        return;
      }
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

/** `env=prod, team=data` (commas or new lines) -> [{ key, value }]. */
export function parseTags(text) {
  return String(text ?? '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean).map((item) => {
    const at = item.indexOf('=');
    return at < 0 ? { key: item, value: '' } : { key: item.slice(0, at).trim(), value: item.slice(at + 1).trim() };
  });
}

// Export a bucket's rules as JSON and apply them to another bucket: a replication setup
// copied in one step. The JSON holds rule inputs (what putBucketReplication takes), so it
// can be edited, kept in version control, and applied again.

import { h, $, clear, setText } from './dom.js';
import { limit } from './net.js';
import { session, clientFor, regionId } from './session.js';
import { showError, hideError, showMessage } from './errors.js';

/** A rule as read back -> the input putBucketReplication accepts (status fields dropped). */
export function toInput(rule) {
  const out = { id: rule.id, destination: { bucket: rule.destination.bucket, location: rule.destination.location } };
  if (rule.destination.transferType) out.destination.transferType = rule.destination.transferType;
  if (rule.prefixes?.length) out.prefixes = [...rule.prefixes];
  if (rule.actions?.length) out.actions = [...rule.actions];
  if (rule.historicalObjectReplication !== undefined) out.historicalObjectReplication = rule.historicalObjectReplication;
  if (rule.syncRole) out.syncRole = rule.syncRole;
  if (rule.sseKmsEncryptedObjects !== undefined) out.sseKmsEncryptedObjects = rule.sseKmsEncryptedObjects;
  if (rule.replicaKmsKeyId) out.replicaKmsKeyId = rule.replicaKmsKeyId;
  if (rule.rtc) out.rtc = true;
  if (out.id === undefined) delete out.id;
  return out;
}

export class CopyView {
  #downloadUrl = null;

  constructor({ getRules }) {
    this.getRules = getRules;
    this.text = $('export-json');
    this.errorBox = $('copy-error');
    $('export-btn').addEventListener('click', () => this.export());
    $('download-btn').addEventListener('click', () => this.download());
    $('apply-btn').addEventListener('click', () => this.apply());
    $('import-file').addEventListener('change', (e) => this.load(e.target.files?.[0]));
    this.text.addEventListener('input', () => ($('download-btn').disabled = this.text.value.trim() === ''));
  }

  export() {
    const doc = {
      source: { bucket: session.settings.bucket, region: session.settings.region },
      exportedAt: new Date().toISOString(),
      rules: this.getRules().filter((r) => r.status !== 'closing').map(toInput),
    };
    this.text.value = JSON.stringify(doc, null, 2);
    $('download-btn').disabled = false;
    hideError(this.errorBox);
  }

  download() {
    if (this.#downloadUrl) URL.revokeObjectURL(this.#downloadUrl);
    this.#downloadUrl = URL.createObjectURL(new Blob([this.text.value], { type: 'application/json' }));
    const a = h('a', { href: this.#downloadUrl, download: `replication-${session.settings?.bucket ?? 'rules'}.json` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  async load(file) {
    if (!file) return;
    this.text.value = await file.text();
    $('download-btn').disabled = false;
  }

  /** Parses the textarea: `{ rules: [...] }` or a bare array. */
  #parse() {
    let doc;
    try {
      doc = JSON.parse(this.text.value);
    } catch (e) {
      throw new Error(`the text is not valid JSON: ${e.message}`);
    }
    const rules = Array.isArray(doc) ? doc : doc?.rules;
    if (!Array.isArray(rules)) throw new Error('expected {"rules": [...]} or an array of rules');
    return rules;
  }

  async apply() {
    hideError(this.errorBox);
    const results = clear($('apply-results'));
    const bucket = $('apply-bucket').value.trim();
    const region = regionId($('apply-region').value.trim() || session.settings.region);
    let rules;
    try {
      rules = this.#parse();
    } catch (e) {
      showMessage(this.errorBox, 'Cannot apply', e.message);
      return;
    }
    if (rules.length === 0) {
      showMessage(this.errorBox, 'Nothing to apply', 'The JSON holds no rules: export a bucket with rules first.');
      return;
    }
    let client;
    try {
      client = clientFor(bucket, region);
    } catch (e) {
      showError(this.errorBox, e, { title: 'Cannot apply' });
      return;
    }
    const keepIds = $('apply-keep-ids').checked;
    const button = $('apply-btn');
    button.disabled = true;
    let ok = 0;
    try {
      await Promise.all(
        rules.map(async (rule, i) => {
          const input = keepIds ? rule : { ...rule, id: undefined };
          if (input.id === undefined) delete input.id;
          const item = h('li', { class: 'pending' }, `Rule ${i + 1} (${rule?.id ?? 'new ID'} → ${rule?.destination?.bucket ?? '?'}): applying…`);
          results.append(item);
          try {
            const { ruleId, requestId } = await limit(() => client.putBucketReplication(input));
            ok++;
            item.className = 'done';
            setText(item, `Rule ${i + 1}: created ${ruleId} on ${bucket} (request ID ${requestId ?? 'none'})`);
          } catch (e) {
            item.className = 'failed';
            clear(item).append(`Rule ${i + 1} (${rule?.id ?? 'new ID'}): `, h('strong', null, e.code ?? e.name), ` ${e.message}`, e.requestId ? ` (request ID ${e.requestId})` : '');
          }
        }),
      );
      results.append(h('li', { class: 'summary' }, `${ok} of ${rules.length} rules applied to ${bucket}.`));
    } finally {
      client.free();
      button.disabled = false;
    }
  }
}

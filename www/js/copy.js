// Export a bucket's rules as JSON and apply them to another bucket: a replication setup
// copied in one step. The JSON holds rule inputs (what putBucketReplication takes), so it
// can be edited, kept in version control, and applied again.

import { h, $, clear, setText } from './dom.js';
import { limit } from './net.js';
import { session, clientFor, regionId } from './session.js';
import { showError, hideError, showMessage } from './errors.js';
import { dryRunClient } from './rule-form.js';
import { prettyXml } from './xml-view.js';
import { parseBucketList } from './overview.js';

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
  if (rule.userTaggings?.tags?.length) out.userTaggings = { filterType: rule.userTaggings.filterType, tags: rule.userTaggings.tags.map((t) => ({ key: t.key, value: t.value })) };
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
    $('export-tf').addEventListener('click', () => this.exportAs('terraform'));
    $('export-ossutil').addEventListener('click', () => this.exportAs('ossutil'));
    $('download-btn').addEventListener('click', () => this.download());
    $('apply-btn').addEventListener('click', () => this.apply());
    $('apply-confirm').addEventListener('click', () => this.confirm());
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

  /** Terraform (alicloud_oss_bucket_replication) or ossutil input for the rules read. */
  async exportAs(format) {
    const bucket = session.settings.bucket;
    const rules = this.getRules().filter((r) => r.status !== 'closing').map(toInput);
    let text;
    if (format === 'terraform') {
      text = rules.map((r) => toTerraform(bucket, r)).join('\n') || '# no rules';
    } else {
      const parts = [];
      for (const r of rules) {
        const file = `replication-${safeName(r.id ?? 'rule')}.xml`;
        parts.push(`# ${file}: ossutil replication --method put oss://${bucket} ${file}`, await ruleXml(r));
      }
      text = parts.join('\n') || '# no rules';
    }
    const pre = $('export-alt');
    pre.dataset.format = format;
    setText(pre, text);
    setText($('export-alt-h'), format === 'terraform' ? 'Terraform (alicloud_oss_bucket_replication)' : 'ossutil input (one XML file per rule)');
    $('export-alt-box').hidden = false;
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

  /** The rules to apply, or null after showing why there is nothing to apply. */
  #rulesToApply(haveTargets) {
    let rules;
    try {
      rules = this.#parse();
    } catch (e) {
      showMessage(this.errorBox, 'Cannot apply', e.message);
      return null;
    }
    if (!haveTargets || rules.length === 0) {
      showMessage(this.errorBox, 'Nothing to apply', haveTargets ? 'The JSON holds no rules: export a bucket with rules first.' : 'Name at least one target bucket.');
      return null;
    }
    return rules;
  }

  /** The targets: `name` or `name:oss-region`, separated by commas, spaces or new lines. */
  #targets() {
    return parseBucketList($('apply-bucket').value, regionId($('apply-region').value.trim() || session.settings.region));
  }

  /**
   * Apply, step 1: what would change on each target (read its rules; compare by ID and by
   * destination; a pre-flight for each rule it does not have yet), then a Confirm button.
   */
  async apply() {
    hideError(this.errorBox);
    clear($('apply-results'));
    $('apply-confirm').hidden = true;
    const box = clear($('apply-diff'));
    const targets = this.#targets();
    const rules = this.#rulesToApply(targets.length > 0);
    if (!rules) return;
    const button = $('apply-btn');
    button.disabled = true;
    setText($('apply-diff-status'), `Reading ${targets.length === 1 ? targets[0].name : `${targets.length} buckets`}…`);
    const keepIds = $('apply-keep-ids').checked;
    let changes = 0;
    let flagged = 0;
    try {
      const sections = await Promise.all(targets.map(async (t) => {
        let client;
        try {
          client = clientFor(t.name, t.region);
          const { rules: have } = await limit(() => client.getBucketReplication());
          const items = await Promise.all(rules.map(async (rule, i) => {
            const input = keepIds ? rule : { ...rule, id: undefined };
            const label = `${rule?.id ?? `rule ${i + 1}`} → ${rule?.destination?.bucket ?? '?'}`;
            const same = keepIds ? have.find((x) => x.id === rule.id) : null;
            if (same) {
              const now = JSON.stringify(toInput(same));
              const differs = now !== JSON.stringify(toInput({ ...rule, destination: { ...rule.destination } }));
              return h('li', { dataset: { state: differs ? 'differs' : 'same' } }, `${label}: `,
                differs ? h('strong', null, `exists with other settings (OSS refuses; change it there with Edit)`) : 'already there (OSS will refuse it as a duplicate)',
                differs ? h('pre', { class: 'code' }, `now:  ${now}\nJSON: ${JSON.stringify(toInput(rule))}`) : null);
            }
            const taken = have.find((x) => x.destination?.bucket === rule?.destination?.bucket);
            if (taken) return h('li', { dataset: { state: 'conflict' } }, `${label}: `, h('strong', null, `rule ${taken.id} already replicates ${t.name} to ${taken.destination.bucket}`));
            let report = null;
            try {
              if (input.id === undefined) delete input.id;
              report = await limit(() => client.checkRule(input));
            } catch (e) {
              return h('li', { dataset: { state: 'unchecked' } }, `${label}: to add (pre-flight failed: ${e.code ?? e.name} ${e.message})`);
            }
            if (report.problems.length) {
              flagged++;
              return h('li', { dataset: { state: 'problem' } }, `${label}: `, h('strong', null, 'pre-flight: '), report.problems.map((p) => `${p.code}: ${p.message}`).join('; '));
            }
            changes++;
            return h('li', { dataset: { state: 'new' } }, `${label}: to add (pre-flight passed)`);
          }));
          return h('li', { dataset: { target: t.name } }, h('strong', null, `${t.name} (${t.region})`), h('ul', null, items));
        } catch (e) {
          return h('li', { dataset: { target: t.name, state: 'error' } }, h('strong', null, t.name), `: could not be read: ${e.code ?? e.name} ${e.message}`);
        } finally {
          client?.free();
        }
      }));
      box.append(...sections);
      setText($('apply-diff-status'), `${changes} rule${changes === 1 ? '' : 's'} to add across ${targets.length} bucket${targets.length === 1 ? '' : 's'}. Nothing was changed yet.`);
      const confirm = $('apply-confirm');
      // The operator decides after reading the diff; a pre-flight problem is named on the button.
      setText(confirm, `Apply ${rules.length} rule${rules.length === 1 ? '' : 's'} to ${targets.length === 1 ? targets[0].name : `${targets.length} buckets`}${flagged ? ` anyway (${flagged} with pre-flight problems)` : ''}`);
      confirm.hidden = false;
      confirm.focus();
    } finally {
      button.disabled = false;
    }
  }

  /** Apply, step 2 (after the diff): every rule to every target. */
  async confirm() {
    $('apply-confirm').hidden = true;
    hideError(this.errorBox);
    const results = clear($('apply-results'));
    const rules = this.#rulesToApply(true);
    if (!rules) return;
    for (const t of this.#targets()) await this.#applyTo(t.name, t.region, rules, results);
  }

  async #applyTo(bucket, region, rules, results) {
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

const safeName = (s) => String(s).replace(/[^A-Za-z0-9_-]+/g, '_');
const hcl = (s) => JSON.stringify(String(s)); // HCL strings are JSON strings for these characters

/** One `alicloud_oss_bucket_replication` resource for rule input `r` of `bucket`. */
export function toTerraform(bucket, r) {
  const lines = [`resource "alicloud_oss_bucket_replication" ${hcl(safeName(r.id ?? 'rule'))} {`, `  bucket = ${hcl(bucket)}`];
  lines.push(`  action = ${hcl(r.actions?.length ? r.actions.join(',') : 'ALL')}`);
  lines.push(`  historical_object_replication = ${hcl(r.historicalObjectReplication === false ? 'disabled' : 'enabled')}`);
  if (r.prefixes?.length) lines.push('  prefix_set {', `    prefixes = [${r.prefixes.map(hcl).join(', ')}]`, '  }');
  lines.push('  destination {', `    bucket   = ${hcl(r.destination.bucket)}`, `    location = ${hcl(r.destination.location)}`);
  if (r.destination.transferType) lines.push(`    transfer_type = ${hcl(r.destination.transferType)}`);
  lines.push('  }');
  if (r.syncRole) lines.push(`  sync_role = ${hcl(r.syncRole)}`);
  if (r.rtc) lines.push('  rtc {', '    enabled = true', '  }');
  if (r.sseKmsEncryptedObjects) lines.push('  source_selection_criteria {', '    sse_kms_encrypted_objects {', '      status = "Enabled"', '    }', '  }');
  if (r.replicaKmsKeyId) lines.push('  encryption_configuration {', `    replica_kms_key_id = ${hcl(r.replicaKmsKeyId)}`, '  }');
  if (r.userTaggings?.tags?.length) lines.push(`  # tag filter (${r.userTaggings.filterType}): ${r.userTaggings.tags.map((t) => `${t.key}=${t.value}`).join(', ')}; set it with ossutil or the API`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The exact PutBucketReplication body the library builds for `rule` (a dry run: nothing is sent). */
async function ruleXml(rule) {
  let body = '';
  const client = dryRunClient(session.settings, (req) => {
    body = req.body ?? '';
  });
  try {
    await client.putBucketReplication(rule);
  } finally {
    client.free();
  }
  return prettyXml(body);
}

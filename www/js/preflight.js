// Pre-flight before Create and Apply: the library's `checkRule` (read-only: both buckets'
// versioning, the destination bucket's own region, transfer type and RTC for the route,
// duplicates) with each problem at the form field it concerns; what the rule will do in plain
// words; what it costs; the exact RAM policies and CORS rule (`replicationPolicies`) to copy.

// A namespace import: a package built before replicationPolicies was exported still loads the page.
import * as lib from '../../pkg/web/index.js';
import { h, clear, setText } from './dom.js';
import { regionLabel } from './regions.js';

/** checkRule's `field` -> the form control it concerns. */
export const FIELD_CONTROL = {
  'destination.bucket': 'r-bucket',
  'destination.location': 'r-location',
  'destination.transferType': 'r-transfer',
  rtc: 'r-rtc',
  id: 'r-id',
  prefixes: 'r-prefixes',
  userTaggings: 'r-tags',
};

/** What `rule` will do, in one paragraph an operator can read aloud. */
export function summarize(rule, sourceBucket, sourceRegion) {
  const d = rule.destination;
  const what = rule.prefixes?.length ? `objects whose names start with ${rule.prefixes.map((p) => `"${p}"`).join(' or ')}` : 'every object';
  const tags = rule.userTaggings?.tags?.length
    ? ` that carry ${rule.userTaggings.filterType === 'OR' ? 'any' : 'all'} of the tags ${rule.userTaggings.tags.map((t) => `${t.key}=${t.value}`).join(', ')}`
    : '';
  const actions = !rule.actions?.length || rule.actions.includes('ALL') ? 'new writes and deletions' : rule.actions.map((a) => ({ PUT: 'new writes', DELETE: 'deletions', ABORT: 'aborted multipart uploads' }[a] ?? a)).join(', ');
  const kind = d.location === `oss-${String(sourceRegion).replace(/^oss-/, '')}` ? 'within the same region' : `from ${regionLabel(`oss-${String(sourceRegion).replace(/^oss-/, '')}`)} to ${regionLabel(d.location)}`;
  return [
    `Copies ${what}${tags} of ${sourceBucket} to ${d.bucket} (${kind}).`,
    rule.historicalObjectReplication === false ? 'Objects that exist now are not copied; only changes from now on.' : 'Objects that exist now are copied first (historical replication), then changes as they happen.',
    `Replicated: ${actions}.`,
    rule.rtc ? 'RTC: most objects arrive within 10 minutes, with lag metrics.' : 'No RTC: replication is best effort (usually minutes, no promise).',
    rule.sseKmsEncryptedObjects ? `SSE-KMS encrypted objects are replicated${rule.replicaKmsKeyId ? ` and encrypted with key ${rule.replicaKmsKeyId} at the destination` : ''}.` : 'SSE-KMS encrypted objects are not replicated.',
  ].join(' ');
}

/** Billing notes for the options that cost extra. */
export function costNotes(rule) {
  const notes = [];
  if (rule.destination?.transferType === 'oss_acc') {
    notes.push('Transfer acceleration (oss_acc): every replicated GB is billed as accelerated traffic on top of the cross-region replication traffic.');
  }
  if (rule.rtc) notes.push('RTC: billed per GB replicated under RTC, on top of the replication traffic.');
  if (notes.length === 0) notes.push('No billed options: the usual replication traffic (per GB for cross-region) and requests at the destination.');
  return notes;
}

function pretty(doc) {
  return JSON.stringify(doc, null, 2);
}

/** The policies and CORS rule as `{ title, text }` blocks, or an error message. */
export function policyBlocks(rule, sourceBucket) {
  let docs;
  try {
    if (typeof lib.replicationPolicies !== 'function') throw new Error('this build of the package has no replicationPolicies: run make build');
    docs = lib.replicationPolicies({ sourceBucket, destinationBucket: rule.destination.bucket, rule });
  } catch (e) {
    return { error: e.message };
  }
  // The library cannot know where the page is served: its CORS rule names a placeholder origin.
  if (docs.cors && Array.isArray(docs.cors.allowedOrigins)) docs.cors = { ...docs.cors, allowedOrigins: [location.origin] };
  const blocks = [
    { key: 'operator', title: 'RAM policy for the operator (the STS role this page uses)', text: pretty(docs.operatorPolicy) },
    { key: 'trust', title: `Trust policy of the replication role${docs.roleName ? ` ${docs.roleName}` : ''} (lets OSS assume it)`, text: pretty(docs.roleTrustPolicy) },
    { key: 'role', title: 'Permission policy of the replication role', text: pretty(docs.rolePermissionPolicy) },
  ];
  if (docs.destinationBucketPolicy) blocks.push({ key: 'bucket', title: 'Bucket policy on the destination (another account)', text: pretty(docs.destinationBucketPolicy) });
  blocks.push({ key: 'cors', title: `CORS rule ${sourceBucket} needs for this page`, text: pretty(docs.cors) });
  return { blocks };
}

/** A copy button for `pre` (the clipboard when allowed; else the text is selected for Ctrl+C). */
function copyButton(pre, title) {
  const status = h('span', { class: 'note', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'small', on: { click: async () => {
    try {
      await navigator.clipboard.writeText(pre.textContent);
      setText(status, ' copied');
    } catch {
      getSelection().selectAllChildren(pre);
      setText(status, ' selected: press Ctrl+C');
    }
  } } }, `Copy`, h('span', { class: 'sr-only' }, ` ${title}`));
  return [button, status];
}

/**
 * Renders a pre-flight into `box`: the verdict, the problems (each also shown at its field by
 * the form), the facts read, the summary, the cost notes and the policies.
 */
export function renderPreflight(box, { rule, report, sourceBucket, sourceRegion, ignored = [], onUseLocation }) {
  clear(box);
  const problems = report.problems;
  box.dataset.ok = String(problems.length === 0);
  box.append(h('h3', { id: 'preflight-h', tabindex: '-1' }, problems.length === 0 ? 'Pre-flight: ready' : `Pre-flight: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`} to fix first`));
  if (problems.length) {
    box.append(h('ul', { class: 'preflight-problems' }, problems.map((p) => h('li', { dataset: { code: p.code } }, h('strong', null, p.code), ` ${p.message}`,
      p.code === 'LocationMismatch' && report.destination.location && onUseLocation
        ? [' ', h('button', { type: 'button', class: 'small use-location', on: { click: () => onUseLocation(report.destination.location) } }, `Use ${regionLabel(report.destination.location)}`)]
        : null))));
  }
  if (ignored.length) box.append(h('p', { class: 'note' }, `Not counted (the rule being replaced): ${ignored.map((p) => p.code).join(', ')}.`));
  const v = (x) => x ?? 'never set (off)';
  const dest = report.destination;
  box.append(h('dl', { class: 'preflight-facts' },
    h('div', null, h('dt', null, `Versioning of ${sourceBucket}`), h('dd', { class: 'f-src-versioning' }, v(report.source?.versioning))),
    h('div', null, h('dt', null, `${rule.destination.bucket}`), h('dd', { class: 'f-dest' }, dest.exists === false ? 'does not exist (or is not visible to these credentials)' : `in ${dest.location ? regionLabel(dest.location) : 'an unknown region'}, versioning ${v(dest.versioning)}`))));
  box.append(h('h4', null, 'What this rule will do'), h('p', { class: 'preflight-summary' }, summarize(rule, sourceBucket, sourceRegion)));
  box.append(h('h4', null, 'Cost'), h('ul', { class: 'preflight-cost' }, costNotes(rule).map((n) => h('li', null, n))));
  const { blocks, error } = policyBlocks(rule, sourceBucket);
  const policies = h('details', { class: 'preflight-policies' }, h('summary', null, 'RAM policies and CORS rule to copy'));
  if (error) policies.append(h('p', { class: 'error-inline' }, error));
  for (const b of blocks ?? []) {
    const pre = h('pre', { class: 'code', tabindex: '0', dataset: { policy: b.key }, 'aria-label': b.title }, b.text);
    policies.append(h('h4', null, b.title, ' ', ...copyButton(pre, b.title)), pre);
  }
  box.append(policies);
  box.hidden = false;
  // A counter for scripts watching the page (tests): each verdict shown is a new one.
  box.dataset.n = String(Number(box.dataset.n ?? 0) + 1);
}

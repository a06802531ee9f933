// Which form control a library validation error belongs to, and the error in the form's words.
// The library's messages start with the field path (`rule.destination.bucket: ...`); until
// OssError carries a machine-readable `field` (wanted from the core), this one table maps the
// path to the control. The e2e run checks every path validateRule reports against it.

/** Library field path -> the control showing its errors, and the label the form uses. */
export const FIELDS = {
  'rule.id': { control: 'r-id', label: 'Rule ID' },
  'rule.destination.bucket': { control: 'r-bucket', label: 'Destination bucket' },
  'rule.destination.location': { control: 'r-location', label: 'Destination region' },
  'rule.destination.transferType': { control: 'r-transfer', label: 'Transfer type' },
  'rule.prefixes': { control: 'r-prefixes', label: 'Prefixes', item: (i) => `Prefix ${i + 1}` },
  'rule.actions': { control: 'r-actions', label: 'Actions', item: (i) => `Action ${i + 1}` },
  'rule.syncRole': { control: 'r-role', label: 'Sync role' },
  'rule.replicaKmsKeyId': { control: 'r-kms-key', label: 'KMS key ID' },
  'rule.sseKmsEncryptedObjects': { control: 'r-kms-key', label: 'Replicate SSE-KMS encrypted objects' },
  'rule.rtc': { control: 'r-rtc', label: 'RTC' },
  'rule.historicalObjectReplication': { control: 'r-history', label: 'Historical replication' },
};

/** Messages whose generic rewording would read badly. */
const REWRITES = [
  [/^rule\.sseKmsEncryptedObjects: true requires rule\.replicaKmsKeyId/, 'Enter the KMS key ID the replicas are encrypted with (required with SSE-KMS).'],
  [/^rule\.replicaKmsKeyId is only allowed together with/, 'A KMS key ID is only used together with "Replicate SSE-KMS encrypted objects".'],
];

const PATH = /rule\.[A-Za-z]+(?:\.[A-Za-z]+)*(?:\[\d+\])?/;

/** `rule.prefixes[1]` -> { path: 'rule.prefixes', index: 1 } */
function splitPath(p) {
  const m = /^(rule\.[A-Za-z.]+?)(?:\[(\d+)\])?$/.exec(p);
  return m ? { path: m[1], index: m[2] === undefined ? undefined : Number(m[2]) } : null;
}

/** The message without library paths: the field it is shown at names the subject. */
export function friendly(message) {
  const text = String(message);
  for (const [re, out] of REWRITES) if (re.test(text)) return out;
  const out = text
    .replace(new RegExp(`^${PATH.source}: `), '')
    .replace(new RegExp(PATH.source, 'g'), (p) => {
      const s = splitPath(p);
      const f = s && FIELDS[s.path];
      if (!f) return p;
      return s.index !== undefined && f.item ? f.item(s.index) : f.label;
    });
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/** `{ control, index, text }` for a library error (OssError or message), or null. */
export function fieldOf(err) {
  const message = String(err?.message ?? err);
  const raw = typeof err?.field === 'string' ? err.field : new RegExp(`^${PATH.source}`).exec(message)?.[0];
  const s = raw && splitPath(raw);
  const f = s && FIELDS[s.path];
  return f ? { control: f.control, index: s.index, text: friendly(message) } : null;
}

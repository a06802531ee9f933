// Type declarations for oss-replication (hand-written; they are the contract).

/** Transfer type of a replication destination. */
export type TransferType = 'internal' | 'oss_acc';

/** Operations a rule replicates. */
export type ReplicationAction = 'ALL' | 'PUT' | 'DELETE' | 'ABORT';

/** Rule status as OSS reports it. */
export type ReplicationStatus = 'starting' | 'doing' | 'closing';

/** Where a rule replicates to. */
export interface ReplicationDestination {
  /** Destination bucket name. */
  bucket: string;
  /** Destination region WITH the `oss-` prefix, e.g. `oss-cn-beijing`. */
  location: string;
  /** `internal` (default) or `oss_acc` (transfer acceleration, cross-region only). */
  transferType?: TransferType;
}

/** A rule to create with `putBucketReplication`. */
export interface ReplicationRuleInput {
  /** Rule ID; generated (UUID) when absent so a retried Put never creates a second rule. */
  id?: string;
  destination: ReplicationDestination;
  /** At most 10 key prefixes, each at most 1023 bytes; absent: all objects. */
  prefixes?: string[];
  /** Default (absent): OSS's `ALL`. */
  actions?: ReplicationAction[];
  /** Copy objects that existed before the rule (OSS default: true). */
  historicalObjectReplication?: boolean;
  /** RAM role OSS assumes to replicate. */
  syncRole?: string;
  /** Replicate SSE-KMS encrypted objects; requires `replicaKmsKeyId`. */
  sseKmsEncryptedObjects?: boolean;
  /** KMS key for replicas; only together with `sseKmsEncryptedObjects: true`. */
  replicaKmsKeyId?: string;
  /** Replication time control (where the source region supports it). */
  rtc?: boolean;
}

/** A rule as `getBucketReplication` returns it. */
export interface ReplicationRule {
  id?: string;
  destination: ReplicationDestination;
  prefixes: string[];
  /** As OSS lists them (empty when OSS omits the element). */
  actions: string[];
  historicalObjectReplication?: boolean;
  syncRole?: string;
  sseKmsEncryptedObjects?: boolean;
  replicaKmsKeyId?: string;
  /** Whether RTC is on (`enabled` or `enabling`). */
  rtc?: boolean;
  status?: ReplicationStatus | string;
  /** RTC status as OSS reports it: `enabled`, `disabled`, `enabling`. */
  rtcStatus?: string;
}

/** STS credentials as a console backend hands them out. */
export interface StsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  stsToken: string;
  /** ISO 8601 UTC time, a Date, or epoch milliseconds: refreshed 60 s before. */
  expiration?: string | Date | number;
}

export interface ReplicationClientOptions {
  /** The source bucket. */
  bucket: string;
  /** `cn-hangzhou` or `oss-cn-hangzhou` (V4 signs without the prefix). */
  region: string;
  /** Default `https://oss-<region>.aliyuncs.com`; IP and localhost hosts use path style. */
  endpoint?: string;
  /** Put the bucket in the path instead of the host. */
  pathStyle?: boolean;
  /** The endpoint is a custom domain bound to the bucket. */
  cname?: boolean;
  /** Use `oss-<region>-internal.aliyuncs.com` when no endpoint is given. */
  internal?: boolean;
  accessKeyId?: string;
  accessKeySecret?: string;
  stsToken?: string;
  /** ali-oss semantics: called before the first request, ahead of expiry, every
   * `refreshSTSTokenInterval` ms and once on an expired/invalid token; concurrent calls share one refresh. */
  refreshSTSToken?: () => Promise<StsCredentials> | StsCredentials;
  /** Milliseconds between refreshes; default 300000. */
  refreshSTSTokenInterval?: number;
  /** Default `v4`. */
  signatureVersion?: 'v4' | 'v1';
  /** Per-attempt timeout in ms; default 60000. */
  timeout?: number;
  /** Retries for network errors, timeouts, 5xx and throttling; default 3. */
  retryMax?: number;
  /** Largest accepted response body; default 4 MiB. */
  maxResponseBytes?: number;
  /** Custom fetch (tests, proxies); default: the global `fetch`. */
  fetch?: typeof fetch;
}

export interface WithRequestId {
  /** `x-oss-request-id` of the (last) request. */
  requestId?: string;
}

export interface LocationTransferTypeConstraint {
  location: string;
  transferTypes: string[];
}

export interface ReplicationLocationResult extends WithRequestId {
  /** Regions a rule may target (`oss-` prefixed). */
  locations: string[];
  /** Regions that need a particular transfer type. */
  transferTypeConstraints: LocationTransferTypeConstraint[];
  /** Regions where RTC can be enabled. */
  rtcLocations: string[];
}

export interface ReplicationProgressResult extends WithRequestId {
  rule: ReplicationRule;
  progress: {
    /** Fraction 0..1 of historical objects replicated. */
    historicalObject?: number;
    /** ISO 8601 time: objects written before it are replicated. */
    newObject?: string;
  };
}

/** Manages the replication rules of one bucket. Methods reject with `OssError`. */
export class ReplicationClient {
  /** Validates the options (throws `OssError` naming the field); sends nothing. */
  constructor(options: ReplicationClientOptions);
  /** The bucket this client manages. */
  readonly bucket: string;
  /** Correction applied to the local clock after `RequestTimeTooSkewed`, in ms. */
  readonly clockOffset: number;
  putBucketReplication(rule: ReplicationRuleInput): Promise<{ ruleId: string } & WithRequestId>;
  getBucketReplication(): Promise<{ rules: ReplicationRule[] } & WithRequestId>;
  getBucketReplicationLocation(): Promise<ReplicationLocationResult>;
  getBucketReplicationProgress(ruleId: string): Promise<ReplicationProgressResult>;
  deleteBucketReplication(ruleId: string): Promise<WithRequestId>;
  putBucketRtc(ruleId: string, enabled: boolean): Promise<WithRequestId>;
  free(): void;
}

export interface SignableRequest {
  method: string;
  /** Omit for service-level requests. */
  bucket?: string;
  /** The full request URL. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SigningCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  stsToken?: string;
}

export interface SigningOptions {
  version: 'v1' | 'v4';
  /** Required for v4. */
  region?: string;
  /** Signing time, epoch milliseconds. */
  time: number;
  /** V1: query keys signed as sub-resources (default: oss2's list plus `rtc`). */
  subresources?: string[];
  /** V4: extra header names to sign. */
  additionalHeaders?: string[];
}

/** Every header to send: the given ones plus `x-oss-date`, `x-oss-content-sha256` (v4),
 * `x-oss-security-token` (STS) and `authorization`. */
export function signRequest(request: SignableRequest, credentials: SigningCredentials, options: SigningOptions): Record<string, string>;

/** Checks a rule exactly as `putBucketReplication` does, sending nothing; throws an
 * `OssError` (code `InvalidArgument` or `InvalidBucketName`) whose message names the field. */
export function validateRule(rule: ReplicationRuleInput): void;

/** Thrown for every failure. */
export class OssError extends Error {
  name: 'OssError';
  /** OSS error code, or a client code (`InvalidArgument`, `NetworkError`, `RequestTimeout`, ...). */
  code: string;
  /** HTTP status; -1 when there was no HTTP answer. */
  status: number;
  requestId?: string;
  hostId?: string;
  ec?: string;
  recommendDoc?: string;
  /** On `SignatureDoesNotMatch`: the string the server signed. */
  serverStringToSign?: string;
  /** Whether the same call may succeed if tried again. */
  retryable: boolean;
}

/** Loads the wasm (browsers, Workers). In Node it resolves at once. */
export default function init(input?: unknown): Promise<unknown>;
/** Instantiates from a compiled `WebAssembly.Module` (Workers). */
export function initSync(input: { module: WebAssembly.Module } | WebAssembly.Module): unknown;

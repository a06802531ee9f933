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
  transferType?: TransferType | undefined;
}

/** Tag filter: replicate only objects whose tags match (`AND`: all tags, `OR`: any). */
export interface ReplicationUserTaggings {
  filterType: 'AND' | 'OR';
  /** 1..10 tags; keys 1..128 bytes, values up to 256, no duplicate keys. */
  tags: { key: string; value: string }[];
}

/** Rule and Destination children this version does not know, kept verbatim so a read-back rule put again loses nothing. */
export interface ReplicationUnknownChildren {
  rule?: string[] | undefined;
  destination?: string[] | undefined;
}

/**
 * A rule to create with `putBucketReplication`. A rule read back from `getBucketReplication`
 * is one too (its read-only `status` and `rtcStatus` are ignored on Put).
 */
export interface ReplicationRuleInput {
  /** Rule ID; generated (UUID) when absent so a retried Put never creates a second rule. */
  id?: string | undefined;
  destination: ReplicationDestination;
  /** At most 10 key prefixes, each at most 1023 bytes; absent: all objects. */
  prefixes?: string[] | undefined;
  /** Default (absent): OSS's `ALL`. */
  actions?: ReplicationAction[] | undefined;
  /** Copy objects that existed before the rule (OSS default: true). */
  historicalObjectReplication?: boolean | undefined;
  /** RAM role OSS assumes to replicate. */
  syncRole?: string | undefined;
  /** Replicate SSE-KMS encrypted objects; requires `replicaKmsKeyId`. */
  sseKmsEncryptedObjects?: boolean | undefined;
  /** KMS key for replicas; only together with `sseKmsEncryptedObjects: true`. */
  replicaKmsKeyId?: string | undefined;
  /** Replication time control (where the source region supports it). */
  rtc?: boolean | undefined;
  /** Replicate only objects with these tags. */
  userTaggings?: ReplicationUserTaggings | undefined;
  /** Read back only; ignored on Put. */
  status?: ReplicationStatus | (string & {}) | undefined;
  /** Read back only; ignored on Put. */
  rtcStatus?: string | undefined;
  /** Read back only: handed back to OSS as it came. */
  unknownChildren?: ReplicationUnknownChildren | undefined;
}

/** A rule as `getBucketReplication` returns it; valid input to `putBucketReplication` as it is. */
export interface ReplicationRule extends ReplicationRuleInput {
  prefixes: string[];
  /** As OSS lists them (empty when OSS omits the element). */
  actions: ReplicationAction[];
  /** Whether RTC is on (`enabled` or `enabling`). */
  rtc?: boolean | undefined;
  /** `starting`, `doing`, `closing`, or another status a newer OSS reports. */
  status?: ReplicationStatus | (string & {}) | undefined;
  /** RTC status as OSS reports it: `enabled`, `disabled`, `enabling`. */
  rtcStatus?: string | undefined;
}

/** STS credentials as a console backend hands them out. */
export interface StsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  stsToken: string;
  /** ISO 8601 UTC time, a Date, or epoch milliseconds: refreshed 60 s before. */
  expiration?: string | Date | number | undefined;
}

export interface ReplicationClientOptions {
  /** The source bucket. */
  bucket: string;
  /** `cn-hangzhou` or `oss-cn-hangzhou` (V4 signs without the prefix). */
  region: string;
  /** Default `https://oss-<region>.aliyuncs.com`; IP and localhost hosts use path style. */
  endpoint?: string | undefined;
  /** Put the bucket in the path instead of the host. */
  pathStyle?: boolean | undefined;
  /** The endpoint is a custom domain bound to the bucket. */
  cname?: boolean | undefined;
  /** Use `oss-<region>-internal.aliyuncs.com` when no endpoint is given. */
  internal?: boolean | undefined;
  accessKeyId?: string | undefined;
  accessKeySecret?: string | undefined;
  stsToken?: string | undefined;
  /** ali-oss semantics: called before the first request, ahead of expiry, every
   * `refreshSTSTokenInterval` ms and once on an expired/invalid token; concurrent calls share one refresh. */
  refreshSTSToken?: (() => Promise<StsCredentials> | StsCredentials) | undefined;
  /** Milliseconds between refreshes; default 300000. */
  refreshSTSTokenInterval?: number | undefined;
  /** Default `v4`. */
  signatureVersion?: 'v4' | 'v1' | undefined;
  /** Per-attempt timeout in ms; default 60000. */
  timeout?: number | undefined;
  /** Retries for network errors, timeouts, 5xx and throttling; default 3. */
  retryMax?: number | undefined;
  /** Largest accepted response body; default 4 MiB. */
  maxResponseBytes?: number | undefined;
  /** Custom fetch (tests, proxies, another realm's fetch); default: the global `fetch`. */
  fetch?: FetchLike | undefined;
}

export interface WithRequestId {
  /** `x-oss-request-id` of the (last) request. */
  requestId?: string | undefined;
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
    historicalObject?: number | undefined;
    /** ISO 8601 time: objects written before it are replicated (GMT answers are converted). */
    newObject?: string | undefined;
  };
  /** Seconds between the server's time (the answer's `Date`; the skew-corrected local clock where a browser hides it) and `newObject`. */
  lagSeconds?: number | undefined;
}

/** Versioning state of a bucket. */
export type Versioning = 'unversioned' | 'enabled' | 'suspended';

/** Stable codes of the problems `checkRule` reports (README: "Pre-flight"). */
export type CheckProblemCode =
  | 'InvalidRule' | 'SameBucket' | 'DestinationNotFound' | 'DestinationUnreadable' | 'LocationMismatch'
  | 'VersioningMismatch' | 'VersioningSuspended' | 'LocationNotAllowed' | 'TransferTypeRequired'
  | 'TransferTypeNotAllowed' | 'RtcNotSupported' | 'RuleIdExists' | 'DestinationInUse' | 'TooManyRules'
  | 'PrefixOverlap' | 'TagFiltersUnavailable' | 'SourceUnreadable';

/** Another endpoint and credentials for a destination in another account. */
export interface DestinationAccessOptions {
  destinationEndpoint?: string | undefined;
  destinationCredentials?: { accessKeyId: string; accessKeySecret: string; stsToken?: string | undefined } | undefined;
}

/** One thing `checkRule` found; `field` names the rule field it concerns. */
export interface CheckProblem {
  code: CheckProblemCode | (string & {});
  field?: string | undefined;
  message: string;
}

/** What `checkRule` read (it never writes). */
export interface CheckRuleResult {
  /** No problems. */
  ok: boolean;
  problems: CheckProblem[];
  source: { versioning?: Versioning | undefined };
  destination: { exists?: boolean | undefined; location?: string | undefined; versioning?: Versioning | undefined };
}

/** One observation of `watchReplication`. */
export interface ReplicationState {
  rule: ReplicationRule;
  progress: ReplicationProgressResult['progress'];
  lagSeconds?: number | undefined;
  /** Fraction of historical objects replicated per second, from successive reads. */
  historicalRate?: number | undefined;
  /** Seconds until the historical copy completes at that rate. */
  etaSeconds?: number | undefined;
}

/** The async iterable `watchReplication` returns (`for await (const s of watch)`; `break` stops it). */
export interface ReplicationWatch {
  next(): Promise<IteratorResult<ReplicationState, undefined>>;
  return(): Promise<IteratorResult<ReplicationState, undefined>>;
  [Symbol.asyncIterator](): ReplicationWatch;
  /** Releases its wasm memory now (`return()` and the end of the loop do it too). */
  free(): void;
}

/** An object as ListObjectsV2 lists it. */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

/** Running counts passed to `onProgress` after each page. */
export interface DiffCounts {
  scanned: { source: number; destination: number };
  missing: number;
  differing: number;
  pending: number;
  extra: number;
}

/** What `diffReplication` found. */
export interface DiffResult {
  scanned: { source: number; destination: number };
  /** At the source, absent at the destination, older than the rule's watermark. */
  missing: ListedObject[];
  /** At both, with another size or ETag. */
  differing: ListedObject[];
  /** Newer than the watermark: not expected at the destination yet. */
  pending: number;
  /** Only at the destination (expected with `actions: ['PUT']`). */
  extra: number;
  /** `maxListed` stopped the scan early. */
  truncated: boolean;
}

export interface DiffOptions extends DestinationAccessOptions {
  signal?: AbortSignalLike | undefined;
  onProgress?: ((counts: DiffCounts) => void) | undefined;
  /** Stop once this many objects are listed as missing or differing. */
  maxListed?: number | undefined;
  /** Keys per ListObjectsV2 page, 1..1000. */
  pageSize?: number | undefined;
}

export interface WaitOptions {
  timeoutMs?: number | undefined;
  pollMs?: number | undefined;
  signal?: AbortSignalLike | undefined;
}

/** An `AbortSignal` (typed structurally so the declarations need no DOM lib). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
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
  /** Pre-flight, read-only: what would stop `rule` from working (versioning, region, transfer type, RTC, duplicates, overlaps). */
  checkRule(rule: ReplicationRuleInput, options?: DestinationAccessOptions): Promise<CheckRuleResult>;
  /** Polls a rule's progress (fast only while its state changes) until `break` or the signal aborts. */
  watchReplication(ruleId: string, options?: { intervalMs?: number | undefined; signal?: AbortSignalLike | undefined }): ReplicationWatch;
  /** Lists both buckets under the rule's prefixes and reports what is not replicated yet. */
  diffReplication(ruleId: string, options?: DiffOptions): Promise<DiffResult>;
  /** OSS cannot edit a rule: deletes it, waits until it is gone, puts `newRule` (the old one back if that fails). */
  replaceRule(ruleId: string, newRule: ReplicationRuleInput, options?: WaitOptions): Promise<{ ruleId: string } & WithRequestId>;
  /** Resolves once the rule reads back as `doing` (with it) or is gone. */
  waitForRule(ruleId: string, state: 'doing' | 'gone', options?: WaitOptions): Promise<{ rule?: ReplicationRule | undefined }>;
  /** Releases the client's wasm memory now (otherwise when it is garbage collected). */
  free(): void;
  /** `using client = new ReplicationClient(...)`: calls `free()` at the end of the scope. */
  [Symbol.dispose](): void;
}

export interface SignableRequest {
  method: string;
  /** Omit for service-level requests. */
  bucket?: string | undefined;
  /** The full request URL. */
  url: string;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

export interface SigningCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  stsToken?: string | undefined;
}

export interface SigningOptions {
  version: 'v1' | 'v4';
  /** Required for v4. */
  region?: string | undefined;
  /** Signing time, epoch milliseconds. */
  time: number;
  /** V1: query keys signed as sub-resources (default: oss2's list plus `rtc`). */
  subresources?: string[] | undefined;
  /** V4: extra header names to sign. */
  additionalHeaders?: string[] | undefined;
}

/** Every header to send: the given ones plus `x-oss-date`, `x-oss-content-sha256` (v4),
 * `x-oss-security-token` (STS) and `authorization`. */
export function signRequest(request: SignableRequest, credentials: SigningCredentials, options: SigningOptions): Record<string, string>;

/** Checks a rule exactly as `putBucketReplication` does, sending nothing; throws an
 * `OssError` (code `InvalidArgument` or `InvalidBucketName`) whose message names the field. */
export function validateRule(rule: ReplicationRuleInput): void;

/** Input of `replicationPolicies`. */
export interface ReplicationPoliciesInput {
  sourceBucket: string;
  destinationBucket: string;
  rule: ReplicationRuleInput;
  sourceAccountId?: string | undefined;
  destinationAccountId?: string | undefined;
}

/** One statement of a RAM policy document. */
export interface RamStatement {
  Effect: 'Allow';
  Action: string | string[];
  Resource?: string[] | undefined;
  Principal?: string[] | { Service: string[] } | { RAM: string[] } | undefined;
}

/** A RAM policy document. */
export interface RamPolicy {
  Version: '1';
  Statement: RamStatement[];
}

/** The documents a replication setup needs. */
export interface ReplicationPolicies {
  /** For the operator who manages replication (this library's calls). */
  operatorPolicy: RamPolicy;
  /** Trust policy of the role OSS assumes (`oss.aliyuncs.com`). */
  roleTrustPolicy: RamPolicy;
  /** What that role may do on both buckets (KMS when SSE-KMS is replicated). */
  rolePermissionPolicy: RamPolicy;
  /** Cross-account only: the destination bucket's policy. */
  destinationBucketPolicy: RamPolicy | null;
  /** The source bucket's CORS rule a browser console needs. */
  cors: { allowedOrigins: string[]; allowedMethods: string[]; allowedHeaders: string[]; exposeHeaders: string[]; maxAgeSeconds: number };
  /** The rule's `syncRole`, if any. */
  roleName: string | null;
}

/** The RAM policies and CORS rule a setup needs, as JSON documents (pure: sends nothing). */
export function replicationPolicies(input: ReplicationPoliciesInput): ReplicationPolicies;

/** Thrown for every failure. */
export class OssError extends Error {
  override name: 'OssError';
  /** OSS error code, or a client code (`InvalidArgument`, `NetworkError`, `ClientTimeout`, `AbortError`, ...). */
  code: string;
  /** HTTP status; -1 when there was no HTTP answer. */
  status: number;
  requestId?: string | undefined;
  hostId?: string | undefined;
  ec?: string | undefined;
  recommendDoc?: string | undefined;
  /** On input errors: the path of the field at fault, e.g. `rule.destination.bucket`, `rule.prefixes[2]`, `options.timeout`. */
  field?: string | undefined;
  /** On `SignatureDoesNotMatch`: the string the server signed (credential lines redacted). */
  serverStringToSign?: string | undefined;
  /** Whether the same call may succeed if tried again. */
  retryable: boolean;
}

// Platform types without requiring the DOM lib: a Node-only project (lib es2022 + @types/node)
// type-checks these declarations too. Each resolves to the platform's type where it exists.
type GlobalInstance<K extends string> = typeof globalThis extends { [P in K]: { prototype: infer T } } ? T : never;
/** `WebAssembly.Module` where the platform declares it. */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;
/** The wasm's bytes. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/** What the client reads from a fetch answer (a `Response`, or any object shaped like one). */
export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): PromiseLike<ArrayBuffer>;
}
/** A `fetch` implementation: the global one, undici's, another realm's, or a test double. */
export type FetchLike = (input: string, init?: any) => PromiseLike<ResponseLike>;

/** What to compile: the wasm as a URL, a fetch `Response`, bytes, or an already compiled module. */
export type InitInput = string | GlobalInstance<'URL'> | GlobalInstance<'Request'> | GlobalInstance<'Response'> | WasmBytes | WasmModule;

/**
 * Optional: the wasm is loaded on first use. Loads it now, from `module_or_path` when given
 * (code written against 0.1, or to fetch it from your own URL).
 */
export default function init(input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<unknown>;
/** Optional: instantiates now from a compiled `WebAssembly.Module` or the wasm's bytes (Workers: `import wasmModule from 'oss-replication/oss_replication_bg.wasm'`). */
export function initSync(input?: { module: WasmModule | WasmBytes }): unknown;

declare global {
  interface SymbolConstructor {
    /** `using client = new ReplicationClient(...)` (TypeScript 5.2+): frees the client at scope end. */
    readonly dispose: unique symbol;
  }
}

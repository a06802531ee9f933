// Shows a failure the way an operator needs it: code, HTTP status, message, request ID (what
// Alibaba Cloud support asks for), and for the codes with a known cause, what to do. Network
// failures in a browser are usually a missing CORS rule, so the rule the bucket needs is shown.

import { OssError } from '../../pkg/web/index.js';
import { h, clear, fmtRelative } from './dom.js';
import { lastAnswer } from './net.js';

/** oss-wire.md §5: what the source bucket's CORS rule must allow and expose. */
export const CORS_RULE = {
  methods: ['GET', 'POST', 'PUT'],
  headers: ['authorization', 'content-type', 'content-md5', 'x-oss-date', 'x-oss-content-sha256', 'x-oss-security-token'],
  expose: ['x-oss-request-id', 'x-oss-ec', 'x-oss-replication-rule-id'],
};

const RAM_ACTIONS = [
  'oss:PutBucketReplication',
  'oss:GetBucketReplication',
  'oss:GetBucketReplicationLocation',
  'oss:GetBucketReplicationProgress',
  'oss:DeleteBucketReplication',
  'oss:PutBucketRTC',
];

/** The CORS configuration (as OSS's PutBucketCors XML) that lets this page call the bucket. */
export function corsRuleXml(origin = location.origin) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<CORSConfiguration>',
    '  <CORSRule>',
    `    <AllowedOrigin>${esc(origin)}</AllowedOrigin>`,
    ...CORS_RULE.methods.map((m) => `    <AllowedMethod>${m}</AllowedMethod>`),
    ...CORS_RULE.headers.map((x) => `    <AllowedHeader>${x}</AllowedHeader>`),
    ...CORS_RULE.expose.map((x) => `    <ExposeHeader>${x}</ExposeHeader>`),
    '    <MaxAgeSeconds>600</MaxAgeSeconds>',
    '  </CORSRule>',
    '</CORSConfiguration>',
  ].join('\n');
}

function hint(err, bucket) {
  const b = bucket ? `bucket ${bucket}` : 'the bucket';
  switch (err.code) {
    case 'NetworkError':
    case 'ClientTimeout':
    case 'RequestTimeout': {
      if (err.status > 0) return []; // OSS's own RequestTimeout is an answer
      // CORS is the cause only if the bucket never answered this page: once it has, the
      // browser accepted its answers, so a later failure is the network or the server.
      const seen = bucket ? lastAnswer(bucket) : undefined;
      if (seen !== undefined) {
        return [h('p', { class: 'hint' }, `The connection dropped: ${b} answered this page ${fmtRelative(seen)}, so the endpoint and its CORS rule work. A network interruption or an overloaded server is likely; the next refresh tries again.`)];
      }
      return [
        h('p', { class: 'hint' }, `No answer from ${b}: the endpoint is unreachable, or ${b} has no CORS rule for this page (${location.origin}). The browser's developer console says which.`),
        h('details', { class: 'cors-rule' }, h('summary', null, `The CORS rule ${bucket ?? 'the bucket'} needs`),
          h('p', null, 'OSS console → Bucket → Content security → CORS, or PutBucketCors. (Also check that this page\'s Content-Security-Policy lists the endpoint in connect-src.)'),
          h('pre', { class: 'code' }, corsRuleXml())),
      ];
    }
    case 'AccessDenied':
      return [h('p', null, `The credentials were accepted but are not allowed to do this. The RAM policy behind the STS role needs on ${b}: ${RAM_ACTIONS.join(', ')}.`)];
    case 'InvalidAccessKeyId':
      return [h('p', null, 'OSS does not know this AccessKey ID: the credentials are wrong, or were pasted incompletely. Get a fresh STS triple.')];
    case 'SecurityTokenExpired':
    case 'InvalidSecurityToken':
      return [h('p', null, 'The STS token is expired or does not belong to this AccessKey ID. With a vending URL the page refreshes it automatically; pasted credentials must be pasted again.')];
    case 'SignatureDoesNotMatch':
      return [h('p', null, 'The AccessKey secret does not match the AccessKey ID (or a proxy changed the request).')];
    case 'RequestTimeTooSkewed':
      return [h('p', null, "This computer's clock is more than 15 minutes off OSS's clock.")];
    case 'CredentialsRefreshFailed':
      return [h('p', null, 'The page could not get STS credentials from the vending URL; see the message above.')];
    case 'NoSuchBucket':
      return [h('p', null, `Check the bucket name and the region: ${b} does not exist at this endpoint.`)];
    default:
      return [];
  }
}

/** Renders `err` into `box` (an element with role=alert) and shows it. */
export function showError(box, err, { title, bucket } = {}) {
  clear(box);
  const isOss = err instanceof OssError;
  const code = isOss ? err.code : err?.name ?? 'Error';
  const status = isOss && err.status > 0 ? `HTTP ${err.status}` : isOss ? 'no HTTP answer' : '';
  // Without an HTTP answer the page's own explanation (hint) is what helps; the transport's
  // wording and the facts stay one click away instead of filling the screen.
  const noAnswer = isOss && !(err.status > 0) && ['NetworkError', 'ClientTimeout', 'RequestTimeout'].includes(err.code);
  const message = h('p', { class: 'error-message' }, String(err?.message ?? err));
  box.append(h('p', { class: 'error-title' }, title ?? 'The request failed', ': ', h('strong', { class: 'error-code' }, code), status && ` (${status})`));
  if (!noAnswer) box.append(message);
  // What support asks for (the request ID) stays in sight; the rest is folded away.
  const facts = h('dl', { class: 'facts' });
  const tech = h('dl', { class: 'facts' });
  const fact = (list, label, value, cls) => {
    if (value === undefined || value === null || value === '') return;
    list.append(h('dt', null, label), h('dd', null, h('code', { class: cls }, String(value))));
  };
  if (isOss) {
    if (err.status > 0 || err.requestId) fact(facts, 'Request ID', err.requestId ?? '(none)', 'error-request-id');
    fact(tech, 'EC', err.ec);
    fact(tech, 'Host ID', err.hostId);
    fact(tech, 'Retryable', err.retryable ? 'yes' : 'no');
  }
  if (facts.childElementCount > 0) box.append(facts);
  if (isOss && typeof err.recommendDoc === 'string' && /^https:\/\//.test(err.recommendDoc)) {
    box.append(h('p', null, h('a', { href: err.recommendDoc, rel: 'noopener noreferrer', target: '_blank' }, 'Troubleshooting guide')));
  }
  if (isOss) box.append(...hint(err, bucket));
  if (noAnswer || tech.childElementCount > 0) {
    box.append(h('details', { class: 'tech' }, h('summary', null, 'Technical details'), noAnswer ? message : null, tech.childElementCount > 0 ? tech : null));
  }
  box.hidden = false;
}

/** Hides and empties an error box. */
export function hideError(box) {
  box.hidden = true;
  clear(box);
}

/** Shows a plain message (not an OssError) in an error box. */
export function showMessage(box, title, message) {
  clear(box);
  box.append(h('p', { class: 'error-title' }, h('strong', null, title)), h('p', { class: 'error-message' }, message));
  box.hidden = false;
}

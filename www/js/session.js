// The connection: settings plus a credential source, and a factory for per-bucket clients
// (the overview and the copy target need clients for other buckets with the same settings).

import { ReplicationClient } from '../../pkg/web/index.js';
import { trackedFetch } from './net.js';

export const session = {
  /** { bucket, region, endpoint, signatureVersion } */
  settings: null,
  /** StsUrlSource or StaticSource. */
  source: null,
  /** The client for the connected bucket. */
  client: null,
  /** Why the credentials stopped working (an OssError or a message), or null. */
  dead: null,
};

/**
 * Now on OSS's clock: the local clock plus the offset the library measured after a
 * RequestTimeTooSkewed (0 until then). Every time the page shows is on this clock.
 */
export function serverNow() {
  return Date.now() + clockOffset();
}

/** OSS's clock minus the local one, in ms (the connected client's measurement). */
export function clockOffset() {
  try {
    return Number(session.client?.clockOffset) || 0;
  } catch {
    return 0; // a freed client
  }
}

/** A client for `bucket` in `region` with the session's endpoint, signature and credentials. */
export function clientFor(bucket, region, settings = session.settings, source = session.source) {
  const options = {
    bucket,
    region,
    signatureVersion: settings.signatureVersion,
    // Tagged with the bucket: the page remembers which buckets answered (errors.js uses it
    // to tell a dropped connection from a missing CORS rule).
    fetch: (input, init) => trackedFetch(input, init, bucket),
    // Quick feedback on a page; the library still retries 5xx, throttling and network errors.
    timeout: 20_000,
    ...source.clientOptions(),
  };
  if (settings.endpoint) options.endpoint = settings.endpoint;
  return new ReplicationClient(options);
}

/** Replaces the session (freeing the previous client). */
export function setSession(settings, source, client) {
  endSession();
  Object.assign(session, { settings, source, client });
}

/** Forgets the credentials and the client. */
export function endSession() {
  session.client?.free();
  session.source?.forget();
  Object.assign(session, { settings: null, source: null, client: null, dead: null });
}

/** `cn-hangzhou` for `oss-cn-hangzhou` or `cn-hangzhou`. */
export function regionId(location) {
  return String(location ?? '').replace(/^oss-/, '');
}

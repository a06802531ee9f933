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
};

/** A client for `bucket` in `region` with the session's endpoint, signature and credentials. */
export function clientFor(bucket, region, settings = session.settings, source = session.source) {
  const options = {
    bucket,
    region,
    signatureVersion: settings.signatureVersion,
    fetch: trackedFetch,
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
  Object.assign(session, { settings: null, source: null, client: null });
}

/** `cn-hangzhou` for `oss-cn-hangzhou` or `cn-hangzhou`. */
export function regionId(location) {
  return String(location ?? '').replace(/^oss-/, '');
}

// STS credentials, in memory only. Two sources: a vending URL (the console backend's, or the
// emulator's /_emulator/sts) refreshed through the library's `refreshSTSToken` callback, or a
// pasted triple. Nothing here is ever written to storage, cookies or the URL.

import { trackedFetch } from './net.js';
import { serverNow } from './session.js';

/** Refetch when fewer than this many ms are left (the library itself refreshes 60 s ahead). */
const FRESH_MARGIN_MS = 90_000;

/** Maps the common STS JSON shapes (ours, AssumeRole's `Credentials`, ali-oss's) to the library's. */
export function parseStsJson(json) {
  const c = json && typeof json === 'object' && json.Credentials && typeof json.Credentials === 'object' ? json.Credentials : json;
  const pick = (...keys) => keys.map((k) => c?.[k]).find((v) => typeof v === 'string' && v !== '');
  const creds = {
    accessKeyId: pick('accessKeyId', 'AccessKeyId'),
    accessKeySecret: pick('accessKeySecret', 'AccessKeySecret'),
    stsToken: pick('securityToken', 'SecurityToken', 'stsToken'),
    expiration: pick('expiration', 'Expiration'),
  };
  const missing = ['accessKeyId', 'accessKeySecret', 'stsToken'].filter((k) => !creds[k]);
  if (missing.length > 0) {
    throw new Error(
      `the answer is JSON but has no ${missing.join(', ')} (expected {"accessKeyId", "accessKeySecret", "securityToken", "expiration"} or AssumeRole's {"Credentials": {...}})`,
    );
  }
  if (creds.expiration === undefined) delete creds.expiration;
  return creds;
}

/** Fetches and parses one set of credentials; errors say what went wrong in plain words. */
async function vend(url) {
  let resp;
  try {
    resp = await trackedFetch(url, { method: 'GET', cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (e) {
    throw new Error(
      `could not reach the STS vending URL ${url} (${e.message}): the server is down, the URL is wrong, or it does not allow CORS requests from ${location.origin}`,
    );
  }
  if (!resp.ok) {
    throw new Error(`the STS vending URL ${url} answered HTTP ${resp.status} ${resp.statusText}`.trim());
  }
  let json;
  try {
    json = await resp.json();
  } catch {
    throw new Error(`the STS vending URL ${url} did not answer with JSON`);
  }
  return parseStsJson(json);
}

/** Credentials from a vending URL, shared by every client the page creates. */
export class StsUrlSource {
  #current = null;
  #pending = null;

  constructor(url) {
    this.url = url;
    this.kind = 'url';
    /** How many times credentials were fetched. */
    this.fetches = 0;
    this.onChange = () => {};
  }

  get current() {
    return this.#current;
  }

  /** Expiry of the current credentials (epoch ms, OSS's clock), or undefined. */
  get expiresAt() {
    return expiryOf(this.#current);
  }

  #fresh(c) {
    if (!c.expiration) return true;
    // The expiration is OSS's time: compare with OSS's clock, not the local one.
    return Date.parse(c.expiration) - serverNow() > FRESH_MARGIN_MS;
  }

  /**
   * Credentials for a client that last received `prev`. A client asking again while
   * holding the current set means it needs new ones (expiry, interval, or OSS rejected
   * the token), so fetch; a new client gets the shared current set while it is fresh.
   */
  get(prev) {
    if (this.#pending) return this.#pending;
    if (this.#current && this.#current !== prev && this.#fresh(this.#current)) {
      return Promise.resolve(this.#current);
    }
    this.#pending = vend(this.url)
      .then((c) => {
        this.#current = c;
        this.fetches++;
        this.fetchedAt = new Date();
        this.onChange(this);
        return c;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  /** Client options: one refresh callback per client, remembering what it handed out. */
  clientOptions() {
    let last = null;
    return {
      refreshSTSToken: async () => {
        last = await this.get(last);
        return { ...last };
      },
    };
  }

  forget() {
    this.#current = null;
  }
}

/** Epoch ms of `creds.expiration`, or undefined when absent or unreadable. */
function expiryOf(creds) {
  const t = creds?.expiration === undefined ? NaN : Date.parse(creds.expiration);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * What the operator pasted: the whole STS JSON (ours, AssumeRole's, ali-oss's; it carries the
 * expiration) or the three fields. Throws an Error naming what is missing or malformed.
 */
export function parsePasted({ json, accessKeyId, accessKeySecret, stsToken }) {
  if (json.trim() !== '') {
    let doc;
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new Error(`the pasted STS JSON does not parse (${e.message})`);
    }
    return parseStsJson(doc);
  }
  if (!accessKeyId || !accessKeySecret || !stsToken) {
    throw new Error('Paste the STS JSON, or all three: AccessKey ID, secret and security token. Long-term AccessKey pairs (no token) do not belong in a browser.');
  }
  return { accessKeyId, accessKeySecret, stsToken };
}

/** A pasted STS triple (no refresh: when it expires, paste a new one). */
export class StaticSource {
  #creds;

  constructor(creds) {
    this.kind = 'paste';
    this.fetches = 0;
    this.#creds = { ...creds };
    this.onChange = () => {};
  }

  get current() {
    return this.#creds;
  }

  /** Expiry (epoch ms, OSS's clock) when the pasted JSON said, else undefined. */
  get expiresAt() {
    return expiryOf(this.#creds);
  }

  clientOptions() {
    const { accessKeyId, accessKeySecret, stsToken } = this.#creds;
    return { accessKeyId, accessKeySecret, stsToken };
  }

  forget() {
    this.#creds = {};
  }
}

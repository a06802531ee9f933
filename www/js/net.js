// Every request the page makes goes through `trackedFetch` (passed to the library as its
// `fetch` option): it counts requests in flight for the meter and keeps a short log, so an
// operator can see retries, error codes and request IDs. `limit` caps concurrent OSS calls.

/** Most OSS calls the page runs at once (across rules, copy and the overview). */
export const MAX_IN_FLIGHT = 6;

const LOG_SIZE = 60;

export const meter = {
  inFlight: 0,
  peak: 0,
  total: 0,
  /** Newest first: { time, method, path, status, code, requestId, ms }. */
  log: [],
  listeners: new Set(),
  /** Resets the peak (the overview reports its own run). */
  resetPeak() {
    this.peak = this.inFlight;
    notify();
  },
};

let scheduled = false;
function notify() {
  // Coalesce: hundreds of requests must not mean hundreds of renders.
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    for (const fn of meter.listeners) fn(meter);
  });
}

function describeUrl(url) {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return String(url);
  }
}

/** Bucket name -> local time (ms) of its last HTTP answer of any status. */
const answered = new Map();

/** When `bucket` last answered the page over HTTP (any status), or undefined if never. */
export function lastAnswer(bucket) {
  return answered.get(bucket);
}

/** `fetch` with accounting (`bucket`: whose request it is). Always calls the global fetch at call time. */
export async function trackedFetch(input, init = {}, bucket = undefined) {
  const url = typeof input === 'string' ? input : input.url;
  const entry = {
    time: new Date(),
    method: (init.method ?? 'GET').toUpperCase(),
    path: describeUrl(url),
    status: '…',
    code: '',
    requestId: '',
    ms: 0,
  };
  meter.inFlight++;
  meter.total++;
  meter.peak = Math.max(meter.peak, meter.inFlight);
  meter.log.unshift(entry);
  meter.log.length = Math.min(meter.log.length, LOG_SIZE);
  notify();
  const started = performance.now();
  try {
    const resp = await globalThis.fetch(input, init);
    entry.status = String(resp.status);
    if (bucket !== undefined) answered.set(bucket, Date.now());
    entry.requestId = resp.headers.get('x-oss-request-id') ?? '';
    if (!resp.ok && (resp.headers.get('content-type') ?? '').includes('xml')) {
      // Read the error code from a copy; the library reads the original.
      resp.clone().text().then((body) => {
        entry.code = /<Code>([^<]{1,80})<\/Code>/.exec(body)?.[1] ?? '';
        notify();
      }, () => {});
    }
    return resp;
  } catch (e) {
    entry.status = e?.name === 'AbortError' ? 'aborted' : 'network error';
    throw e;
  } finally {
    entry.ms = Math.round(performance.now() - started);
    meter.inFlight--;
    notify();
  }
}

/** A FIFO limiter: `run(fn)` starts `fn` when fewer than `max` are running. */
export function createLimiter(max) {
  let active = 0;
  const queue = [];
  const next = () => {
    while (active < max && queue.length > 0) {
      const { fn, resolve, reject } = queue.shift();
      active++;
      Promise.resolve()
        .then(fn)
        .then(resolve, reject)
        .finally(() => {
          active--;
          next();
        });
    }
  };
  const run = (fn) =>
    new Promise((resolve, reject) => {
      queue.push({ fn, resolve, reject });
      next();
    });
  run.pending = () => queue.length + active;
  return run;
}

/** The page-wide limiter for OSS calls. */
export const limit = createLimiter(MAX_IN_FLIGHT);

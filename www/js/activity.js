// The "Recent requests" table and the in-flight meter, fed by net.js.

import { h, $, clear, setText, fmtTime, zoneLabel, timeEl } from './dom.js';
import { meter, MAX_IN_FLIGHT } from './net.js';
import { clockOffset, serverNow } from './session.js';

export function startActivityView() {
  const tbody = $('activity-table').tBodies[0];
  meter.listeners.add(() => {
    // One clock for the whole page: OSS's (see session.serverNow), the zone named once in the header.
    const offset = clockOffset();
    const now = serverNow();
    setText($('activity-time-h'), `Time (${zoneLabel()})`);
    setText($('net-meter'), `${meter.inFlight} requests in flight now · peak ${meter.peak} (limit ${MAX_IN_FLIGHT}) · ${meter.total} requests since the page opened`);
    clear(tbody).append(
      ...meter.log.map((e) => {
        // GetBucketReplication on a bucket without rules answers 404: normal, not a failure.
        const noRules = e.code === 'NoSuchReplicationConfiguration';
        const failed = e.status !== '…' && !/^2/.test(e.status) && !noRules;
        return h('tr', { class: failed ? 'failed' : '' },
          h('td', { 'data-label': `Time (${zoneLabel()})` }, timeEl(e.time.getTime() + offset, fmtTime(e.time.getTime() + offset, { now, zone: false }))),
          h('td', { 'data-label': 'Request', class: 'card-wide' }, h('code', null, `${e.method} ${e.path}`)),
          h('td', { 'data-label': 'Status', class: 'status' }, e.code ? `${e.status} ${e.code}${noRules ? ' (no rules)' : ''}` : e.status),
          h('td', { 'data-label': 'Request ID' }, h('code', null, e.requestId)),
          h('td', { 'data-label': 'ms' }, String(e.ms)));
      }),
    );
  });
}

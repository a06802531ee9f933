// The "Recent requests" table and the in-flight meter, fed by net.js.

import { h, $, clear, setText, clock } from './dom.js';
import { meter, MAX_IN_FLIGHT } from './net.js';

export function startActivityView() {
  const tbody = $('activity-table').tBodies[0];
  meter.listeners.add(() => {
    setText($('net-meter'), `${meter.inFlight} requests in flight now · peak ${meter.peak} (limit ${MAX_IN_FLIGHT}) · ${meter.total} requests since the page opened`);
    clear(tbody).append(
      ...meter.log.map((e) => {
        // GetBucketReplication on a bucket without rules answers 404: normal, not a failure.
        const noRules = e.code === 'NoSuchReplicationConfiguration';
        const failed = e.status !== '…' && !/^2/.test(e.status) && !noRules;
        return h('tr', { class: failed ? 'failed' : '' },
          h('td', { 'data-label': 'Time' }, clock(e.time)),
          h('td', { 'data-label': 'Request' }, h('code', null, `${e.method} ${e.path}`)),
          h('td', { 'data-label': 'Status', class: 'status' }, e.code ? `${e.status} ${e.code}${noRules ? ' (no rules)' : ''}` : e.status),
          h('td', { 'data-label': 'Request ID' }, h('code', null, e.requestId)),
          h('td', { 'data-label': 'ms' }, String(e.ms)));
      }),
    );
  });
}

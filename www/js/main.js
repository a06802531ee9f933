// Boot: load the wasm, read the demo defaults (the emulator serves /emulator-config.json;
// any other static server does not, and the form then starts empty), wire the sections.

import init from '../../pkg/web/index.js';
import { h, $, clear, setText, fmtTime, fmtRelative } from './dom.js';
import { limit } from './net.js';
import { session, setSession, endSession, clientFor, regionId, serverNow, clockOffset } from './session.js';
import { StsUrlSource, StaticSource, parsePasted } from './credentials.js';
import { showError, hideError, showMessage } from './errors.js';
import { RulesView } from './rules.js';
import { RuleForm } from './rule-form.js';
import { CopyView } from './copy.js';
import { OverviewView } from './overview.js';
import { startActivityView } from './activity.js';
import { regionName } from './regions.js';
import { HealthView } from './health.js';
import { BacklogView } from './backlog.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-qingdao', 'cn-zhangjiakou', 'cn-shenzhen', 'cn-hongkong', 'us-west-1', 'us-east-1', 'ap-southeast-1', 'eu-central-1'];
const CONNECTED_SECTIONS = ['rules', 'health', 'backlog', 'create', 'copy', 'overview', 'activity'];
/** Pasted credentials: warn this long before they expire (they cannot be renewed). */
const WARN_BEFORE_MS = 5 * 60_000;
/** Answers that mean the credentials themselves no longer work (polling stops). */
const DEAD_CODES = new Set(['SecurityTokenExpired', 'InvalidSecurityToken', 'InvalidAccessKeyId', 'CredentialsRefreshFailed']);

/** The expiry of the last pasted STS JSON, kept with its token (the JSON box is emptied). */
let pastedExpiry = null;

/** Buckets the demo config lists: [{ name, location }]. */
let knownBuckets = [];

async function loadDemoDefaults() {
  try {
    const resp = await fetch('/emulator-config.json', { cache: 'no-store' });
    if (!resp.ok) return;
    const cfg = await resp.json();
    knownBuckets = Array.isArray(cfg.buckets) ? cfg.buckets.filter((b) => typeof b?.name === 'string') : [];
    const first = knownBuckets.find((b) => b.name === 'demo-hangzhou') ?? knownBuckets[0];
    if (typeof cfg.endpoint === 'string') $('c-endpoint').value = cfg.endpoint;
    if (typeof cfg.stsUrl === 'string') $('c-sts-url').value = cfg.stsUrl;
    if (first) {
      $('c-bucket').value = first.name;
      $('c-region').value = first.region ?? regionId(first.location);
    }
    clear($('known-buckets')).append(...knownBuckets.map((b) => h('option', { value: b.name }, b.location ?? '')));
  } catch {
    // Not served by the emulator: no defaults.
  }
}

/** Shows (or clears) the message under a connect field and marks the field invalid. */
function fieldError(id, message) {
  const el = $(id);
  el.textContent = message ?? '';
  el.hidden = !message;
  const control = document.getElementById(id.replace(/-err$/, ''));
  if (!control) return;
  if (message) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', id);
  } else {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
  }
}

/** Puts an options.* message from the library next to its connect field. */
function connectFieldError(err) {
  const m = /^options\.(bucket|region|endpoint)/.exec(err?.message ?? '');
  if (!m) return false;
  fieldError(`c-${m[1]}-err`, err.message);
  $(`c-${m[1]}`).focus();
  return true;
}

function readConnectForm() {
  const form = $('connect-form');
  return {
    settings: {
      bucket: $('c-bucket').value.trim(),
      region: regionId($('c-region').value.trim()),
      endpoint: $('c-endpoint').value.trim() || undefined,
      signatureVersion: form.querySelector('input[name=sigver]:checked').value,
    },
    mode: form.querySelector('input[name=credmode]:checked').value,
  };
}

/** Connected: the sections appear and the connect form folds away behind "Change connection". */
function showConnected(on) {
  for (const id of CONNECTED_SECTIONS) $(id).hidden = !on;
  $('nav').hidden = !on;
  $('connect-bar').hidden = !on;
  $('connect-form').hidden = on;
  $('change-conn').setAttribute('aria-expanded', 'false');
  setText($('connect-h'), on ? 'Connection' : 'Connect');
}

function describeCredentials() {
  const { settings, source } = session;
  if (!settings) return 'Not connected';
  const where = `${settings.bucket} (${settings.region}, ${settings.signatureVersion.toUpperCase()})`;
  if (session.dead) {
    const code = session.dead.code ? ` (${session.dead.code})` : '';
    return `Credentials for ${where} no longer work${code}: automatic refresh stopped. Paste new ones under Change connection.`;
  }
  if (source.kind === 'paste') return `Connected to ${where} with pasted STS credentials`;
  const fetched = source.fetchedAt ? fmtTime(source.fetchedAt.getTime() + clockOffset(), { now: serverNow() }) : 'never';
  return `Connected to ${where} · STS credentials fetched ${source.fetches}× (last at ${fetched})`;
}

/**
 * The expiry line under the status (updated every second, not a live region) and, for pasted
 * credentials that cannot be renewed, a warning shortly before they expire. Times are OSS's.
 */
function tickExpiry(views) {
  const line = $('conn-expiry');
  const warn = $('conn-warning');
  const { settings, source } = session;
  const exp = source?.expiresAt;
  if (!settings || session.dead) {
    line.hidden = true;
    warn.hidden = true;
    return;
  }
  const now = serverNow();
  const renew = source.kind === 'url' ? ' · renewed automatically' : '';
  if (exp === undefined) {
    setText(line, source.kind === 'paste' ? 'Expiry unknown (paste the whole STS JSON to see it)' : `Expiry not given by the vending URL${renew}`);
  } else {
    const left = exp - now;
    const when = fmtTime(exp, { now });
    const rest = left > 0 ? `Credentials expire ${fmtRelative(exp, now)} (${when})` : `Credentials expired at ${when}`;
    setText(line, `${rest}${renew}`);
    line.dataset.expiresAt = String(exp);
    if (source.kind === 'paste' && left <= 0) {
      credentialsDead(views, { code: 'SecurityTokenExpired', message: 'the pasted credentials expired' });
      return;
    }
    const warning = source.kind === 'paste' && left <= WARN_BEFORE_MS;
    // A fixed text (this is an alert region: a ticking countdown would be announced every second).
    if (warning) setText(warn, `The pasted credentials expire at ${when}: paste new ones under Change connection.`);
    warn.hidden = !warning;
  }
  line.hidden = false;
}

/** The credentials stopped working: stop every automatic request and say what to do. */
function credentialsDead(views, err) {
  if (!session.settings || session.dead) return;
  session.dead = { code: err?.code, message: err?.message };
  views.rules.stopPolling();
  views.overview.stopPolling();
  setText($('conn-status'), describeCredentials());
  $('conn-status').dataset.dead = 'true';
  tickExpiry(views);
  // Offer the form (not focused: the operator may be reading something else).
  $('connect-form').hidden = false;
  $('change-conn').setAttribute('aria-expanded', 'true');
  if (session.source.kind === 'paste') {
    for (const r of document.querySelectorAll('input[name=credmode]')) r.checked = r.value === 'paste';
    $('cred-url').hidden = true;
    $('cred-paste').hidden = false;
  }
}

/** Every failed call of the connected bucket's views passes through here. */
function onCallError(views, err) {
  if (DEAD_CODES.has(err?.code)) credentialsDead(views, err);
}

/** A call succeeded again (a manual refresh with renewed credentials): automatic reads resume. */
function onCallOk(views) {
  if (!session.dead) return;
  session.dead = null;
  delete $('conn-status').dataset.dead;
  setText($('conn-status'), describeCredentials());
  tickExpiry(views);
}

async function connect(views) {
  const box = $('connect-error');
  hideError(box);
  for (const id of ['c-bucket-err', 'c-region-err', 'c-endpoint-err', 'c-sts-url-err', 'c-paste-err']) fieldError(id, '');
  // The working connection stays until the new one has answered (a typo must not drop it).
  const previous = session.settings ? session.settings.bucket : null;
  const { settings, mode } = readConnectForm();
  let source;
  if (mode === 'url') {
    const url = $('c-sts-url').value.trim();
    if (!url) {
      fieldError('c-sts-url-err', 'Enter the URL of your STS vending endpoint.');
      $('c-sts-url').focus();
      return;
    }
    source = new StsUrlSource(url);
  } else {
    try {
      const creds = parsePasted({ json: $('c-json').value, accessKeyId: $('c-ak').value.trim(), accessKeySecret: $('c-sk').value.trim(), stsToken: $('c-token').value.trim() });
      // The JSON moves into the three fields (the secret then shows as dots, not in clear
      // text on a shared screen); its expiry stays with its token.
      if ($('c-json').value.trim() !== '') {
        $('c-ak').value = creds.accessKeyId;
        $('c-sk').value = creds.accessKeySecret;
        $('c-token').value = creds.stsToken;
        $('c-json').value = '';
        pastedExpiry = creds.expiration === undefined ? null : { stsToken: creds.stsToken, expiration: creds.expiration };
      } else if (creds.expiration === undefined && pastedExpiry?.stsToken === creds.stsToken) {
        creds.expiration = pastedExpiry.expiration;
      }
      source = new StaticSource(creds);
    } catch (e) {
      fieldError('c-paste-err', e.message);
      $($('c-json').value.trim() ? 'c-json' : $('c-ak').value.trim() ? ($('c-sk').value.trim() ? 'c-token' : 'c-sk') : 'c-json').focus();
      return;
    }
  }
  const button = $('connect-btn');
  button.disabled = true;
  setText($('conn-status'), previous ? `Connecting to ${settings.bucket}… (still connected to ${previous})` : 'Connecting…');
  const failed = () => setText($('conn-status'), previous ? `${describeCredentials()} · connecting to ${settings.bucket} failed (see Connection)` : 'Not connected');
  const title = (what) => (previous ? `${what}; still connected to ${previous}` : what);
  try {
    let client;
    try {
      client = clientFor(settings.bucket, settings.region, settings, source);
    } catch (e) {
      if (!connectFieldError(e)) showError(box, e, { title: title('Check the connection settings') });
      failed();
      return;
    }
    if (source.kind === 'url') {
      try {
        await source.get(null);
      } catch (e) {
        client.free();
        showMessage(box, title('Could not get STS credentials'), e.message);
        fieldError('c-sts-url-err', 'The STS vending URL did not give credentials (details below).');
        failed();
        return;
      }
    }
    // The first call proves the settings and credentials work.
    try {
      await limit(() => client.getBucketReplication());
    } catch (e) {
      client.free();
      showError(box, e, { title: title(`Connecting to ${settings.bucket} failed`), bucket: settings.bucket });
      failed();
      return;
    }
    views.rules.detach();
    views.overview.stop();
    setSession(settings, source, client);
    source.onChange = () => setText($('conn-status'), describeCredentials());
    delete $('conn-status').dataset.dead;
    setText($('conn-status'), describeCredentials());
    tickExpiry(views);
    showConnected(true);
    views.rules.attach(client, settings.bucket);
    views.health.reset(settings.bucket);
    views.backlog.reset();
    $('apply-region').value = settings.region;
    // Focus where the work starts (the form that had it is folded away now).
    $('rules-h').focus();
    await Promise.all([views.rules.refresh(), views.form.load()]);
  } finally {
    button.disabled = false;
  }
}

function disconnect(views, status = 'Not connected (credentials forgotten)') {
  views.rules.detach();
  views.overview.stop();
  views.backlog.reset();
  endSession();
  tickExpiry(views);
  showConnected(false);
  setText($('conn-status'), status);
}

async function main() {
  await init();
  await loadDemoDefaults();
  clear($('known-regions')).append(...REGIONS.map((r) => h('option', { value: r }, regionName(r) ?? '')));

  const views = {};
  const health = new HealthView();
  const backlog = new BacklogView({ getRules: () => rules.rules });
  const rules = new RulesView({
    onCallError: (e) => onCallError(views, e),
    onCallOk: () => onCallOk(views),
    onRead: (read) => {
      health.record(read);
      backlog.setRules(read.rules);
    },
    onEdit: (rule) => views.form.edit(rule),
    onBacklog: (id) => backlog.open(id),
  });
  const form = new RuleForm({
    knownBuckets: () => knownBuckets,
    existingRules: () => rules.rules,
    onCreated: () => rules.refresh(),
    onLocations: (routes) => rules.setRoutes(routes),
  });
  const copy = new CopyView({ getRules: () => rules.rules });
  const overview = new OverviewView({ onCallError: (e) => onCallError(views, e) });
  Object.assign(views, { rules, form, copy, overview, health, backlog });
  startActivityView();
  setInterval(() => tickExpiry(views), 1000);

  const modeChanged = () => {
    const paste = $('connect-form').querySelector('input[name=credmode]:checked').value === 'paste';
    $('cred-url').hidden = paste;
    $('cred-paste').hidden = !paste;
  };
  for (const r of document.querySelectorAll('input[name=credmode]')) r.addEventListener('change', modeChanged);
  $('c-bucket').addEventListener('change', () => {
    const known = knownBuckets.find((b) => b.name === $('c-bucket').value.trim());
    if (known) $('c-region').value = known.region ?? regionId(known.location);
  });
  $('apply-bucket').addEventListener('change', () => {
    const known = knownBuckets.find((b) => b.name === $('apply-bucket').value.trim());
    if (known) $('apply-region').value = known.region ?? regionId(known.location);
  });
  $('connect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    connect(views).catch((err) => showError($('connect-error'), err, { title: 'Connecting failed' }));
  });
  $('change-conn').addEventListener('click', () => {
    const form = $('connect-form');
    form.hidden = !form.hidden;
    $('change-conn').setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) $('c-bucket').focus();
  });
  $('disconnect-btn').addEventListener('click', () => {
    disconnect(views);
    // Also clear a pasted secret from the form: memory only, and only while needed.
    for (const id of ['c-json', 'c-ak', 'c-sk', 'c-token']) $(id).value = '';
    pastedExpiry = null;
    $('c-bucket').focus();
  });

  $('boot').hidden = true;
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const boot = $('boot');
  boot.className = 'error-box';
  boot.textContent = `The page could not start: ${e?.message ?? e}`;
});

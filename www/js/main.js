// Boot: load the wasm, read the demo defaults (the emulator serves /emulator-config.json;
// any other static server does not, and the form then starts empty), wire the sections.

import init from '../../pkg/web/index.js';
import { h, $, clear, setText, clock } from './dom.js';
import { limit } from './net.js';
import { session, setSession, endSession, clientFor, regionId } from './session.js';
import { StsUrlSource, StaticSource } from './credentials.js';
import { showError, hideError, showMessage } from './errors.js';
import { RulesView } from './rules.js';
import { RuleForm } from './rule-form.js';
import { CopyView } from './copy.js';
import { OverviewView } from './overview.js';
import { startActivityView } from './activity.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-qingdao', 'cn-zhangjiakou', 'cn-shenzhen', 'cn-hongkong', 'us-west-1', 'us-east-1', 'ap-southeast-1', 'eu-central-1'];
const CONNECTED_SECTIONS = ['rules', 'create', 'copy', 'overview', 'activity'];

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
  const c = source.current;
  const where = `${settings.bucket} (${settings.region}, ${settings.signatureVersion.toUpperCase()})`;
  if (source.kind === 'paste') return `Connected to ${where} with pasted STS credentials`;
  const exp = c?.expiration ? `, expire ${new Date(c.expiration).toLocaleTimeString([], { hour12: false })}` : '';
  return `Connected to ${where} · STS credentials fetched ${source.fetches}× (last at ${clock(source.fetchedAt)}${exp})`;
}

async function connect(views) {
  const box = $('connect-error');
  hideError(box);
  for (const id of ['c-bucket-err', 'c-region-err', 'c-endpoint-err', 'c-sts-url-err', 'c-paste-err']) fieldError(id, '');
  // A new connection replaces the old one: forget its credentials first.
  if (session.settings) disconnect(views, 'Not connected');
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
    const triple = { accessKeyId: $('c-ak').value.trim(), accessKeySecret: $('c-sk').value.trim(), stsToken: $('c-token').value.trim() };
    if (!triple.accessKeyId || !triple.accessKeySecret || !triple.stsToken) {
      fieldError('c-paste-err', 'Paste all three: AccessKey ID, secret and security token. Long-term AccessKey pairs (no token) do not belong in a browser.');
      $(triple.accessKeyId ? (triple.accessKeySecret ? 'c-token' : 'c-sk') : 'c-ak').focus();
      return;
    }
    source = new StaticSource(triple);
  }
  const button = $('connect-btn');
  button.disabled = true;
  setText($('conn-status'), 'Connecting…');
  try {
    let client;
    try {
      client = clientFor(settings.bucket, settings.region, settings, source);
    } catch (e) {
      if (!connectFieldError(e)) showError(box, e, { title: 'Check the connection settings' });
      setText($('conn-status'), 'Not connected');
      return;
    }
    if (source.kind === 'url') {
      try {
        await source.get(null);
      } catch (e) {
        client.free();
        showMessage(box, 'Could not get STS credentials', e.message);
        fieldError('c-sts-url-err', 'The STS vending URL did not give credentials (details below).');
        setText($('conn-status'), 'Not connected');
        return;
      }
    }
    // The first call proves the settings and credentials work.
    try {
      await limit(() => client.getBucketReplication());
    } catch (e) {
      client.free();
      showError(box, e, { title: `Connecting to ${settings.bucket} failed`, bucket: settings.bucket });
      setText($('conn-status'), 'Not connected');
      showConnected(false);
      return;
    }
    views.rules.detach();
    setSession(settings, source, client);
    source.onChange = () => setText($('conn-status'), describeCredentials());
    setText($('conn-status'), describeCredentials());
    showConnected(true);
    views.rules.attach(client, settings.bucket);
    $('apply-region').value = settings.region;
    await Promise.all([views.rules.refresh(), views.form.load()]);
  } finally {
    button.disabled = false;
  }
}

function disconnect(views, status = 'Not connected (credentials forgotten)') {
  views.rules.detach();
  views.overview.stop();
  endSession();
  showConnected(false);
  setText($('conn-status'), status);
}

async function main() {
  await init();
  await loadDemoDefaults();
  clear($('known-regions')).append(...REGIONS.map((r) => h('option', { value: r })));

  const rules = new RulesView();
  const form = new RuleForm({ knownBuckets: () => knownBuckets, onCreated: () => rules.refresh() });
  const copy = new CopyView({ getRules: () => rules.rules });
  const overview = new OverviewView();
  const views = { rules, form, copy, overview };
  startActivityView();

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
    for (const id of ['c-ak', 'c-sk', 'c-token']) $(id).value = '';
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

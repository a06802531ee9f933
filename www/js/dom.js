// A tiny DOM builder. Every string child becomes a Text node and attributes are set one by
// one, so server or user data can never be parsed as HTML (no innerHTML anywhere on the page).

/** Creates `<tag>` with `props` (attributes; `on` = event listeners; `text`; `class`) and children. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'hidden') {
      el[key] = value;
    } else if (/^on/i.test(key) || key === 'style' || key === 'srcdoc') {
      throw new Error(`h(): refusing to set ${key} as an attribute`);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends strings (as text), nodes and nested arrays; skips null/undefined/false. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Removes every child of `el`. */
export function clear(el) {
  el.replaceChildren();
  return el;
}

/** `document.getElementById`, failing loudly when the page and the code disagree. */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
}

/** Sets the text of `el` (the only way text is written into existing elements). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// Times: every time the page shows is on one clock (OSS's: the local clock plus the offset the
// library measured after RequestTimeTooSkewed, see session.serverNow) and in one format,
// `HH:MM:SS` in this computer's timezone with the zone named (`UTC+8`), the date added when
// it is not today. Relative forms ("5 s ago", "in 14 min") carry the absolute time on hover.

const pad = (n) => String(n).padStart(2, '0');

/** This computer's timezone as `UTC`, `UTC+8` or `UTC-3:30` (for the time `ms`). */
export function zoneLabel(ms = Date.now()) {
  const off = -new Date(ms).getTimezoneOffset();
  if (off === 0) return 'UTC';
  const a = Math.abs(off);
  return `UTC${off > 0 ? '+' : '-'}${Math.floor(a / 60)}${a % 60 ? `:${pad(a % 60)}` : ''}`;
}

/** `13:31:02 UTC+8`, or `2026-11-29 13:31:02 UTC+8` when `ms` is not today (`now`). */
export function fmtTime(ms, { now = Date.now(), zone = true } = {}) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const n = new Date(now);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const today = `${n.getFullYear()}-${pad(n.getMonth() + 1)}-${pad(n.getDate())}`;
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${day === today ? '' : `${day} `}${t}${zone ? ` ${zoneLabel(ms)}` : ''}`;
}

/** `just now`, `42 s ago`, `3 min ago`, `in 14 min`, `2 h ago`. */
export function fmtRelative(ms, now = Date.now()) {
  const d = Math.round((ms - now) / 1000);
  const a = Math.abs(d);
  if (a < 2) return 'just now';
  const span = a < 60 ? `${a} s` : a < 5400 ? `${Math.round(a / 60)} min` : a < 172800 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} days`;
  return d < 0 ? `${span} ago` : `in ${span}`;
}

/** A `<time>` showing `text`, with the ISO time in `datetime` and the absolute time on hover. */
export function timeEl(ms, text, props = {}) {
  const iso = new Date(ms).toISOString();
  return h('time', { datetime: iso, title: `${fmtTime(ms, { now: NaN })} (${iso})`, ...props }, text);
}

/** `1 error`, `2 errors`. */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

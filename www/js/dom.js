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

/** A short local time for tables. */
export function clock(date = new Date()) {
  return date.toLocaleTimeString([], { hour12: false });
}

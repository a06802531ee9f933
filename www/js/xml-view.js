// Indents an XML document for reading. The result is plain text (escaped back to the wire
// form) that the caller puts into a <pre> with textContent.

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function prettyXml(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return xml;
  const lines = [];
  const walk = (el, depth) => {
    const pad = '  '.repeat(depth);
    const kids = [...el.childNodes].filter((n) => n.nodeType === Node.ELEMENT_NODE || (n.nodeType === Node.TEXT_NODE && n.data.trim() !== ''));
    if (kids.length === 0) {
      lines.push(`${pad}<${el.nodeName}/>`);
    } else if (kids.every((n) => n.nodeType === Node.TEXT_NODE)) {
      lines.push(`${pad}<${el.nodeName}>${esc(el.textContent)}</${el.nodeName}>`);
    } else {
      lines.push(`${pad}<${el.nodeName}>`);
      for (const k of kids) {
        if (k.nodeType === Node.ELEMENT_NODE) walk(k, depth + 1);
        else lines.push(`${pad}  ${esc(k.data.trim())}`);
      }
      lines.push(`${pad}</${el.nodeName}>`);
    }
  };
  walk(doc.documentElement, 0);
  return lines.join('\n');
}

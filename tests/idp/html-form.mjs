// Reading the few HTML pages the headless browsers meet (the providers'
// sign-in forms, the stand-ins' signup and Admin Portal pages): entities,
// tag attributes and the first form. Shared by tests/idp/browser.mjs and
// sandbox/client.mjs. Not a general HTML parser.

export function decodeEntities(text) {
  return text
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&larr;/g, '\u2190')
    .replace(/&amp;/g, '&');
}

export function attributes(tag) {
  const attrs = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  // Skip the tag name itself.
  const body = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(body)) !== null) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

// The first form on the page: where it goes, its fields and its buttons.
export function firstForm(html) {
  const m = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!m) return null;
  const formAttrs = attributes(/<form\b[^>]*>/i.exec(m[0])[0]);
  const fields = [];
  const buttons = [];
  for (const tag of m[1].match(/<(input|button)\b[^>]*>/gi) ?? []) {
    const attrs = attributes(tag);
    const isButton = /^<button/i.test(tag) || ['submit', 'image'].includes((attrs.type ?? '').toLowerCase());
    if (isButton) {
      buttons.push(attrs);
    } else if (attrs.name !== undefined) {
      fields.push({ name: attrs.name, value: attrs.value ?? '', type: (attrs.type ?? 'text').toLowerCase() });
    }
  }
  return {
    action: formAttrs.action ?? '',
    method: (formAttrs.method ?? 'get').toUpperCase(),
    fields,
    buttons,
  };
}

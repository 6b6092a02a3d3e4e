// Small shared pieces of the sandbox's two web servers: escaping, the page
// frame with its "Sandbox" label, form bodies and random values.
//
// Pages are plain HTML with inline styles only: no scripts, no fonts, no
// images, nothing loaded from anywhere else.

import { randomBytes } from 'node:crypto';

const MAX_BODY_BYTES = 16 * 1024;

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; line-height: 1.45; }
  .sandbox-banner { background: #7a3e00; color: #fff; padding: .5rem 1rem; font-weight: 600; }
  header.brand { padding: .75rem 1rem; color: #fff; }
  main { max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
  section { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: 1rem 1.25rem; margin-bottom: 1.25rem; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  h2 { font-size: 1.2rem; margin: 0 0 .75rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; border: 1px solid #767676; border-radius: 4px; }
  button { font: inherit; padding: .5rem 1rem; margin: 1rem .5rem 0 0; border-radius: 4px; border: 1px solid #1b1b1b; cursor: pointer; }
  button.primary { background: #0b57d0; border-color: #0b57d0; color: #fff; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  code { font-family: ui-monospace, monospace; background: #f0f0f0; padding: .1rem .3rem; border-radius: 3px; word-break: break-all; }
  .error { border-color: #b3261e; }
  .error h1 { color: #b3261e; }
  .note { color: #444; font-size: .95rem; }
  .hint { margin: .25rem 0 0; }
  .field-error { color: #b3261e; font-weight: 600; margin: .35rem 0 0; }
  input[aria-invalid="true"] { border-color: #b3261e; border-width: 2px; }
`;

/**
 * A complete HTML page. `brand` names the service it stands in for and
 * `color` is its header colour; `body` is already-escaped HTML.
 */
export function page({ title, brand, color, body }) {
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`
    + '<div class="sandbox-banner" role="note">Sandbox: a local stand-in for rehearsals and tests. '
    + 'No real account, no real data.</div>'
    + `<header class="brand" style="background:${escapeHtml(color)}">${escapeHtml(brand)} (sandbox)</header>`
    + `<main>${body}</main></body></html>\n`;
}

export function sendHtml(res, status, html, headers = {}) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(html);
}

export function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(value)}\n`);
}

export function sendText(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

export function redirect(res, location, headers = {}) {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

/** The request body as text, refused past 16 KiB. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    let tooLarge = false;
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      if (tooLarge) return;
      body += chunk;
      if (body.length > MAX_BODY_BYTES) {
        tooLarge = true;
        reject(new Error('the form is too large'));
      }
    });
    req.on('end', () => {
      if (!tooLarge) resolve(body);
    });
    req.on('error', reject);
  });
}

/** `bytes` random bytes as base64url text. */
export function randomToken(bytes = 32) {
  return randomBytes(bytes).toString('base64url');
}

/** The value of cookie `name` in the request, or null. */
export function readCookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

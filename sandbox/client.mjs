// Test functions that drive the sandbox's stand-ins headlessly, the way an
// admin's browser would.
//
//   readApplicationSaved(adminConsoleUrl) -> {clientId, clientSecret}
//     fetches the Admin Portal page and reads the "Application Saved" values.
//
//   submitSignup(accountsBase, fields, {login, decline}) -> {instanceUrl, title, text}
//     fields: {domain, displayName, inviteCode, clientId, clientSecret}.
//     Loads the signup page, posts its form, follows every redirect by hand
//     with cookies through the JumpCloud stand-in's sign-in page (signing in
//     as `login`, default "admin@acme.example", or declining when `decline`
//     is true) and back to ConductorOne's callback. Resolves with the page it
//     ended on when that page is a success (2xx); otherwise throws a
//     SignupFailed error whose message holds the error page's text.
//
// Only loopback addresses are ever requested.

import { decodeEntities, firstForm } from '../tests/idp/html-form.mjs';

const MAX_STEPS = 30;
const REQUEST_TIMEOUT_MS = 15_000;
export const SANDBOX_LOGIN = 'admin@acme.example';

const SIGNUP_FIELDS = {
  domain: 'domain',
  displayName: 'display_name',
  inviteCode: 'invite_code',
  clientId: 'client_id',
  clientSecret: 'client_secret',
};

export class SignupFailed extends Error {
  constructor(message, { status, url, title, text }) {
    super(message);
    this.name = 'SignupFailed';
    this.status = status;
    this.url = url;
    this.title = title;
    this.text = text;
  }
}

function pageText(html) {
  const title = decodeEntities(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '').trim();
  // The page's own content, without the sandbox banner, when there is a <main>.
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html)?.[1] ?? html;
  const text = decodeEntities(
    main.replace(/<(style|script|title)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '),
  ).replace(/\s+/g, ' ').trim();
  return { title, text };
}

/** The text content of the element with `id`, or null. */
function elementText(html, id) {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`<([a-z0-9]+)\\b[^>]*\\bid="${escaped}"[^>]*>([\\s\\S]*?)</\\1>`, 'i').exec(html);
  return m ? decodeEntities(m[2].replace(/<[^>]+>/g, '')).trim() : null;
}

function assertLoopback(url) {
  const host = url.hostname.toLowerCase();
  if (!(host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(`the sandbox client only talks to loopback addresses, not ${url.href}`);
  }
}

/** Requests with redirects left to the caller and a cookie jar per host name,
 * as a browser keeps (ports share cookies). */
export class Browser {
  constructor() {
    this.jar = new Map();
  }

  async request(url, { method = 'GET', form = null } = {}) {
    assertLoopback(url);
    const headers = { accept: 'text/html', 'user-agent': 'c1-setup-sandbox-client' };
    const cookies = this.jar.get(url.hostname);
    if (cookies?.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method,
      headers,
      body: form ? form.toString() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    this.store(url, response);
    return { response, html: await response.text() };
  }

  store(url, response) {
    const cookies = this.jar.get(url.hostname) ?? new Map();
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const lower = attrs.join(';').toLowerCase();
      if (!value || /max-age=0\b|max-age=-/.test(lower) || lower.includes('expires=thu, 01 jan 1970')) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(url.hostname, cookies);
  }
}

/** Reads the Client ID and Client Secret from the Admin Portal's "Application Saved" panel. */
export async function readApplicationSaved(adminConsoleUrl) {
  const url = new URL(adminConsoleUrl);
  url.hash = '';
  const { response, html } = await new Browser().request(url);
  if (!response.ok) throw new Error(`the Admin Portal page answered ${response.status}`);
  const clientId = elementText(html, 'client-id');
  const clientSecret = elementText(html, 'client-secret');
  if (!clientId || !clientSecret) throw new Error('the Admin Portal page has no "Application Saved" values');
  return { clientId, clientSecret };
}

function fillLogin(form, login, decline) {
  const data = new URLSearchParams();
  for (const field of form.fields) data.append(field.name, field.name === 'login' ? login : field.value);
  const wanted = decline ? 'deny' : 'approve';
  const button = form.buttons.find((b) => b.name !== undefined && b.value === wanted);
  if (!button) throw new Error(`the sign-in page has no "${wanted}" button`);
  data.append(button.name, button.value);
  return data;
}

/** Submits ConductorOne's signup form and completes the JumpCloud sign-in. */
export async function submitSignup(accountsBase, fields, { login = SANDBOX_LOGIN, decline = false } = {}) {
  const browser = new Browser();
  const signupUrl = new URL('accounts/signup', accountsBase);
  const first = await browser.request(signupUrl);
  const signupForm = first.response.ok ? firstForm(first.html) : null;
  if (!signupForm) throw new Error(`the signup page ${signupUrl.href} has no form (HTTP ${first.response.status})`);

  const data = new URLSearchParams();
  for (const field of signupForm.fields) {
    const key = Object.keys(SIGNUP_FIELDS).find((k) => SIGNUP_FIELDS[k] === field.name);
    data.append(field.name, key && fields[key] !== undefined ? String(fields[key]) : field.value);
  }
  const missing = Object.values(SIGNUP_FIELDS).filter((name) => !signupForm.fields.some((f) => f.name === name));
  if (missing.length > 0) throw new Error(`the signup form lacks the fields ${missing.join(', ')}`);

  let url = new URL(signupForm.action || signupUrl.href, signupUrl);
  let method = signupForm.method;
  let form = data;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const { response, html } = await browser.request(url, { method, form });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      method = 'GET';
      form = null;
      continue;
    }
    const loginForm = response.ok && url.pathname.startsWith('/interaction/') ? firstForm(html) : null;
    if (loginForm) {
      form = fillLogin(loginForm, login, decline);
      url = new URL(loginForm.action || url.href, url);
      method = loginForm.method;
      continue;
    }
    const summary = { status: response.status, url: url.href, ...pageText(html) };
    if (response.ok) return { instanceUrl: url.href, title: summary.title, text: summary.text };
    throw new SignupFailed(`signup failed (HTTP ${response.status} at ${url.href}): ${summary.text}`, summary);
  }
  throw new Error(`the signup did not finish within ${MAX_STEPS} pages`);
}

// What an admin does with the sandbox's stand-ins in a browser, done by the
// headless browser (browser.mjs), for the sandbox's and the window's tests.
//
//   readApplicationSaved(adminConsoleUrl) -> {clientId, clientSecret}
//     fetches the Admin Portal page and reads the "Application Saved" values.
//
//   startSignup(accountsBase, {domain, displayName, inviteCode}, {login, decline, onRequest})
//       -> Signup
//     ConductorOne's signup page 1: loads it, fills in and submits its form,
//     and resolves once page 2 ("Setting up JumpCloud to work with
//     ConductorOne") shows. A refusal rejects with SignupFailed, whose
//     `field` ("domain", "display_name", "invite_code"), `code` ("required",
//     "invalid", "taken", "too_long") and `message` are ConductorOne's.
//
//   signup.finish({clientId, clientSecret}, {login, decline}) -> {instanceUrl, title, text}
//     page 2, in the same browser (same cookies): fills in the Client ID and
//     Client Secret, submits, and goes on through the JumpCloud stand-in's
//     sign-in page (signing in as `login`, default "admin@acme.example", or
//     declining when `decline` is true) and back to ConductorOne, which opens
//     the new instance's dashboard. A failure rejects with SignupFailed:
//     ConductorOne's error on page 2 (`field` "client_id", "client_secret" or
//     "form"; `code` e.g. "invalid_client", "access_denied", "required"), or
//     the page where the browser stopped (JumpCloud's error page, its sign-in
//     page for an unknown user: `field` null). Page 2 stays usable, so
//     `finish` may be called again.
//
//   readSignupPage(html) -> {page, fields, buttons, errors, domain, ...}
//     what a ConductorOne stand-in page shows (see below); signupPageFields(html)
//     gives just its form's field names.

import {
  Browser, attributes, decodeEntities, elementText, fillForm, firstForm, pageSummary,
} from './browser.mjs';

export const SANDBOX_LOGIN = 'admin@acme.example';

export const SIGNUP_FIELDS = {
  domain: 'domain',
  displayName: 'display_name',
  inviteCode: 'invite_code',
};

export const JUMPCLOUD_FIELDS = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
};

const MAX_REDIRECTS = 10;

export class SignupFailed extends Error {
  constructor(message, {
    status, url, title, text, page = null, errors = [],
  }) {
    super(message);
    this.name = 'SignupFailed';
    this.status = status;
    this.url = url;
    this.title = title;
    this.text = text;
    /** The ConductorOne page it ended on ("signup", "signup-jumpcloud", "signup-expired"), or null. */
    this.page = page;
    /** ConductorOne's errors on that page: [{field, code, message, fix}], in page order. */
    this.errors = errors;
    this.field = errors[0]?.field ?? null;
    this.code = errors[0]?.code ?? null;
    this.fix = errors[0]?.fix ?? null;
  }
}

function spanText(html, className) {
  const m = new RegExp(`<span class="${className}">([\\s\\S]*?)</span>`).exec(html);
  return m ? decodeEntities(m[1].replace(/<[^>]+>/g, '')).trim() : '';
}

/** The errors shown on a ConductorOne stand-in page: elements with `data-error`. */
export function signupErrors(html) {
  const errors = [];
  const re = /<([a-z0-9]+)\b([^>]*\bdata-error="[^"]*"[^>]*)>([\s\S]*?)<\/\1>/gi;
  let m;
  while ((m = re.exec(html)) !== null) {
    const attrs = attributes(`<${m[1]}${m[2]}>`);
    errors.push({
      field: attrs['data-error'],
      code: attrs['data-code'] ?? null,
      message: spanText(m[3], 'error-message'),
      fix: spanText(m[3], 'error-fix'),
    });
  }
  return errors;
}

/** The names of the fields of the page's form, in order ([] without a form). */
export function signupPageFields(html) {
  return firstForm(html)?.fields.map((f) => f.name) ?? [];
}

/**
 * What a ConductorOne stand-in page shows: `page` (its `data-page`:
 * "signup", "signup-jumpcloud", "signup-expired", "instance",
 * "instance-login", "marketing", or null for another page), `fields` (the
 * form's field names), `buttons` (the ids of its buttons), `errors`
 * ([{field, code, message, fix}]), and on page 2 `domain`, `displayName`,
 * `instanceUrl`, `redirectUri`, `loginUrl` and `expiresAt`.
 */
export function readSignupPage(html) {
  const section = /<section\b[^>]*\bdata-page="[^"]*"[^>]*>/i.exec(html);
  const attrs = section ? attributes(section[0]) : {};
  const form = firstForm(html);
  return {
    page: attrs['data-page'] ?? null,
    fields: form?.fields.map((f) => f.name) ?? [],
    buttons: form?.buttons.map((b) => b.id).filter(Boolean) ?? [],
    errors: signupErrors(html),
    domain: attrs['data-domain'] ?? elementText(html, 'signup-domain'),
    displayName: elementText(html, 'signup-display-name'),
    instanceUrl: elementText(html, 'signup-instance-url'),
    redirectUri: elementText(html, 'redirect-uri'),
    loginUrl: elementText(html, 'login-url'),
    expiresAt: attrs['data-expires-at'] ?? null,
  };
}

function failure(end) {
  const shown = readSignupPage(end.html ?? '');
  const first = shown.errors[0];
  const message = first
    ? first.message
    : `signup failed (HTTP ${end.status} at ${end.url}): ${end.text}`;
  return new SignupFailed(message, { ...end, page: shown.page, errors: shown.errors });
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

/** Loads `url` (or sends `form` there) and follows redirects, filling in nothing. */
async function load(browser, url, { method = 'GET', form = null } = {}) {
  let target = new URL(url);
  for (let i = 0; i <= MAX_REDIRECTS; i += 1) {
    const { response, html } = await browser.request(target, { method, form });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      target = new URL(location, target);
      method = 'GET';
      form = null;
      continue;
    }
    return {
      url: target.href, status: response.status, html, ...pageSummary(html),
    };
  }
  throw new Error(`too many redirects from ${url}`);
}

function typedValues(names, values) {
  const typed = {};
  for (const [key, name] of Object.entries(names)) {
    if (values[key] !== undefined) typed[name] = values[key];
  }
  return typed;
}

function requireFields(form, names, where) {
  const missing = Object.values(names).filter((name) => !form.fields.some((f) => f.name === name));
  if (missing.length > 0) throw new Error(`${where} lacks the fields ${missing.join(', ')}`);
}

/** Page 2 of a signup in progress, in its own browser. */
export class Signup {
  constructor(browser, end) {
    this.browser = browser;
    this.show(end);
  }

  show(end) {
    const shown = readSignupPage(end.html);
    this.url = end.url;
    this.html = end.html;
    this.title = end.title;
    this.text = end.text;
    this.domain = shown.domain;
    this.displayName = shown.displayName;
    this.instanceUrl = shown.instanceUrl;
    this.redirectUri = shown.redirectUri;
    this.loginUrl = shown.loginUrl;
    this.expiresAt = shown.expiresAt;
    this.form = firstForm(end.html);
  }

  /** Loads page 2 again (as a reload would); resolves with readSignupPage's view of it and its status. */
  async reload() {
    const end = await load(this.browser, this.url);
    const shown = readSignupPage(end.html);
    if (shown.page === 'signup-jumpcloud') this.show(end);
    return { status: end.status, url: end.url, ...shown };
  }

  /** Submits the Client ID and Client Secret and completes the JumpCloud sign-in. */
  async finish(credentials, { login = SANDBOX_LOGIN, decline = false } = {}) {
    requireFields(this.form, JUMPCLOUD_FIELDS, `page 2 (${this.url})`);
    this.browser.login = login;
    this.browser.decline = decline;
    this.browser.fields = {};
    const end = await this.browser.browse(new URL(this.form.action || this.url, this.url), {
      method: this.form.method,
      form: fillForm(this.form, { fields: typedValues(JUMPCLOUD_FIELDS, credentials), login }),
    });
    if (end.outcome !== 'page' && end.outcome !== 'callback') {
      throw new Error(`the signup did not finish (${end.outcome} at ${end.url})`);
    }
    const shown = readSignupPage(end.html);
    if (end.status >= 200 && end.status < 300 && shown.page === 'instance') {
      return { instanceUrl: end.url, title: end.title, text: end.text };
    }
    // Page 2 with its error: the admin is still on it and may try again.
    if (shown.page === 'signup-jumpcloud') this.show(end);
    throw failure(end);
  }
}

/** Fills in and submits ConductorOne's signup page 1; resolves with page 2. */
export async function startSignup(accountsBase, fields, { login = SANDBOX_LOGIN, decline = false, onRequest } = {}) {
  const browser = new Browser({ login, decline, onRequest });
  const signupUrl = new URL('accounts/signup', accountsBase);
  const first = await load(browser, signupUrl);
  const form = first.status === 200 ? firstForm(first.html) : null;
  if (!form) throw new Error(`the signup page ${signupUrl.href} has no form (HTTP ${first.status})`);
  requireFields(form, SIGNUP_FIELDS, `the signup page ${signupUrl.href}`);
  const end = await load(browser, new URL(form.action || first.url, first.url), {
    method: form.method,
    form: fillForm(form, { fields: typedValues(SIGNUP_FIELDS, fields), login }),
  });
  if (end.status === 200 && readSignupPage(end.html).page === 'signup-jumpcloud') {
    return new Signup(browser, end);
  }
  throw failure(end);
}

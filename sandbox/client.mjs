// What an admin does with the sandbox's stand-ins in a browser, done by the
// headless browser (browser.mjs), for the sandbox's and the window's tests.
//
//   readApplicationSaved(adminConsoleUrl) -> {clientId, clientSecret}
//     fetches the Admin Portal page and reads the "Application Saved" values.
//
//   submitSignup(accountsBase, fields, {login, decline}) -> {instanceUrl, title, text}
//     fields: {domain, displayName, inviteCode, clientId, clientSecret}.
//     Loads the signup page, posts its form, and goes on through the
//     JumpCloud stand-in's sign-in page (signing in as `login`, default
//     "admin@acme.example", or declining when `decline` is true) and back to
//     ConductorOne's callback. Resolves with the page it ended on when that
//     page is a success (2xx); otherwise throws a SignupFailed error whose
//     message holds the error page's text.

import { Browser, elementText, fillForm, firstForm } from './browser.mjs';

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

/** Submits ConductorOne's signup form and completes the JumpCloud sign-in. */
export async function submitSignup(accountsBase, fields, { login = SANDBOX_LOGIN, decline = false } = {}) {
  const browser = new Browser({ login, decline });
  const signupUrl = new URL('accounts/signup', accountsBase);
  const first = await browser.request(signupUrl);
  const signupForm = first.response.ok ? firstForm(first.html) : null;
  if (!signupForm) throw new Error(`the signup page ${signupUrl.href} has no form (HTTP ${first.response.status})`);
  const missing = Object.values(SIGNUP_FIELDS).filter((name) => !signupForm.fields.some((f) => f.name === name));
  if (missing.length > 0) throw new Error(`the signup form lacks the fields ${missing.join(', ')}`);

  const typed = {};
  for (const [key, name] of Object.entries(SIGNUP_FIELDS)) {
    if (fields[key] !== undefined) typed[name] = fields[key];
  }
  const end = await browser.browse(new URL(signupForm.action || signupUrl.href, signupUrl), {
    method: signupForm.method,
    form: fillForm(signupForm, { fields: typed, login }),
  });
  if (end.outcome !== 'page' && end.outcome !== 'callback') {
    throw new Error(`the signup did not finish (${end.outcome} at ${end.url})`);
  }
  if (end.status >= 200 && end.status < 300) return { instanceUrl: end.url, title: end.title, text: end.text };
  throw new SignupFailed(`signup failed (HTTP ${end.status} at ${end.url}): ${end.text}`, end);
}

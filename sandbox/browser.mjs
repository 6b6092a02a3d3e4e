// A headless stand-in for a web browser, for the tests of `c1-setup verify-sso`
// and of the window. Use it as the browser command:
//
//   BROWSER="node /abs/path/tests/idp/browser.mjs" c1-setup verify-sso ...
//
// It is started with the URL as its last argument, like any `$BROWSER`. It
// writes an `opened` log line, re-starts itself detached and exits 0 at once
// (the app watches the opener only briefly for a quick failure); the detached
// copy then loads the URL like a browser would: GET, redirects followed one by
// one, cookies kept per host, the provider's sign-in page filled in and
// submitted (tests/idp/server.mjs, and oidc-provider's own devInteractions
// login and consent pages), until it reaches a page that is neither a
// redirect nor a sign-in form, normally the assistant's loopback callback
// page, whose outcome it logs.
//
// Only loopback addresses (127.0.0.1, [::1], localhost) are loaded. Any other
// URL (e.g. the JumpCloud Admin Portal) is only recorded in the log.
//
// Environment:
//   C1_TEST_BROWSER_LOGIN    the account to sign in as (default "admin", the
//                            account tests/idp/server.mjs expects)
//   C1_TEST_BROWSER_DECLINE  "1": decline on the sign-in / consent page, so the
//                            provider answers access_denied
//   C1_TEST_BROWSER_IGNORE   "1": record the URL but never load it (an admin
//                            who walked away), for timeout and cancel tests
//   C1_TEST_BROWSER_FIELDS   values to type into forms by field name: a JSON
//                            object ({"domain":"acmeco",...}) or the path of a
//                            file holding one, read when the page is filled
//                            in (e.g. the sandbox's ConductorOne signup form);
//                            named fields take these values before any other
//                            rule, other fields are filled in as usual
//   C1_TEST_BROWSER_LOG      a file; one JSON object per line is appended:
//     {"event":"opened","url":...,"follow":true|false}   the URL it was given
//     {"event":"request","method":...,"url":...,"status":N}   every request
//     {"event":"finished","url":...,"status":N,"outcome":"callback"|"page",
//      "title":...,"text":...}                          the last page
//     {"event":"error","url":...,"message":...}          a request failed

import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeEntities, attributes, firstForm } from './html-form.mjs';

const CHILD_ENV = 'C1_TEST_BROWSER_DETACHED';
const MAX_STEPS = 40;
const REQUEST_TIMEOUT_MS = 20_000;

const env = process.env;
const login = env.C1_TEST_BROWSER_LOGIN || 'admin';
const decline = env.C1_TEST_BROWSER_DECLINE === '1';
const ignore = env.C1_TEST_BROWSER_IGNORE === '1';
const logFile = env.C1_TEST_BROWSER_LOG || '';
const fieldsSetting = (env.C1_TEST_BROWSER_FIELDS || '').trim();

function log(entry) {
  if (!logFile) return;
  try {
    appendFileSync(logFile, `${JSON.stringify({ ...entry, pid: process.pid, at: new Date().toISOString() })}\n`);
  } catch (err) {
    console.error(`test browser: cannot write ${logFile}: ${err.message}`);
  }
}

function isLoopback(url) {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function parseUrl(text) {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function isDeclineButton(button) {
  return /^(deny|decline|abort|cancel|reject)$/i.test(button.value ?? '');
}

// The C1_TEST_BROWSER_FIELDS values: inline JSON or a file of JSON.
function presetFields() {
  if (!fieldsSetting) return {};
  const text = fieldsSetting.startsWith('{') ? fieldsSetting : readFileSync(fieldsSetting, 'utf8');
  const value = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('C1_TEST_BROWSER_FIELDS must hold a JSON object');
  }
  return value;
}

// Fills in a sign-in or consent form. Returns null when the admin declines
// and the page has no decline button (the caller then looks for a cancel link).
function fillForm(form) {
  const data = new URLSearchParams();
  const preset = presetFields();
  for (const field of form.fields) {
    if (Object.hasOwn(preset, field.name)) {
      data.append(field.name, String(preset[field.name]));
    } else if (field.name === 'login' || field.type === 'email') {
      data.append(field.name, login);
    } else if (field.type === 'password') {
      data.append(field.name, field.value || 'password');
    } else if (['checkbox', 'radio'].includes(field.type)) {
      // Unchecked boxes are not sent, as in a browser.
    } else {
      data.append(field.name, field.value);
    }
  }
  const named = form.buttons.filter((b) => b.name !== undefined);
  const choice = decline
    ? named.find(isDeclineButton)
    : named.find((b) => !isDeclineButton(b));
  if (decline && !choice) return null;
  if (choice) data.append(choice.name, choice.value ?? '');
  return data;
}

function cancelLink(html, base) {
  for (const tag of html.match(/<a\b[^>]*>/gi) ?? []) {
    const href = attributes(tag).href;
    if (href && /\/abort\b|cancel/i.test(href)) return new URL(href, base);
  }
  return null;
}

function pageSummary(html) {
  const title = decodeEntities(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '').trim();
  const text = decodeEntities(
    html
      .replace(/<(style|script|title)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' '),
  ).replace(/\s+/g, ' ').trim();
  return { title, text: text.slice(0, 4000) };
}

// Cookies per host name, as a browser keeps them (ports share cookies).
const jar = new Map();

function storeCookies(url, response) {
  const host = url.hostname;
  const cookies = jar.get(host) ?? new Map();
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attrs] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const lower = attrs.join(';').toLowerCase();
    const expired = /max-age=0\b|max-age=-/.test(lower) || lower.includes('expires=thu, 01 jan 1970');
    if (!value || expired) cookies.delete(name);
    else cookies.set(name, value);
  }
  jar.set(host, cookies);
}

function cookieHeader(url) {
  const cookies = jar.get(url.hostname);
  if (!cookies || cookies.size === 0) return null;
  return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function browse(start) {
  let url = start;
  let method = 'GET';
  let body = null;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (!isLoopback(url)) {
      log({ event: 'finished', url: url.href, status: 0, outcome: 'left_loopback', title: '', text: '' });
      return;
    }
    const headers = { 'user-agent': 'c1-setup-test-browser', accept: 'text/html' };
    const cookie = cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    let response;
    let html;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      html = await response.text();
    } catch (err) {
      log({ event: 'error', url: url.href, message: String(err?.cause?.message ?? err?.message ?? err) });
      return;
    }
    log({ event: 'request', method, url: url.href, status: response.status });
    storeCookies(url, response);

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      method = 'GET';
      body = null;
      continue;
    }

    const form = response.ok ? firstForm(html) : null;
    if (form && !url.pathname.endsWith('/callback')) {
      const data = fillForm(form);
      if (data === null) {
        const link = cancelLink(html, url);
        if (!link) {
          log({ event: 'finished', url: url.href, status: response.status, outcome: 'no_decline_option', ...pageSummary(html) });
          return;
        }
        url = link;
        method = 'GET';
        body = null;
        continue;
      }
      const target = new URL(form.action || url.href, url);
      if (form.method === 'POST') {
        method = 'POST';
        body = data.toString();
        url = target;
      } else {
        target.search = data.toString();
        method = 'GET';
        body = null;
        url = target;
      }
      continue;
    }

    const outcome = url.pathname.endsWith('/callback') ? 'callback' : 'page';
    log({ event: 'finished', url: url.href, status: response.status, outcome, ...pageSummary(html) });
    return;
  }
  log({ event: 'finished', url: url.href, status: 0, outcome: 'too_many_steps', title: '', text: '' });
}

const target = process.argv[process.argv.length - 1];

if (process.argv.length < 3) {
  console.error('usage: node browser.mjs <url>');
  process.exit(2);
}

if (env[CHILD_ENV] !== '1') {
  const url = parseUrl(target);
  const follow = Boolean(url) && ['http:', 'https:'].includes(url.protocol) && isLoopback(url) && !ignore;
  log({ event: 'opened', url: target, follow });
  if (follow) {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), target], {
      detached: true,
      stdio: 'ignore',
      env: { ...env, [CHILD_ENV]: '1' },
    });
    child.unref();
  }
  process.exit(0);
} else {
  browse(new URL(target)).then(
    () => process.exit(0),
    (err) => {
      log({ event: 'error', url: target, message: String(err?.stack ?? err) });
      process.exit(1);
    },
  );
}

// The headless stand-in for a web browser, shared by the tests, the sandbox
// and the benchmark. Only loopback addresses (127.0.0.1, [::1], localhost)
// are ever loaded.
//
// As a module: `new Browser({login, decline, fields, onRequest})` loads pages
// like a browser would: GET, redirects followed one by one, cookies kept per
// host, and any form on a page filled in and submitted (the providers'
// sign-in page at /interaction/<uid>: a `login` field and a `decision` of
// `approve` or `deny`; the ConductorOne stand-in's two signup pages), until
// it reaches a page that is neither a redirect nor a form to fill in (a form
// is only filled in on a 2xx page, so a page that shows a form again with an
// error ends the browsing), normally a loopback callback page, an instance's
// dashboard or a page that refuses. `firstForm`, `fillForm`,
// `pageSummary` and `elementText` read the few HTML pages it meets.
//
// As a command, for `c1-setup verify-sso` and the window's tests:
//
//   BROWSER="node /abs/path/sandbox/browser.mjs" c1-setup verify-sso ...
//
// It is started with the URL as its last argument, like any `$BROWSER`. It
// writes an `opened` log line, re-starts itself detached and exits 0 at once
// (the app watches the opener only briefly for a quick failure); the detached
// copy then browses from the URL as above and logs the page it ends on. Any
// URL that is not a loopback one (e.g. the JumpCloud Admin Portal) is only
// recorded in the log.
//
// Environment:
//   C1_TEST_BROWSER_LOGIN    the account to sign in as (default "admin", the
//                            account sandbox/idp-server.mjs expects)
//   C1_TEST_BROWSER_DECLINE  "1": decline on the sign-in / consent page, so the
//                            provider answers access_denied
//   C1_TEST_BROWSER_IGNORE   "1": record the URL but never load it (an admin
//                            who walked away), for timeout and cancel tests
//   C1_TEST_BROWSER_FIELDS   values to type into forms by field name: a JSON
//                            object ({"domain":"acmeco",...}) or the path of a
//                            file holding one, read when the page is filled
//                            in (e.g. the sandbox's ConductorOne signup: page 1
//                            takes `domain`, `display_name` and `invite_code`,
//                            page 2 `client_id` and `client_secret`; one object
//                            holds the values of both pages); named fields
//                            take these values before any other rule, other
//                            fields are filled in as usual
//   C1_TEST_BROWSER_LOG      a file; one JSON object per line is appended:
//     {"event":"opened","url":...,"follow":true|false}   the URL it was given
//     {"event":"request","method":...,"url":...,"status":N}   every request
//     {"event":"finished","url":...,"status":N,"outcome":"callback"|"page",
//      "title":...,"text":...}                          the last page
//     {"event":"error","url":...,"message":...}          a request failed

import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAX_STEPS = 40;
const REQUEST_TIMEOUT_MS = 20_000;

// Reading HTML: entities, tag attributes, the first form and the page's
// text. Enough for the pages the stand-ins and the assistant serve; not a
// general HTML parser.

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

/** The first form on the page: where it goes, its fields and its buttons. */
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

/** The page's title and text: the text of its <main> when it has one (the
 * stand-ins' pages, without their "Sandbox" banner), else of the whole page. */
export function pageSummary(html) {
  const title = decodeEntities(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '').trim();
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html)?.[1] ?? html;
  const text = decodeEntities(
    main.replace(/<(style|script|title)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '),
  ).replace(/\s+/g, ' ').trim();
  return { title, text };
}

/** The text content of the element with `id`, or null. */
export function elementText(html, id) {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`<([a-z0-9]+)\\b[^>]*\\bid="${escaped}"[^>]*>([\\s\\S]*?)</\\1>`, 'i').exec(html);
  return m ? decodeEntities(m[2].replace(/<[^>]+>/g, '')).trim() : null;
}

export function isLoopback(url) {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isDeclineButton(button) {
  return /^(deny|decline|abort|cancel|reject)$/i.test(button.value ?? '');
}

/**
 * The form data an admin would submit: `fields` (by field name) first, then
 * `login` in the `login` or e-mail field, a password, boxes left unchecked,
 * every other field as it is; and the approving button, or the declining
 * one when `decline` is set. Null when the admin declines and the form has
 * no declining button.
 */
export function fillForm(form, { fields = {}, login = 'admin', decline = false } = {}) {
  const data = new URLSearchParams();
  for (const field of form.fields) {
    if (Object.hasOwn(fields, field.name)) {
      data.append(field.name, String(fields[field.name]));
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

/** A request that got no answer (refused, timed out). */
export class RequestFailed extends Error {
  constructor(url, cause) {
    super(String(cause?.cause?.message ?? cause?.message ?? cause));
    this.name = 'RequestFailed';
    this.url = url.href;
  }
}

/**
 * Options: `login` (default "admin") and `decline` for sign-in pages;
 * `fields`, form values by field name (an object, or a function that gives
 * one when a form is filled in); `onRequest({method, url, status})` after
 * every request.
 */
export class Browser {
  constructor({ login = 'admin', decline = false, fields = {}, onRequest = () => {} } = {}) {
    this.login = login;
    this.decline = decline;
    this.fields = fields;
    this.onRequest = onRequest;
    // Cookies per host name, as a browser keeps them (ports share cookies).
    this.jar = new Map();
  }

  /** One request, redirects left to the caller. Resolves with `{response, html}`. */
  async request(url, { method = 'GET', form = null } = {}) {
    if (!isLoopback(url)) throw new Error(`the headless browser only loads loopback addresses, not ${url.href}`);
    const headers = { accept: 'text/html', 'user-agent': 'c1-setup-test-browser' };
    const cookies = this.jar.get(url.hostname);
    if (cookies?.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    let response;
    let html;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: form ? form.toString() : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      html = await response.text();
    } catch (err) {
      throw new RequestFailed(url, err);
    }
    this.onRequest({ method, url: url.href, status: response.status });
    this.storeCookies(url, response);
    return { response, html };
  }

  storeCookies(url, response) {
    const cookies = this.jar.get(url.hostname) ?? new Map();
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
    this.jar.set(url.hostname, cookies);
  }

  /**
   * Loads `start` (or sends `form` there) and goes on like a browser until a
   * page that is neither a redirect nor a form to fill in. Resolves with
   * `{outcome, url, status, title, text, html}`; `outcome` is "callback" (a page
   * at a .../callback address), "page", "left_loopback", "no_decline_option"
   * or "too_many_steps". Rejects with RequestFailed when a request fails.
   */
  async browse(start, { method = 'GET', form = null } = {}) {
    let url = new URL(start);
    for (let step = 0; step < MAX_STEPS; step += 1) {
      if (!isLoopback(url)) {
        return {
          outcome: 'left_loopback', url: url.href, status: 0, title: '', text: '', html: '',
        };
      }
      const { response, html } = await this.request(url, { method, form });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        method = 'GET';
        form = null;
        continue;
      }
      const callback = url.pathname.endsWith('/callback');
      const page = response.ok && !callback ? firstForm(html) : null;
      if (!page) {
        return {
          outcome: callback ? 'callback' : 'page', url: url.href, status: response.status, ...pageSummary(html), html,
        };
      }
      const fields = typeof this.fields === 'function' ? this.fields() : this.fields;
      const data = fillForm(page, { fields, login: this.login, decline: this.decline });
      if (data === null) {
        const link = cancelLink(html, url);
        if (!link) {
          return {
            outcome: 'no_decline_option', url: url.href, status: response.status, ...pageSummary(html), html,
          };
        }
        url = link;
        method = 'GET';
        form = null;
        continue;
      }
      const target = new URL(page.action || url.href, url);
      if (page.method === 'POST') {
        method = 'POST';
        form = data;
      } else {
        target.search = data.toString();
        method = 'GET';
        form = null;
      }
      url = target;
    }
    return {
      outcome: 'too_many_steps', url: url.href, status: 0, title: '', text: '', html: '',
    };
  }
}

// The command.

const CHILD_ENV = 'C1_TEST_BROWSER_DETACHED';

function parseUrl(text) {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function runCommand(argv, env) {
  const logFile = env.C1_TEST_BROWSER_LOG || '';
  const log = (entry) => {
    if (!logFile) return;
    try {
      appendFileSync(logFile, `${JSON.stringify({ ...entry, pid: process.pid, at: new Date().toISOString() })}\n`);
    } catch (err) {
      console.error(`test browser: cannot write ${logFile}: ${err.message}`);
    }
  };
  if (argv.length < 3) {
    console.error('usage: node browser.mjs <url>');
    process.exit(2);
  }
  const target = argv[argv.length - 1];

  if (env[CHILD_ENV] !== '1') {
    const url = parseUrl(target);
    const follow = Boolean(url) && ['http:', 'https:'].includes(url.protocol) && isLoopback(url)
      && env.C1_TEST_BROWSER_IGNORE !== '1';
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
  }

  // C1_TEST_BROWSER_FIELDS: inline JSON or a file of JSON, read when a form is filled in.
  const fieldsSetting = (env.C1_TEST_BROWSER_FIELDS || '').trim();
  const fields = () => {
    if (!fieldsSetting) return {};
    const text = fieldsSetting.startsWith('{') ? fieldsSetting : readFileSync(fieldsSetting, 'utf8');
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('C1_TEST_BROWSER_FIELDS must hold a JSON object');
    }
    return value;
  };
  const browser = new Browser({
    login: env.C1_TEST_BROWSER_LOGIN || 'admin',
    decline: env.C1_TEST_BROWSER_DECLINE === '1',
    fields,
    onRequest: (request) => log({ event: 'request', ...request }),
  });
  browser.browse(target).then(
    ({ html, ...end }) => {
      log({ event: 'finished', ...end, text: end.text.slice(0, 4000) });
      process.exit(0);
    },
    (err) => {
      if (err instanceof RequestFailed) {
        log({ event: 'error', url: err.url, message: err.message });
        process.exit(0);
      }
      log({ event: 'error', url: target, message: String(err?.stack ?? err) });
      process.exit(1);
    },
  );
}

function startedAsCommand() {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (startedAsCommand()) runCommand(process.argv, process.env);

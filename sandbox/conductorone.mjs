// The ConductorOne stand-in: its two signup pages and what ConductorOne's
// server does behind them, like the real signup.
//
// Page 1 (`SIGNUP_PATH`) takes Domain, Display name and Invite code and
// checks them: the invite code (case-sensitive), the domain's format, and
// that nobody has the domain yet (an instance here, or a name in the
// `takenDomains` list). A refusal shows page 1 again, HTTP 400, with the
// error at its field. On success a signup session starts (an HttpOnly
// cookie; nothing secret in any URL) and the browser goes on to page 2.
//
// Page 2 (`SIGNUP_JUMPCLOUD_PATH`), "Setting up JumpCloud to work with
// ConductorOne", shows the domain being created and the values to enter in
// JumpCloud, and takes the Client ID and Client Secret. It stays usable for
// the session's lifetime (2 hours by default). Its submit runs a real
// OpenID Connect login against the identity provider with those values
// (authorization code flow, `client_secret_post`, state + nonce + PKCE S256,
// its own callback `<accounts_base>auth/callback`). Only after the code
// exchange and the ID token check succeed does the instance exist; the
// browser then goes to its dashboard. A failure brings the browser back to
// page 2, which shows the error once, with the error's status.
//
// Routes:
//   GET  /                              303 to page 1
//   GET  /accounts/signup               page 1
//   POST /accounts/signup               303 to page 2 (sets the session cookie), or page 1 again (400)
//   GET  /accounts/signup/jumpcloud     page 2 (without a session: "start again", 400)
//   POST /accounts/signup/jumpcloud     303 to JumpCloud's authorize URL, or page 2 again (400)
//   GET  /auth/callback                 303 to the new instance, or 303 back to page 2 with the error
//   GET  /instances/<domain>/           the dashboard once created; before, 404 (or, with
//                                       unknownInstances "redirect", 302 to /marketing/)
//   GET  /instances/<domain>/login      the instance's sign-in page once created (same before)
//   GET  /marketing/                    ConductorOne's home page (not an instance)
//   GET  /sandbox/state                 JSON for tests: instances, signups in progress,
//                                       taken domains, the unknown-instance mode
//
// Stable markers for tests: every page's <section> has `data-page`
// ("signup", "signup-jumpcloud", "signup-expired", "instance",
// "instance-login", "marketing"); fields and buttons have ids; each error is
// an element with `data-error` (the field it belongs to, or "form" or
// "session") and `data-code` (what is wrong).

import { createHash, createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import {
  escapeHtml, page, randomToken, readBody, readCookie, redirect, sendHtml, sendJson, sendText,
} from './html.mjs';

const BRAND = 'ConductorOne';
const COLOR = '#3b1f6b';
const FLOW_TTL_MS = 10 * 60 * 1000;
const CLOCK_SKEW_S = 60;
const FETCH_TIMEOUT_MS = 10_000;
const DISPLAY_NAME_MAX = 100;

export const SIGNUP_PATH = '/accounts/signup';
export const SIGNUP_JUMPCLOUD_PATH = '/accounts/signup/jumpcloud';
export const CALLBACK_PATH = '/auth/callback';
export const MARKETING_PATH = '/marketing/';
export const STATE_PATH = '/sandbox/state';
/** The signup session cookie (HttpOnly, SameSite=Lax, Path=/). */
export const SIGNUP_COOKIE = 'c1_signup_session';
/** How long page 2 stays usable after page 1. */
export const SIGNUP_TTL_MS = 2 * 60 * 60 * 1000;
/** What an unknown instance address answers: 404, or a redirect to the home page. */
export const UNKNOWN_INSTANCE_MODES = ['404', 'redirect'];
/** The query of the Login URL to enter in JumpCloud. */
export const LOGIN_QUERY = 'sso_operation=initiate_login';

/** One DNS label: a-z, 0-9 and '-', 1 to 63 characters, no '-' at either end. */
export function isDnsLabel(text) {
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(text);
}

/** A sandbox invite code: `SBX-` and 12 characters of mixed case. */
export function generateInviteCode() {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
  let code = '';
  while (code.length < 12) {
    for (const ch of randomToken(24)) {
      if (code.length < 12 && alphabet.includes(ch)) code += ch;
    }
  }
  // Make sure at least one lower-case letter is there, so case matters.
  if (!/[a-z]/.test(code)) code = `${code.slice(0, 11)}k`;
  return `SBX-${code}`;
}

function sameText(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A refusal, shown on a signup page: `field` is where (a field name, "form"
 * or "session"), `code` what (stable, for tests), `message` and `fix` the
 * words.
 */
class SignupError extends Error {
  constructor(status, message, fix, { field = 'form', code = 'error' } = {}) {
    super(message);
    this.status = status;
    this.fix = fix;
    this.field = field;
    this.code = code;
  }
}

function base64urlJson(part, what) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new SignupError(502, `JumpCloud's ID token ${what} is not readable.`, 'This is a fault of the identity provider; try the signup again.', { code: 'id_token' });
  }
}

/**
 * Checks an ID token the way ConductorOne's server does: RS256 signature with
 * a key from the provider's JWKS (`jwks.keys`), then `iss`, `aud` (and `azp`
 * when there are several audiences), `nonce`, `exp` and `iat`.
 * Returns the claims. `now` is in seconds.
 */
export function verifyIdToken(token, { jwks, issuer, clientId, nonce, now = Date.now() / 1000 }) {
  const bad = (what) => new SignupError(502, `JumpCloud's ID token was refused: ${what}.`, 'Check that the Client ID is the one of the ConductorOne application in JumpCloud, then try the signup again.', { code: 'id_token' });
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) throw bad('it is not a signed JWT');
  const header = base64urlJson(parts[0], 'header');
  const claims = base64urlJson(parts[1], 'content');
  if (header.alg !== 'RS256') throw bad(`it is signed with ${header.alg ?? 'no algorithm'}, not RS256`);
  const candidates = (jwks?.keys ?? []).filter((k) => k.kty === 'RSA' && (!header.kid || k.kid === header.kid) && (!k.use || k.use === 'sig'));
  if (candidates.length === 0) throw bad('its signing key is not among the provider\'s published keys');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const valid = candidates.some((jwk) => {
    try {
      return verifySignature('sha256', signed, createPublicKey({ key: jwk, format: 'jwk' }), signature);
    } catch {
      return false;
    }
  });
  if (!valid) throw bad('its signature does not match');
  if (claims.iss !== issuer) throw bad(`it was issued by ${claims.iss}, not ${issuer}`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(clientId)) throw bad('it was issued for another application');
  if (audiences.length > 1 && claims.azp !== clientId) throw bad('it was issued for another application (azp)');
  if (typeof claims.nonce !== 'string' || !sameText(claims.nonce, nonce)) throw bad('its nonce does not match this signup');
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_S < now) throw bad('it has expired');
  if (typeof claims.iat !== 'number' || claims.iat - CLOCK_SKEW_S > now) throw bad('it was issued in the future');
  return claims;
}

async function fetchJson(url, what) {
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (err) {
    throw new SignupError(502, `ConductorOne could not reach JumpCloud (${what}): ${err.cause?.message ?? err.message}.`, 'Make sure the sandbox is still running, then try again.', { code: 'unreachable' });
  }
  if (!response.ok) {
    throw new SignupError(502, `JumpCloud answered ${response.status} for its ${what}.`, 'Make sure the sandbox is still running, then try again.', { code: 'unreachable' });
  }
  return response.json();
}

function tokenError(status, body) {
  const code = body?.error ?? `HTTP ${status}`;
  if (code === 'invalid_client') {
    return new SignupError(401, 'JumpCloud refused the Client ID and Client Secret (invalid_client).',
      'Copy the Client Secret again from JumpCloud\'s "Application Saved" popup, with nothing before or after it, '
      + 'and check that the application\'s Client Authentication Type is "Client Secret POST".',
    { field: 'client_secret', code: 'invalid_client' });
  }
  if (code === 'invalid_grant') {
    return new SignupError(400, 'JumpCloud refused the sign-in code (invalid_grant): it expired or was already used.',
      'Click "Sign up with JumpCloud" again.', { code: 'invalid_grant' });
  }
  return new SignupError(502, `JumpCloud's token endpoint answered ${code}${body?.error_description ? `: ${body.error_description}` : ''}.`,
    'Check the application\'s SSO settings in JumpCloud (redirect URI and Client Authentication Type), then try again.',
    { code: 'token_error' });
}

function authorizeError(error, description) {
  if (error === 'access_denied') {
    return new SignupError(403, 'JumpCloud denied the sign-in (access_denied).',
      'In JumpCloud, on the ConductorOne application\'s User Groups tab, select a group that you are a member of, save, and try again.',
      { code: 'access_denied' });
  }
  return new SignupError(400, `JumpCloud ended the sign-in with ${error}${description ? `: ${description}` : ''}.`,
    'Check the ConductorOne application\'s SSO settings in JumpCloud, then try again.', { code: 'authorize_error' });
}

// The pages.

function errorNote(err) {
  return `<p class="field-error" id="error-${escapeHtml(err.field)}" data-error="${escapeHtml(err.field)}" `
    + `data-code="${escapeHtml(err.code)}" role="alert"><span class="error-message">${escapeHtml(err.message)}</span> `
    + `<span class="error-fix">${escapeHtml(err.fix)}</span></p>`;
}

/** A labelled input with its hint and, when it has one, its error right below it. */
function inputField({
  name, label, type = 'text', value = '', extra = '', hint = '', errors = [],
}) {
  const err = errors.find((e) => e.field === name);
  const describedBy = [hint && `hint-${name}`, err && `error-${name}`].filter(Boolean).join(' ');
  return `<label for="${name}">${label}</label>`
    + `<input id="${name}" name="${name}" type="${type}" required`
    + (type === 'password' ? '' : ` value="${escapeHtml(value)}"`)
    + (describedBy ? ` aria-describedby="${describedBy}"` : '')
    + (err ? ' aria-invalid="true"' : '')
    + `${extra}>`
    + (hint ? `<p class="hint note" id="hint-${name}">${hint}</p>` : '')
    + (err ? errorNote(err) : '');
}

function formErrors(errors, fields) {
  return errors.filter((e) => !fields.includes(e.field)).map(errorNote).join('');
}

function signupHtml({ instanceTemplate, values = {}, errors = [] }) {
  const example = escapeHtml(instanceTemplate.replace('{domain}', '<domain>'));
  const fields = ['domain', 'display_name', 'invite_code'];
  return page({
    title: `${errors.length ? 'Error: ' : ''}Sign up - ConductorOne (sandbox)`,
    brand: BRAND,
    color: COLOR,
    body: '<section data-page="signup" aria-labelledby="signup-title">'
      + '<h1 id="signup-title">Create your ConductorOne instance</h1>'
      + '<p>Choose the address of your ConductorOne instance, then sign up with JumpCloud.</p>'
      + formErrors(errors, fields)
      + `<form id="signup-form" method="post" action="${SIGNUP_PATH}">`
      + inputField({
        name: 'domain', label: 'Domain', value: values.domain, errors,
        extra: ' autocomplete="off" spellcheck="false" autocapitalize="none"',
        hint: `Your instance's address: <code>${example}</code>. Lowercase letters, digits and hyphens.`,
      })
      + inputField({
        name: 'display_name', label: 'Display name', value: values.displayName, errors,
        extra: ' autocomplete="organization"', hint: 'Your company\'s name.',
      })
      + inputField({
        name: 'invite_code', label: 'Invite code', errors,
        extra: ' autocomplete="off" spellcheck="false" autocapitalize="none"',
        hint: 'The invite code is case-sensitive. The sandbox printed it when it started.',
      })
      + '<button id="signup-submit" class="primary" type="submit">Sign up with JumpCloud</button></form></section>',
  });
}

function jumpCloudSetupHtml({
  session, redirectUri, instanceUrl, loginUrl, clientId = '', errors = [],
}) {
  const expires = new Date(session.expires).toISOString();
  const fields = ['client_id', 'client_secret'];
  return page({
    title: `${errors.length ? 'Error: ' : ''}Setting up JumpCloud to work with ConductorOne (sandbox)`,
    brand: BRAND,
    color: COLOR,
    body: `<section data-page="signup-jumpcloud" data-domain="${escapeHtml(session.domain)}" data-expires-at="${expires}" aria-labelledby="jumpcloud-title">`
      + '<h1 id="jumpcloud-title">Setting up JumpCloud to work with ConductorOne</h1>'
      + `<p>Creating <strong id="signup-display-name">${escapeHtml(session.displayName)}</strong>'s ConductorOne instance `
      + `<strong id="signup-domain">${escapeHtml(session.domain)}</strong>, at <code id="signup-instance-url">${escapeHtml(instanceUrl)}</code>.</p>`
      + '<p>Leave this page open. In another tab, create a Custom OIDC app in JumpCloud\'s Admin Portal with these values, '
      + 'then come back here with its Client ID and Client Secret.</p>'
      + '<table id="jumpcloud-values"><tbody>'
      + `<tr><th scope="row">Redirect URI</th><td><code id="redirect-uri">${escapeHtml(redirectUri)}</code></td></tr>`
      + '<tr><th scope="row">Client Authentication Type</th><td id="client-auth-type">Client Secret POST</td></tr>'
      + `<tr><th scope="row">Login URL</th><td><code id="login-url">${escapeHtml(loginUrl)}</code></td></tr>`
      + '<tr><th scope="row">User Attribute Mapping</th><td><code>email</code> &larr; <code>email</code></td></tr>'
      + '</tbody></table>'
      + formErrors(errors, fields)
      + `<form id="jumpcloud-form" method="post" action="${SIGNUP_JUMPCLOUD_PATH}">`
      + inputField({
        name: 'client_id', label: 'Client ID', value: clientId, errors,
        extra: ' autocomplete="off" spellcheck="false" autocapitalize="none"',
      })
      + inputField({
        name: 'client_secret', label: 'Client Secret', type: 'password', errors, extra: ' autocomplete="off"',
      })
      + '<button id="jumpcloud-submit" class="primary" type="submit">Sign up with JumpCloud</button></form>'
      + `<p class="note" id="signup-expires">This page stays usable until <time datetime="${expires}">${expires.slice(11, 16)} UTC</time>.</p>`
      + '</section>',
  });
}

function restartHtml(err) {
  return page({
    title: 'Start the signup again - ConductorOne (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: '<section data-page="signup-expired" class="error" aria-labelledby="restart-title">'
      + '<h1 id="restart-title">Start your signup again</h1>'
      + errorNote(err)
      + `<p><a id="restart-signup" href="${SIGNUP_PATH}">Go to the signup page</a></p></section>`,
  });
}

function sessionError(code) {
  const messages = {
    missing: 'This page belongs to a signup that was not started in this browser.',
    expired: 'This signup has expired.',
    state: 'This sign-in answer does not belong to a signup in progress (unknown or expired state).',
    browser: 'This sign-in answer arrived in a different browser than the signup.',
  };
  return new SignupError(400, messages[code], 'Start again from the signup page: enter the domain, display name and invite code.',
    { field: 'session', code });
}

function instanceHtml(instance) {
  return page({
    title: `Welcome to ${instance.display_name} - ConductorOne (sandbox)`,
    brand: BRAND,
    color: COLOR,
    body: `<section data-page="instance" data-instance="${escapeHtml(instance.domain)}">`
      + `<h1>Welcome to ${escapeHtml(instance.display_name)}</h1>`
      + `<p>Your ConductorOne instance <code>${escapeHtml(instance.domain)}</code> is ready.</p>`
      + `<p>Signed in with JumpCloud as <strong>${escapeHtml(instance.email)}</strong>.</p>`
      + '<p class="note">Next in ConductorOne: connect your user directory.</p></section>',
  });
}

function instanceLoginHtml(instance) {
  return page({
    title: `Sign in to ${instance.display_name} - ConductorOne (sandbox)`,
    brand: BRAND,
    color: COLOR,
    body: `<section data-page="instance-login" data-instance="${escapeHtml(instance.domain)}">`
      + `<h1>Sign in to ${escapeHtml(instance.display_name)}</h1>`
      + '<p>This ConductorOne instance signs you in with JumpCloud.</p>'
      + `<p><a id="instance-dashboard" href="${escapeHtml(instance.url)}">Go to the dashboard</a></p></section>`,
  });
}

function marketingHtml() {
  return page({
    title: 'ConductorOne: identity governance (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: '<section data-page="marketing"><h1>Identity governance for every app</h1>'
      + '<p>ConductorOne automates access reviews, access requests and provisioning.</p>'
      + `<p><a id="marketing-signup" href="${SIGNUP_PATH}">Sign up</a></p></section>`,
  });
}

/**
 * The ConductorOne stand-in's request handler. `accountsBase` is this
 * server's own address with a trailing slash; `instanceTemplate` contains
 * `{domain}` and points at this server's /instances/<domain>/.
 * `takenDomains`: domains refused as taken though no instance has them.
 * `unknownInstances`: "404" (default) or "redirect" (302 to the home page
 * `<accountsBase>marketing/`) for an instance address nobody has.
 * `signupTtlMs`: how long page 2 stays usable (default 2 hours).
 * `log(line)` gets one line per signup event, never a secret.
 */
export function createConductorOne({
  accountsBase, issuer, inviteCode, instanceTemplate, takenDomains = [], unknownInstances = '404',
  signupTtlMs = SIGNUP_TTL_MS, log = () => {},
}) {
  if (!UNKNOWN_INSTANCE_MODES.includes(unknownInstances)) {
    throw new Error(`unknownInstances must be one of ${UNKNOWN_INSTANCE_MODES.join(', ')}, not "${unknownInstances}"`);
  }
  const taken = new Set(takenDomains.map((d) => String(d).trim().toLowerCase()));
  for (const domain of taken) {
    if (!isDnsLabel(domain)) throw new Error(`the taken domain "${domain}" is not one DNS label`);
  }
  const callbackUri = new URL(CALLBACK_PATH.slice(1), accountsBase).href;
  const marketingUrl = new URL(MARKETING_PATH.slice(1), accountsBase).href;
  const instanceUrlOf = (domain) => instanceTemplate.replace('{domain}', domain);
  const loginUrlOf = (domain) => `${instanceUrlOf(domain)}login?${LOGIN_QUERY}`;
  const sessions = new Map();
  const flows = new Map();
  const instances = new Map();
  let discovery = null;

  const isTaken = (domain) => instances.has(domain) || taken.has(domain);
  const sessionCookie = (id, maxAgeS) => `${SIGNUP_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}`;

  async function providerMetadata() {
    if (!discovery) {
      const meta = await fetchJson(new URL('.well-known/openid-configuration', issuer), 'discovery document');
      if (meta.issuer !== issuer) {
        throw new SignupError(502, `JumpCloud's discovery document names the issuer ${meta.issuer}, not ${issuer}.`, 'Check the issuer address.',
          { code: 'issuer' });
      }
      discovery = meta;
    }
    return discovery;
  }

  function prune() {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (now >= session.expires) sessions.delete(id);
    }
    for (const [state, flow] of flows) {
      if (now - flow.created > FLOW_TTL_MS || !sessions.has(flow.sessionId)) flows.delete(state);
    }
  }

  /** The request's signup session, or the SignupError saying why there is none. */
  function currentSession(req) {
    prune();
    const id = readCookie(req, SIGNUP_COOKIE);
    if (!id) return { problem: sessionError('missing') };
    const session = sessions.get(id);
    return session ? { session } : { problem: sessionError('expired') };
  }

  function showSetup(res, status, session, errors = []) {
    sendHtml(res, status, jumpCloudSetupHtml({
      session,
      redirectUri: callbackUri,
      instanceUrl: instanceUrlOf(session.domain),
      loginUrl: loginUrlOf(session.domain),
      clientId: session.clientId,
      errors,
    }));
  }

  function refuse(session, err) {
    log(`signup${session ? ` for "${session.domain}"` : ''} refused (${err.field}/${err.code}): ${err.message}`);
  }

  async function submitSignup(req, res) {
    const form = new URLSearchParams(await readBody(req));
    const typedDomain = (form.get('domain') ?? '').trim();
    const values = {
      domain: typedDomain.toLowerCase(),
      displayName: (form.get('display_name') ?? '').trim(),
      inviteCode: form.get('invite_code') ?? '',
    };
    const errors = [];
    const refuseField = (field, code, message, fix) => errors.push(new SignupError(400, message, fix, { field, code }));
    if (!values.domain) {
      refuseField('domain', 'required', 'Enter a domain.', 'It becomes the address of your instance, e.g. "acmeco".');
    } else if (!isDnsLabel(values.domain)) {
      refuseField('domain', 'invalid', `"${values.domain}" cannot be used as a domain.`,
        'Use only letters a-z, digits and hyphens (1 to 63 characters, not starting or ending with a hyphen), e.g. "acmeco".');
    }
    if (!values.displayName) {
      refuseField('display_name', 'required', 'Enter a display name.', 'Use your company\'s name.');
    } else if (values.displayName.length > DISPLAY_NAME_MAX) {
      refuseField('display_name', 'too_long', 'The display name is too long.', `Use at most ${DISPLAY_NAME_MAX} characters.`);
    }
    if (!values.inviteCode) {
      refuseField('invite_code', 'required', 'Enter your invite code.', 'ConductorOne sends it to you before the signup.');
    } else if (!sameText(values.inviteCode, inviteCode)) {
      refuseField('invite_code', 'invalid', 'This invite code is not valid.',
        'Type the invite code exactly as you received it: it is case-sensitive.');
    }
    // Only someone with a valid invite code learns whether a domain is taken.
    if (errors.length === 0 && isTaken(values.domain)) {
      refuseField('domain', 'taken', `The domain "${values.domain}" is already taken.`, 'Choose another domain.');
    }
    if (errors.length > 0) {
      for (const err of errors) refuse(null, err);
      sendHtml(res, 400, signupHtml({ instanceTemplate, values: { ...values, domain: typedDomain }, errors }));
      return;
    }
    const previous = readCookie(req, SIGNUP_COOKIE);
    if (previous) sessions.delete(previous);
    prune();
    const now = Date.now();
    const session = {
      id: randomToken(32),
      domain: values.domain,
      displayName: values.displayName,
      created: now,
      expires: now + signupTtlMs,
      clientId: '',
      error: null,
    };
    sessions.set(session.id, session);
    log(`signup for "${session.domain}" started; next: ${SIGNUP_JUMPCLOUD_PATH}`);
    redirect(res, SIGNUP_JUMPCLOUD_PATH, { 'set-cookie': sessionCookie(session.id, Math.ceil(signupTtlMs / 1000)) });
  }

  function setupPage(req, res) {
    const { session, problem } = currentSession(req);
    if (!session) {
      sendHtml(res, problem.status, restartHtml(problem));
      return;
    }
    // An error from the sign-in is shown once, with its status.
    const pending = session.error;
    session.error = null;
    showSetup(res, pending?.status ?? 200, session, pending ? [pending] : []);
  }

  async function submitSetup(req, res) {
    const body = await readBody(req);
    const { session, problem } = currentSession(req);
    if (!session) {
      refuse(null, problem);
      sendHtml(res, problem.status, restartHtml(problem));
      return;
    }
    const form = new URLSearchParams(body);
    const clientId = (form.get('client_id') ?? '').trim();
    const clientSecret = form.get('client_secret') ?? '';
    session.clientId = clientId;
    const errors = [];
    if (!clientId) {
      errors.push(new SignupError(400, 'Enter the Client ID.', 'Copy it from JumpCloud\'s "Application Saved" popup.', { field: 'client_id', code: 'required' }));
    }
    if (!clientSecret) {
      errors.push(new SignupError(400, 'Enter the Client Secret.', 'Copy it from JumpCloud\'s "Application Saved" popup.', { field: 'client_secret', code: 'required' }));
    }
    if (errors.length === 0 && isTaken(session.domain)) {
      errors.push(new SignupError(409, `The domain "${session.domain}" was taken in the meantime.`, 'Start again from the signup page with another domain.',
        { code: 'domain_taken' }));
    }
    if (errors.length > 0) {
      for (const err of errors) refuse(session, err);
      showSetup(res, errors[0].status, session, errors);
      return;
    }
    let meta;
    try {
      meta = await providerMetadata();
    } catch (err) {
      if (!(err instanceof SignupError)) throw err;
      refuse(session, err);
      showSetup(res, err.status, session, [err]);
      return;
    }
    prune();
    const state = randomToken();
    const flow = {
      sessionId: session.id,
      clientId,
      clientSecret,
      nonce: randomToken(),
      verifier: randomToken(48),
      created: Date.now(),
    };
    flows.set(state, flow);
    const authorize = new URL(meta.authorization_endpoint);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callbackUri,
      scope: 'openid email profile',
      state,
      nonce: flow.nonce,
      code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    log(`signup for "${session.domain}": signing in with JumpCloud (client ${clientId})`);
    redirect(res, authorize.href);
  }

  /** The code exchange and the ID token check; resolves with the new instance. */
  async function completeLogin(session, flow, params) {
    if (Date.now() - flow.created > FLOW_TTL_MS) {
      throw new SignupError(400, 'The sign-in with JumpCloud took too long.', 'Click "Sign up with JumpCloud" again.', { code: 'timeout' });
    }
    const meta = await providerMetadata();
    const iss = params.get('iss');
    if (meta.authorization_response_iss_parameter_supported && iss !== issuer) {
      throw new SignupError(400, `The sign-in answer came from ${iss ?? 'an unnamed issuer'}, not ${issuer}.`, 'Click "Sign up with JumpCloud" again.',
        { code: 'issuer' });
    }
    if (params.get('error')) {
      throw authorizeError(params.get('error'), params.get('error_description'));
    }
    const code = params.get('code');
    if (!code) throw new SignupError(400, 'The sign-in answer has no code.', 'Click "Sign up with JumpCloud" again.', { code: 'no_code' });

    let response;
    try {
      response = await fetch(meta.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: callbackUri,
          client_id: flow.clientId,
          client_secret: flow.clientSecret,
          code_verifier: flow.verifier,
        }).toString(),
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (err) {
      throw new SignupError(502, `ConductorOne could not reach JumpCloud's token endpoint: ${err.cause?.message ?? err.message}.`,
        'Make sure the sandbox is still running, then try again.', { code: 'unreachable' });
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) throw tokenError(response.status, body);
    if (typeof body?.id_token !== 'string') {
      throw new SignupError(502, 'JumpCloud answered without an ID token.', 'Check that the application is an OIDC application with the openid scope.',
        { code: 'id_token' });
    }
    const jwks = await fetchJson(meta.jwks_uri, 'signing keys');
    const claims = verifyIdToken(body.id_token, {
      jwks, issuer, clientId: flow.clientId, nonce: flow.nonce,
    });
    if (typeof claims.email !== 'string' || !claims.email.includes('@')) {
      throw new SignupError(502, 'JumpCloud did not send your e-mail address.',
        'In the ConductorOne application\'s SSO tab, map the attribute "email" to JumpCloud\'s "email" and tick the Email scope.',
        { code: 'no_email' });
    }
    if (isTaken(session.domain)) {
      throw new SignupError(409, `The domain "${session.domain}" was taken in the meantime.`, 'Start again from the signup page with another domain.',
        { code: 'domain_taken' });
    }
    return {
      domain: session.domain,
      display_name: session.displayName,
      url: instanceUrlOf(session.domain),
      email: claims.email,
      client_id: flow.clientId,
      created_at: new Date().toISOString(),
    };
  }

  async function callback(req, res, url) {
    const params = url.searchParams;
    const state = params.get('state') ?? '';
    prune();
    const flow = flows.get(state);
    if (!flow) {
      const err = sessionError('state');
      refuse(null, err);
      sendHtml(res, err.status, restartHtml(err));
      return;
    }
    flows.delete(state);
    const cookie = readCookie(req, SIGNUP_COOKIE);
    if (!cookie || !sameText(cookie, flow.sessionId)) {
      const err = sessionError('browser');
      refuse(null, err);
      sendHtml(res, err.status, restartHtml(err));
      return;
    }
    const session = sessions.get(flow.sessionId);
    let instance;
    try {
      instance = await completeLogin(session, flow, params);
    } catch (err) {
      if (!(err instanceof SignupError)) throw err;
      refuse(session, err);
      // Back to page 2, which shows the error once.
      session.error = err;
      redirect(res, SIGNUP_JUMPCLOUD_PATH);
      return;
    }
    instances.set(instance.domain, instance);
    sessions.delete(session.id);
    log(`instance "${instance.domain}" created for ${instance.email}: ${instance.url}`);
    redirect(res, instance.url, { 'set-cookie': sessionCookie('', 0) });
  }

  function instancePage(res, path) {
    const match = /^\/instances\/([^/]+)(\/.*)?$/.exec(path);
    let instance;
    try {
      instance = match ? instances.get(decodeURIComponent(match[1])) : undefined;
    } catch {
      instance = undefined;
    }
    if (!instance) {
      if (unknownInstances === 'redirect') {
        res.writeHead(302, { location: marketingUrl, 'cache-control': 'no-store' });
        res.end();
      } else {
        sendText(res, 404, 'No ConductorOne instance here (yet).');
      }
      return;
    }
    if (match[2] === undefined) {
      redirect(res, `${path}/`);
    } else if (match[2] === '/login') {
      sendHtml(res, 200, instanceLoginHtml(instance));
    } else {
      sendHtml(res, 200, instanceHtml(instance));
    }
  }

  function stateJson() {
    prune();
    return {
      instances: [...instances.values()],
      signups: [...sessions.values()].map((s) => ({
        domain: s.domain,
        display_name: s.displayName,
        started_at: new Date(s.created).toISOString(),
        expires_at: new Date(s.expires).toISOString(),
      })),
      taken_domains: [...taken],
      unknown_instances: unknownInstances,
    };
  }

  function fail(res, err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof SignupError) {
      refuse(null, err);
      sendHtml(res, err.status, restartHtml(err));
      return;
    }
    const tooLarge = /too large/.test(err.message);
    if (!tooLarge) console.error(`sandbox conductorone: ${err.message}`);
    sendHtml(res, tooLarge ? 413 : 500, restartHtml(new SignupError(500,
      tooLarge ? 'The form is too large.' : 'Something went wrong in the sandbox.',
      'Try again; restart the sandbox if it keeps happening.', { code: tooLarge ? 'too_large' : 'internal' })));
  }

  const ROUTES = [
    SIGNUP_PATH, SIGNUP_JUMPCLOUD_PATH, CALLBACK_PATH, STATE_PATH, MARKETING_PATH, '/marketing', '/',
  ];

  return function handle(req, res) {
    const url = new URL(req.url, accountsBase);
    const path = url.pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    const post = req.method === 'POST';
    let work = null;
    if (path === '/' && get) {
      redirect(res, SIGNUP_PATH);
    } else if (path === SIGNUP_PATH && get) {
      sendHtml(res, 200, signupHtml({ instanceTemplate }));
    } else if (path === SIGNUP_PATH && post) {
      work = submitSignup(req, res);
    } else if (path === SIGNUP_JUMPCLOUD_PATH && get) {
      setupPage(req, res);
    } else if (path === SIGNUP_JUMPCLOUD_PATH && post) {
      work = submitSetup(req, res);
    } else if (path === CALLBACK_PATH && get) {
      work = callback(req, res, url);
    } else if (path.startsWith('/instances/') && get) {
      instancePage(res, path);
    } else if (path === MARKETING_PATH && get) {
      sendHtml(res, 200, marketingHtml());
    } else if (path === '/marketing' && get) {
      redirect(res, MARKETING_PATH);
    } else if (path === STATE_PATH && get) {
      sendJson(res, 200, stateJson());
    } else if (ROUTES.includes(path)) {
      sendText(res, 405, 'method not allowed');
    } else {
      sendText(res, 404, 'not found');
    }
    work?.catch((err) => fail(res, err));
  };
}

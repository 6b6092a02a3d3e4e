// The ConductorOne stand-in: the signup page and what ConductorOne's server
// does behind it. On submit it checks the invite code and the domain, then
// runs a real OpenID Connect login against the identity provider with the
// submitted Client ID and Client Secret (authorization code flow,
// `client_secret_post`, state + nonce + PKCE S256, its own callback
// `<accounts_base>auth/callback`). Only after the code exchange and the ID
// token check succeed does the instance exist; until then its address
// answers 404.
//
// Routes:
//   GET  /accounts/signup         the signup form
//   POST /accounts/signup         starts the login (303 to the authorize URL)
//   GET  /auth/callback           finishes it; 303 to the new instance
//   GET  /instances/<domain>/     404 before the signup, a welcome page after
//   GET  /sandbox/state           JSON: {"instances": [...]}, for tests

import { createHash, createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import {
  escapeHtml, page, randomToken, readBody, readCookie, redirect, sendHtml, sendJson, sendText,
} from './html.mjs';

const BRAND = 'ConductorOne';
const COLOR = '#3b1f6b';
const FLOW_COOKIE = 'c1_sandbox_signup';
const FLOW_TTL_MS = 10 * 60 * 1000;
const CLOCK_SKEW_S = 60;
const FETCH_TIMEOUT_MS = 10_000;
const DISPLAY_NAME_MAX = 100;
const SIGNUP_PATH = '/accounts/signup';
const CALLBACK_PATH = '/auth/callback';

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

class SignupError extends Error {
  constructor(status, message, fix) {
    super(message);
    this.status = status;
    this.fix = fix;
  }
}

function errorHtml(err) {
  return page({
    title: 'Signup failed - ConductorOne (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: '<section class="error" role="alert"><h1>Your ConductorOne instance was not created</h1>'
      + `<p id="error-message">${escapeHtml(err.message)}</p>`
      + `<p id="error-fix"><strong>What to check:</strong> ${escapeHtml(err.fix)}</p>`
      + `<p><a href="${SIGNUP_PATH}">Back to the signup page</a></p></section>`,
  });
}

function signupHtml() {
  const field = (name, label, type = 'text', extra = '') => `<label for="${name}">${label}</label>`
    + `<input id="${name}" name="${name}" type="${type}" required${extra}>`;
  return page({
    title: 'Sign up - ConductorOne (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: '<section><h1>Create your ConductorOne instance</h1>'
      + `<form method="post" action="${SIGNUP_PATH}">`
      + field('domain', 'Domain', 'text', ' autocomplete="off" spellcheck="false"')
      + field('display_name', 'Display name', 'text', ' autocomplete="organization"')
      + field('invite_code', 'Invite code', 'text', ' autocomplete="off" spellcheck="false"')
      + field('client_id', 'Client ID', 'text', ' autocomplete="off" spellcheck="false"')
      + field('client_secret', 'Client secret', 'password', ' autocomplete="off"')
      + '<button class="primary" type="submit">Sign up with JumpCloud</button></form>'
      + '<p class="note">The invite code is case-sensitive. The sandbox printed it when it started.</p></section>',
  });
}

function welcomeHtml(instance) {
  return page({
    title: `Welcome to ${instance.display_name} - ConductorOne (sandbox)`,
    brand: BRAND,
    color: COLOR,
    body: `<section><h1>Welcome to ${escapeHtml(instance.display_name)}</h1>`
      + `<p>Your ConductorOne instance <code>${escapeHtml(instance.domain)}</code> is ready.</p>`
      + `<p>Signed in with JumpCloud as <strong>${escapeHtml(instance.email)}</strong>.</p>`
      + '<p class="note">Next in ConductorOne: connect your user directory.</p></section>',
  });
}

function base64urlJson(part, what) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new SignupError(502, `JumpCloud's ID token ${what} is not readable.`, 'This is a fault of the identity provider; try the signup again.');
  }
}

/**
 * Checks an ID token the way ConductorOne's server does: RS256 signature with
 * a key from the provider's JWKS (`jwks.keys`), then `iss`, `aud` (and `azp`
 * when there are several audiences), `nonce`, `exp` and `iat`.
 * Returns the claims. `now` is in seconds.
 */
export function verifyIdToken(token, { jwks, issuer, clientId, nonce, now = Date.now() / 1000 }) {
  const bad = (what) => new SignupError(502, `JumpCloud's ID token was refused: ${what}.`, 'Check that the Client ID is the one of the ConductorOne application in JumpCloud, then try the signup again.');
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
    throw new SignupError(502, `ConductorOne could not reach JumpCloud (${what}): ${err.cause?.message ?? err.message}.`, 'Make sure the sandbox is still running, then try again.');
  }
  if (!response.ok) {
    throw new SignupError(502, `JumpCloud answered ${response.status} for its ${what}.`, 'Make sure the sandbox is still running, then try again.');
  }
  return response.json();
}

function tokenError(status, body) {
  const code = body?.error ?? `HTTP ${status}`;
  if (code === 'invalid_client') {
    return new SignupError(401, 'JumpCloud refused the Client ID and Client secret (invalid_client).',
      'Copy the Client Secret again from JumpCloud\'s "Application Saved" popup, with nothing before or after it, '
      + 'and check that the application\'s Client Authentication Type is "Client Secret POST".');
  }
  if (code === 'invalid_grant') {
    return new SignupError(400, 'JumpCloud refused the sign-in code (invalid_grant): it expired or was already used.',
      'Start the signup again from the signup page.');
  }
  return new SignupError(502, `JumpCloud's token endpoint answered ${code}${body?.error_description ? `: ${body.error_description}` : ''}.`,
    'Check the application\'s SSO settings in JumpCloud (redirect URI and Client Authentication Type), then try again.');
}

function authorizeError(error, description) {
  if (error === 'access_denied') {
    return new SignupError(403, 'JumpCloud denied the sign-in (access_denied).',
      'In JumpCloud, on the ConductorOne application\'s User Groups tab, select a group that you are a member of, save, and try again.');
  }
  return new SignupError(400, `JumpCloud ended the sign-in with ${error}${description ? `: ${description}` : ''}.`,
    'Check the ConductorOne application\'s SSO settings in JumpCloud, then try again.');
}

/**
 * The ConductorOne stand-in's request handler. `accountsBase` is this
 * server's own address with a trailing slash; `instanceTemplate` contains
 * `{domain}` and points at this server's /instances/<domain>/.
 */
export function createConductorOne({ accountsBase, issuer, inviteCode, instanceTemplate, log = () => {} }) {
  const callbackUri = new URL(CALLBACK_PATH.slice(1), accountsBase).href;
  const flows = new Map();
  const instances = new Map();
  let discovery = null;

  async function providerMetadata() {
    if (!discovery) {
      const meta = await fetchJson(new URL('.well-known/openid-configuration', issuer), 'discovery document');
      if (meta.issuer !== issuer) {
        throw new SignupError(502, `JumpCloud's discovery document names the issuer ${meta.issuer}, not ${issuer}.`, 'Check the issuer address.');
      }
      discovery = meta;
    }
    return discovery;
  }

  function pruneFlows() {
    const now = Date.now();
    for (const [state, flow] of flows) {
      if (now - flow.created > FLOW_TTL_MS) flows.delete(state);
    }
  }

  function checkForm(form) {
    const value = (name) => (form.get(name) ?? '').trim();
    const fields = {
      domain: value('domain').toLowerCase(),
      displayName: value('display_name'),
      inviteCode: form.get('invite_code') ?? '',
      clientId: value('client_id'),
      clientSecret: form.get('client_secret') ?? '',
    };
    const missing = [
      ['Domain', fields.domain], ['Display name', fields.displayName], ['Invite code', fields.inviteCode],
      ['Client ID', fields.clientId], ['Client secret', fields.clientSecret],
    ].filter(([, v]) => !v).map(([label]) => label);
    if (missing.length > 0) {
      throw new SignupError(400, `Some fields are empty: ${missing.join(', ')}.`, 'Fill in all five fields of the signup form.');
    }
    if (!sameText(fields.inviteCode, inviteCode)) {
      throw new SignupError(403, 'The invite code is not valid.', 'Type the invite code exactly as you received it: it is case-sensitive.');
    }
    if (!isDnsLabel(fields.domain)) {
      throw new SignupError(400, `"${fields.domain}" cannot be used as a domain.`,
        'Use only letters a-z, digits and hyphens (1 to 63 characters, not starting or ending with a hyphen), e.g. "acmeco".');
    }
    if (instances.has(fields.domain)) {
      throw new SignupError(409, `The domain "${fields.domain}" is already taken.`, 'Choose another domain.');
    }
    if (fields.displayName.length > DISPLAY_NAME_MAX) {
      throw new SignupError(400, 'The display name is too long.', `Use at most ${DISPLAY_NAME_MAX} characters.`);
    }
    return fields;
  }

  async function startSignup(req, res) {
    const fields = checkForm(new URLSearchParams(await readBody(req)));
    const meta = await providerMetadata();
    pruneFlows();
    const state = randomToken();
    const flow = {
      ...fields,
      nonce: randomToken(),
      verifier: randomToken(48),
      browser: randomToken(),
      created: Date.now(),
    };
    flows.set(state, flow);
    const authorize = new URL(meta.authorization_endpoint);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: fields.clientId,
      redirect_uri: callbackUri,
      scope: 'openid email profile',
      state,
      nonce: flow.nonce,
      code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    log(`signup for "${fields.domain}" started; signing in with JumpCloud`);
    redirect(res, authorize.href, {
      'set-cookie': `${FLOW_COOKIE}=${flow.browser}; Path=/; HttpOnly; SameSite=Lax`,
    });
  }

  async function finishSignup(req, res, url) {
    const params = url.searchParams;
    const state = params.get('state') ?? '';
    const flow = flows.get(state);
    if (!flow) {
      throw new SignupError(400, 'This sign-in answer does not belong to a signup in progress (unknown or expired state).', 'Start the signup again from the signup page.');
    }
    flows.delete(state);
    const cookie = readCookie(req, FLOW_COOKIE);
    if (!cookie || !sameText(cookie, flow.browser)) {
      throw new SignupError(400, 'This sign-in answer arrived in a different browser than the signup.', 'Start the signup again, in one browser.');
    }
    if (Date.now() - flow.created > FLOW_TTL_MS) {
      throw new SignupError(400, 'The signup took too long.', 'Start the signup again from the signup page.');
    }
    const meta = await providerMetadata();
    const iss = params.get('iss');
    if (meta.authorization_response_iss_parameter_supported && iss !== issuer) {
      throw new SignupError(400, `The sign-in answer came from ${iss ?? 'an unnamed issuer'}, not ${issuer}.`, 'Start the signup again.');
    }
    if (params.get('error')) {
      throw authorizeError(params.get('error'), params.get('error_description'));
    }
    const code = params.get('code');
    if (!code) throw new SignupError(400, 'The sign-in answer has no code.', 'Start the signup again.');

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
      throw new SignupError(502, `ConductorOne could not reach JumpCloud's token endpoint: ${err.cause?.message ?? err.message}.`, 'Make sure the sandbox is still running, then try again.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) throw tokenError(response.status, body);
    if (typeof body?.id_token !== 'string') {
      throw new SignupError(502, 'JumpCloud answered without an ID token.', 'Check that the application is an OIDC application with the openid scope.');
    }
    const jwks = await fetchJson(meta.jwks_uri, 'signing keys');
    const claims = verifyIdToken(body.id_token, {
      jwks, issuer, clientId: flow.clientId, nonce: flow.nonce,
    });
    if (typeof claims.email !== 'string' || !claims.email.includes('@')) {
      throw new SignupError(502, 'JumpCloud did not send your e-mail address.',
        'In the ConductorOne application\'s SSO tab, map the attribute "email" to JumpCloud\'s "email" and tick the Email scope.');
    }
    if (instances.has(flow.domain)) {
      throw new SignupError(409, `The domain "${flow.domain}" is already taken.`, 'Choose another domain.');
    }
    const instance = {
      domain: flow.domain,
      display_name: flow.displayName,
      url: instanceTemplate.replace('{domain}', flow.domain),
      email: claims.email,
      client_id: flow.clientId,
      created_at: new Date().toISOString(),
    };
    instances.set(flow.domain, instance);
    log(`instance "${instance.domain}" created for ${instance.email}: ${instance.url}`);
    redirect(res, instance.url, { 'set-cookie': `${FLOW_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` });
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
      sendText(res, 404, 'No ConductorOne instance here (yet).');
      return;
    }
    if (match[2] === undefined) {
      redirect(res, `${path}/`);
      return;
    }
    sendHtml(res, 200, welcomeHtml(instance));
  }

  function fail(res, err) {
    if (err instanceof SignupError) {
      log(`signup refused: ${err.message}`);
      sendHtml(res, err.status, errorHtml(err));
      return;
    }
    console.error(`sandbox conductorone: ${err.message}`);
    sendHtml(res, 500, errorHtml(new SignupError(500, 'Something went wrong in the sandbox.', 'Try again; restart the sandbox if it keeps happening.')));
  }

  return function handle(req, res) {
    const url = new URL(req.url, accountsBase);
    const path = url.pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    let work = null;
    if (path === '/' && get) {
      redirect(res, SIGNUP_PATH);
    } else if (path === SIGNUP_PATH && get) {
      sendHtml(res, 200, signupHtml());
    } else if (path === SIGNUP_PATH && req.method === 'POST') {
      work = startSignup(req, res);
    } else if (path === CALLBACK_PATH && get) {
      work = finishSignup(req, res, url);
    } else if (path.startsWith('/instances/') && get) {
      instancePage(res, path);
    } else if (path === '/sandbox/state' && get) {
      sendJson(res, 200, { instances: [...instances.values()] });
    } else if ([SIGNUP_PATH, CALLBACK_PATH, '/sandbox/state', '/'].includes(path)) {
      sendText(res, 405, 'method not allowed');
    } else {
      sendText(res, 404, 'not found');
    }
    work?.catch((err) => fail(res, err));
  };
}

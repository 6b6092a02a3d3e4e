// The sandbox's stand-ins, started for real (node sandbox/start.mjs) and
// driven the way an admin's browser would: the JumpCloud stand-in's
// configuration and Admin Portal; ConductorOne's two signup pages, page 1
// refusing a wrong invite code, a malformed or taken domain, page 2 refusing
// a wrong secret and a declined sign-in without creating anything, and
// creating the instance after a real login with the right values; how
// instance addresses answer, in both modes; and that no secret shows up in a
// URL or a log line.
//
// Run: npm ci --prefix sandbox && node --test sandbox/

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Browser } from './browser.mjs';
import {
  SANDBOX_LOGIN, SignupFailed, readApplicationSaved, readSignupPage, signupPageFields, startSignup,
} from './client.mjs';
import {
  SIGNUP_COOKIE, SIGNUP_JUMPCLOUD_PATH, createConductorOne, generateInviteCode, isDnsLabel, verifyIdToken,
} from './conductorone.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const START = join(here, 'start.mjs');
const BROWSER = join(here, 'browser.mjs');
const LOOPBACK_PORT = 45871;

function startSandbox(args, { stdin = 'pipe' } = {}) {
  const child = spawn(process.execPath, [START, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  const ready = new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      stdout += `${line}\n`;
      if (stdout.split('\n').length === 2) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}): ${stderr}`)));
  });
  const exited = new Promise((resolve) => { child.once('exit', (code, signal) => resolve({ code, signal })); });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

function withTimeout(promise, ms, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref();
    }),
  ]);
}

async function state(accountsBase) {
  const response = await fetch(new URL('sandbox/state', accountsBase));
  assert.equal(response.status, 200);
  return response.json();
}

async function status(url) {
  const response = await fetch(url, { redirect: 'manual' });
  await response.arrayBuffer();
  return response.status;
}

async function refused(promise) {
  await assert.rejects(promise, SignupFailed);
  return promise.catch((err) => err);
}

function postForm(url, values, headers = {}) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(values).toString(),
  });
}

function readLog(file) {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('the running sandbox', () => {
  let dir;
  let sandbox;
  let info;
  let saved;
  let overridesFile;
  let page1;
  let credentials;
  const urls = [];
  const onRequest = ({ url }) => urls.push(url);
  const instanceUrl = (domain) => info.instance_template.replace('{domain}', domain);
  const instanceNames = async () => (await state(info.accounts_base)).instances.map((i) => i.domain);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'c1-sandbox-test-'));
    overridesFile = join(dir, 'nested', 'endpoints.json');
    sandbox = startSandbox([
      '--overrides', overridesFile, '--loopback-port', String(LOOPBACK_PORT),
      '--taken-domain', 'globex', '--taken-domain', 'Initech', '--verbose',
    ]);
    info = await withTimeout(sandbox.ready, 20_000, 'the sandbox start');
    saved = await readApplicationSaved(`${info.admin_console}#/sso`);
    page1 = (domain) => ({ domain, displayName: 'Acme Co', inviteCode: info.invite_code });
    credentials = () => ({ clientId: saved.clientId, clientSecret: saved.clientSecret });
  });

  after(async () => {
    sandbox?.child.stdin.end();
    if (sandbox) await withTimeout(sandbox.exited, 10_000, 'the sandbox stop');
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints one JSON line with the addresses, invite code, user, client id and options, and never the secret', () => {
    assert.deepEqual(Object.keys(info).sort(), [
      'accounts_base', 'admin_console', 'client_id', 'instance_template', 'invite_code', 'issuer', 'signup_url',
      'taken_domains', 'unknown_instances', 'user',
    ]);
    assert.match(info.issuer, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(info.admin_console, `${info.issuer}console/`);
    assert.match(info.accounts_base, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(info.accounts_base, info.issuer);
    assert.equal(info.instance_template, `${info.accounts_base}instances/{domain}/`);
    assert.equal(info.signup_url, `${info.accounts_base}accounts/signup`);
    assert.match(info.invite_code, /^SBX-[A-Za-z0-9]{12}$/);
    assert.equal(info.user, SANDBOX_LOGIN);
    assert.equal(info.client_id, saved.clientId);
    assert.deepEqual(info.taken_domains, ['globex', 'initech']);
    assert.equal(info.unknown_instances, '404');
    const { stdout, stderr } = sandbox.output();
    assert.equal(stdout.trim().split('\n').length, 1);
    assert.ok(!stdout.includes(saved.clientSecret) && !stderr.includes(saved.clientSecret));
  });

  test('the override file holds the four stand-in addresses', () => {
    assert.deepEqual(JSON.parse(readFileSync(overridesFile, 'utf8')), {
      issuer: info.issuer,
      admin_console: info.admin_console,
      accounts_base: info.accounts_base,
      instance_template: info.instance_template,
    });
  });

  test('the JumpCloud stand-in publishes a discovery document like JumpCloud', async () => {
    const meta = await (await fetch(`${info.issuer}.well-known/openid-configuration`)).json();
    assert.equal(meta.issuer, info.issuer);
    assert.equal(meta.authorization_endpoint, `${info.issuer}oauth2/auth`);
    assert.equal(meta.token_endpoint, `${info.issuer}oauth2/token`);
    assert.equal(meta.jwks_uri, `${info.issuer}.well-known/jwks.json`);
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
    assert.ok(meta.token_endpoint_auth_methods_supported.includes('client_secret_post'));
    assert.ok(meta.claims_supported.includes('email') && meta.claims_supported.includes('memberOf'));
  });

  test('the Admin Portal shows the app, its "Application Saved" values and the user group, with nothing external', async () => {
    assert.match(saved.clientId, /^[0-9a-f-]{36}$/);
    assert.ok(saved.clientSecret.length >= 32, 'the client secret has at least 32 characters');
    const html = await (await fetch(info.admin_console)).text();
    for (const expected of ['id="/sso"', 'id="/groups/user"', 'SSO Applications', 'Application Saved',
      'User Groups', 'Custom OIDC App', 'Client Secret POST', 'it-admins', 'ConductorOne: assigned', 'Sandbox']) {
      assert.ok(html.includes(expected), `the page shows ${expected}`);
    }
    assert.ok(html.includes(`<li><code>${info.accounts_base}auth/callback</code></li>`));
    assert.ok(html.includes(`<li><code>http://127.0.0.1:${LOOPBACK_PORT}/callback</code></li>`));
    assert.doesNotMatch(html, /\bsrc=|<script|<link|@import|url\(/i);
    assert.doesNotMatch(html, /<form/i, 'no form, so a headless browser only reads it');
    assert.equal(await status(`${info.issuer}console`), 303);
  });

  test('the app accepts exactly its two redirect URIs', async () => {
    const authorize = (redirectUri) => {
      const url = new URL(`${info.issuer}oauth2/auth`);
      url.search = new URLSearchParams({
        client_id: saved.clientId, response_type: 'code', scope: 'openid email',
        redirect_uri: redirectUri, state: 'state-0123456789', nonce: 'nonce-0123456789',
      }).toString();
      return fetch(url, { redirect: 'manual' });
    };
    for (const uri of [`${info.accounts_base}auth/callback`, `http://127.0.0.1:${LOOPBACK_PORT}/callback`]) {
      const response = await authorize(uri);
      assert.equal(response.status, 303, uri);
      assert.match(response.headers.get('location'), /^\/interaction\//);
    }
    for (const uri of [`http://127.0.0.1:${LOOPBACK_PORT + 1}/callback`, `http://localhost:${LOOPBACK_PORT}/callback`, `${info.accounts_base}auth/callback/`]) {
      const response = await authorize(uri);
      assert.equal(response.status, 400, uri);
      assert.match(await response.text(), /redirect_uri/);
    }
  });

  test('a real login with the assistant\'s loopback URI gives JumpCloud-like tokens', async () => {
    const browser = new Browser();
    const verifier = 'verifier-0123456789-0123456789-0123456789-0123';
    const redirectUri = `http://127.0.0.1:${LOOPBACK_PORT}/callback`;
    let url = new URL(`${info.issuer}oauth2/auth`);
    url.search = new URLSearchParams({
      client_id: saved.clientId, response_type: 'code', scope: 'openid email profile', redirect_uri: redirectUri,
      state: 'state-0123456789', nonce: 'nonce-0123456789',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    let method = 'GET';
    let form = null;
    let callback = null;
    for (let step = 0; step < 10 && !callback; step += 1) {
      const { response, html } = await browser.request(url, { method, form });
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get('location'), url);
        method = 'GET';
        form = null;
        if (url.href.startsWith(redirectUri)) callback = url;
        continue;
      }
      assert.equal(response.status, 200, `the sign-in page at ${url.href}`);
      const action = /<form method="post" action="([^"]+)"/.exec(html)[1];
      url = new URL(action, url);
      method = 'POST';
      form = new URLSearchParams({ login: 'admin', decision: 'approve' });
    }
    assert.ok(callback, 'the login came back to the loopback URI');
    assert.equal(callback.searchParams.get('iss'), info.issuer);
    assert.equal(callback.searchParams.get('state'), 'state-0123456789');
    const code = callback.searchParams.get('code');
    const token = (body, headers = {}) => fetch(`${info.issuer}oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });
    const grant = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier };

    const basic = await token(grant, {
      authorization: `Basic ${Buffer.from(`${saved.clientId}:${saved.clientSecret}`).toString('base64')}`,
    });
    assert.equal(basic.status, 401, 'only Client Secret POST is accepted');
    assert.equal((await basic.json()).error, 'invalid_client');

    const ok = await token({ ...grant, client_id: saved.clientId, client_secret: saved.clientSecret });
    assert.equal(ok.status, 200);
    const tokens = await ok.json();
    assert.ok(!tokens.access_token.includes('.'), 'the access token is opaque');
    const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.iss, info.issuer);
    assert.equal(claims.email, SANDBOX_LOGIN);
    assert.equal(claims.memberOf, 'it-admins', 'one group: a string, as JumpCloud sends it');
    assert.equal(claims.nonce, 'nonce-0123456789');
    assert.match(claims.sub, /^[0-9a-f]{24}$/);
  });


  test('page 1 asks for the domain, display name and invite code, and nothing external', async () => {
    const response = await fetch(info.signup_url);
    assert.equal(response.status, 200);
    const html = await response.text();
    const shown = readSignupPage(html);
    assert.equal(shown.page, 'signup');
    assert.deepEqual(shown.fields, ['domain', 'display_name', 'invite_code']);
    assert.deepEqual(signupPageFields(html), ['domain', 'display_name', 'invite_code']);
    assert.deepEqual(shown.buttons, ['signup-submit']);
    assert.deepEqual(shown.errors, []);
    assert.match(html, /<button id="signup-submit"[^>]*>Sign up with JumpCloud<\/button>/);
    assert.match(html, /<form id="signup-form" method="post" action="\/accounts\/signup">/);
    assert.match(html, /case-sensitive/);
    assert.match(html, /Sandbox/);
    assert.doesNotMatch(html, /\bsrc=|<script|<link|@import|url\(/i);
    assert.equal(await status(info.accounts_base), 303);
  });

  test('an unknown user may try again on the sign-in page', async () => {
    const signup = await startSignup(info.accounts_base, page1('unknownuser'));
    const err = await refused(signup.finish(credentials(), { login: 'someone@else.example' }));
    assert.equal(err.status, 401);
    assert.equal(err.field, null, 'not a ConductorOne page');
    assert.match(err.text, /no user "someone@else\.example"/);
    assert.match(err.text, /Sign in to JumpCloud/);
    assert.deepEqual(await instanceNames(), []);
  });

  test('before the signup, the instance address answers 404', async () => {
    assert.equal(await status(instanceUrl('acmeco')), 404);
    assert.equal(await status(`${instanceUrl('acmeco')}login?sso_operation=initiate_login`), 404);
    assert.deepEqual(await instanceNames(), []);
  });

  test('page 1: a wrong invite code (case matters) shows page 1 again with the error at that field, and creates nothing', async () => {
    const err = await refused(startSignup(info.accounts_base, { ...page1('acmeco'), inviteCode: info.invite_code.toLowerCase() }, { onRequest }));
    assert.equal(err.status, 400);
    assert.equal(err.page, 'signup');
    assert.equal(err.field, 'invite_code');
    assert.equal(err.code, 'invalid');
    assert.equal(err.errors.length, 1);
    assert.match(err.message, /invite code is not valid/);
    assert.match(err.fix, /case-sensitive/);
    assert.equal(err.url, `${info.accounts_base}accounts/signup`, 'refused before page 2');

    const response = await postForm(info.signup_url, { domain: 'acmeco', display_name: 'Acme Co', invite_code: 'SBX-wrong' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('set-cookie'), null, 'no signup session');
    const html = await response.text();
    assert.match(html, /<input id="invite_code"[^>]*aria-invalid="true"/);
    assert.match(html, /data-error="invite_code" data-code="invalid"/);
    assert.match(html, /<input id="domain"[^>]*value="acmeco"/, 'what was typed stays');
    assert.ok(!html.includes('SBX-wrong'), 'the typed code is not echoed');
    assert.equal(await status(instanceUrl('acmeco')), 404);
    const now = await state(info.accounts_base);
    assert.deepEqual(now.instances, []);
    assert.ok(!now.signups.some((s) => s.domain === 'acmeco'), 'no signup session started');
  });

  test('page 1: a domain that is not one DNS label, or an empty field, is refused at its field', async () => {
    for (const domain of ['acme.co', '-acme', 'acme_co', 'a'.repeat(64)]) {
      const err = await refused(startSignup(info.accounts_base, page1(domain)));
      assert.equal(err.status, 400, domain);
      assert.equal(err.field, 'domain');
      assert.equal(err.code, 'invalid');
      assert.match(err.message, /cannot be used as a domain/);
    }
    const empty = await refused(startSignup(info.accounts_base, { ...page1('acmeco'), displayName: ' ' }));
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.errors.map((e) => [e.field, e.code]), [['display_name', 'required']]);
    const several = await refused(startSignup(info.accounts_base, { domain: '', displayName: 'Acme Co', inviteCode: '' }));
    assert.deepEqual(several.errors.map((e) => [e.field, e.code]), [['domain', 'required'], ['invite_code', 'required']]);
    assert.deepEqual(await instanceNames(), []);
  });

  test('page 1: a domain in the taken list is refused at the domain field', async () => {
    for (const domain of ['globex', 'Initech']) {
      const err = await refused(startSignup(info.accounts_base, page1(domain)));
      assert.equal(err.status, 400, domain);
      assert.equal(err.field, 'domain');
      assert.equal(err.code, 'taken');
      assert.match(err.message, /already taken/);
    }
    const noInvite = await refused(startSignup(info.accounts_base, { ...page1('globex'), inviteCode: 'SBX-wrong' }));
    assert.deepEqual(noInvite.errors.map((e) => e.field), ['invite_code'], 'only an invited admin learns that a domain is taken');
    assert.deepEqual((await state(info.accounts_base)).taken_domains, ['globex', 'initech']);
  });

  test('page 1 accepted: 303 to page 2 with an HttpOnly signup cookie and nothing secret in the URL', async () => {
    const response = await postForm(info.signup_url, { domain: 'CookieCo', display_name: 'Cookie Co', invite_code: info.invite_code });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), SIGNUP_JUMPCLOUD_PATH);
    const cookie = response.headers.get('set-cookie');
    assert.match(cookie, new RegExp(`^${SIGNUP_COOKIE}=[A-Za-z0-9_-]{40,}; `));
    for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=7200']) {
      assert.ok(cookie.split('; ').includes(attribute), attribute);
    }

    const page2 = await fetch(new URL(SIGNUP_JUMPCLOUD_PATH, info.accounts_base), { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(page2.status, 200);
    const html = await page2.text();
    const shown = readSignupPage(html);
    assert.equal(shown.page, 'signup-jumpcloud');
    assert.match(html, /<h1 id="jumpcloud-title">Setting up JumpCloud to work with ConductorOne<\/h1>/);
    assert.equal(shown.domain, 'cookieco');
    assert.equal(shown.displayName, 'Cookie Co');
    assert.equal(shown.instanceUrl, instanceUrl('cookieco'));
    assert.equal(shown.redirectUri, `${info.accounts_base}auth/callback`);
    assert.equal(shown.loginUrl, `${instanceUrl('cookieco')}login?sso_operation=initiate_login`);
    assert.match(html, /Client Secret POST/);
    assert.deepEqual(shown.fields, ['client_id', 'client_secret']);
    assert.deepEqual(shown.buttons, ['jumpcloud-submit']);
    assert.match(html, /<button id="jumpcloud-submit"[^>]*>Sign up with JumpCloud<\/button>/);
    assert.match(html, /<input id="client_secret" name="client_secret" type="password"/);
    const expires = Date.parse(shown.expiresAt) - Date.now();
    assert.ok(expires > 119 * 60_000 && expires <= 120 * 60_000, 'usable for two hours');
    const { signups } = await state(info.accounts_base);
    assert.ok(signups.some((s) => s.domain === 'cookieco' && s.display_name === 'Cookie Co'));
    assert.ok(!JSON.stringify(signups).includes(cookie.split(';')[0].split('=')[1]), 'the state never shows the cookie');
  });

  test('page 2 without a valid signup session says to start again, with a link to page 1', async () => {
    const page2 = new URL(SIGNUP_JUMPCLOUD_PATH, info.accounts_base);
    for (const [headers, code] of [[{}, 'missing'], [{ cookie: `${SIGNUP_COOKIE}=not-a-session` }, 'expired']]) {
      for (const response of [await fetch(page2, { headers }), await postForm(page2, { client_id: 'a', client_secret: 'b' }, headers)]) {
        assert.equal(response.status, 400);
        const html = await response.text();
        const shown = readSignupPage(html);
        assert.equal(shown.page, 'signup-expired');
        assert.deepEqual(shown.errors.map((e) => [e.field, e.code]), [['session', code]]);
        assert.match(shown.errors[0].fix, /signup page/);
        assert.match(html, /<a id="restart-signup" href="\/accounts\/signup">/);
        assert.deepEqual(shown.fields, [], 'no form to submit');
      }
    }
    assert.equal(await status(`${info.accounts_base}auth/callback?code=x&state=unknown-state`), 400);
  });

  test('page 2: an empty Client Secret is refused at its field, before any sign-in', async () => {
    const signup = await startSignup(info.accounts_base, page1('emptyco'));
    const err = await refused(signup.finish({ clientId: saved.clientId, clientSecret: '' }));
    assert.equal(err.status, 400);
    assert.equal(err.url, `${info.accounts_base}accounts/signup/jumpcloud`);
    assert.deepEqual(err.errors.map((e) => [e.field, e.code]), [['client_secret', 'required']]);
  });

  test('page 2: a wrong client secret is refused by JumpCloud\'s token endpoint and shown on page 2, which stays usable', async () => {
    const signup = await startSignup(info.accounts_base, page1('acmeco'), { onRequest });
    const err = await refused(signup.finish({ ...credentials(), clientSecret: `${saved.clientSecret}x` }));
    assert.equal(err.status, 401);
    assert.equal(err.url, `${info.accounts_base}accounts/signup/jumpcloud`, 'back on page 2');
    assert.equal(err.page, 'signup-jumpcloud');
    assert.equal(err.field, 'client_secret');
    assert.equal(err.code, 'invalid_client');
    assert.match(err.message, /invalid_client/);
    assert.match(err.fix, /Application Saved/);
    assert.ok(!err.text.includes(saved.clientSecret));
    assert.equal(await status(instanceUrl('acmeco')), 404);
    assert.deepEqual(await instanceNames(), []);

    const again = await signup.reload();
    assert.equal(again.status, 200, 'the error is shown once');
    assert.equal(again.page, 'signup-jumpcloud');
    assert.deepEqual(again.errors, []);
    assert.equal(again.domain, 'acmeco');
  });

  test('page 2: an unknown client id ends on JumpCloud\'s error page and creates nothing', async () => {
    const signup = await startSignup(info.accounts_base, page1('acmeco'));
    const err = await refused(signup.finish({ ...credentials(), clientId: 'not-the-app' }));
    assert.equal(err.status, 400);
    assert.ok(err.url.startsWith(info.issuer), 'the browser stays at JumpCloud');
    assert.match(err.text, /invalid_client/);
    assert.deepEqual(await instanceNames(), []);
  });

  test('page 2: a declined sign-in (a user outside the app\'s groups) is shown on page 2 and creates nothing', async () => {
    const signup = await startSignup(info.accounts_base, page1('acmeco'));
    const err = await refused(signup.finish(credentials(), { decline: true }));
    assert.equal(err.status, 403);
    assert.equal(err.url, `${info.accounts_base}accounts/signup/jumpcloud`);
    assert.equal(err.field, 'form');
    assert.equal(err.code, 'access_denied');
    assert.match(err.message, /access_denied/);
    assert.match(err.fix, /User Groups/);
    assert.deepEqual(await instanceNames(), []);
  });

  test('the right values create the instance only after a real login; it then answers 200 at its address and its Login URL', async () => {
    const signup = await startSignup(info.accounts_base, { ...page1('AcmeCo') }, { onRequest });
    assert.equal(signup.domain, 'acmeco');
    assert.deepEqual(await instanceNames(), [], 'page 1 alone creates nothing');
    const open = async () => (await state(info.accounts_base)).signups.filter((s) => s.domain === 'acmeco').length;
    const openBefore = await open();
    const done = await signup.finish(credentials());
    assert.equal(done.instanceUrl, instanceUrl('acmeco'));
    assert.match(done.title, /^Welcome to Acme Co/);
    assert.match(done.text, /Signed in with JumpCloud as admin@acme\.example/);
    const page = await fetch(instanceUrl('acmeco'));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<h1>Welcome to Acme Co<\/h1>/);
    assert.equal(readSignupPage(html).page, 'instance');
    const login = await fetch(signup.loginUrl);
    assert.equal(login.status, 200);
    assert.equal(readSignupPage(await login.text()).page, 'instance-login');
    assert.equal(await status(instanceUrl('acmeco').replace(/\/$/, '')), 303);
    const { instances, signups } = await state(info.accounts_base);
    assert.equal(instances.length, 1);
    assert.equal(instances[0].domain, 'acmeco');
    assert.equal(instances[0].display_name, 'Acme Co');
    assert.equal(instances[0].email, SANDBOX_LOGIN);
    assert.equal(instances[0].url, instanceUrl('acmeco'));
    assert.equal(signups.filter((s) => s.domain === 'acmeco').length, openBefore - 1, 'the finished signup is gone');
    assert.ok(!JSON.stringify(instances).includes(saved.clientSecret));
    assert.ok(!JSON.stringify(instances).includes(info.invite_code));

    const taken = await refused(startSignup(info.accounts_base, page1('acmeco')));
    assert.equal(taken.status, 400);
    assert.equal(taken.field, 'domain');
    assert.equal(taken.code, 'taken');
    assert.match(taken.message, /already taken/);

    const finished = await refused(signup.finish(credentials()));
    assert.equal(finished.page, 'signup-expired', 'page 2 of a finished signup asks to start again');
  });

  test('page 2 after a refusal: the corrected values then create the instance', async () => {
    const signup = await startSignup(info.accounts_base, page1('retryco'));
    await refused(signup.finish({ ...credentials(), clientSecret: 'wrong' }));
    const done = await signup.finish(credentials());
    assert.equal(done.instanceUrl, instanceUrl('retryco'));
    assert.equal(await status(instanceUrl('retryco')), 200);
  });

  test('a page 2 left open for another domain that was taken meanwhile refuses', async () => {
    const first = await startSignup(info.accounts_base, page1('raceco'));
    const second = await startSignup(info.accounts_base, page1('raceco'));
    await first.finish(credentials());
    const err = await refused(second.finish(credentials()));
    assert.equal(err.status, 409);
    assert.equal(err.code, 'domain_taken');
  });

  test('the headless browser fills in both signup pages from C1_TEST_BROWSER_FIELDS and completes the sign-in', () => {
    const log = join(dir, 'browser.log');
    const fields = join(dir, 'fields.json');
    writeFileSync(fields, JSON.stringify({
      domain: 'browserco',
      display_name: 'Browser Co',
      invite_code: info.invite_code,
      client_id: saved.clientId,
      client_secret: saved.clientSecret,
    }));
    const env = {
      ...process.env,
      C1_TEST_BROWSER_DETACHED: '1',
      C1_TEST_BROWSER_LOG: log,
      C1_TEST_BROWSER_FIELDS: fields,
      C1_TEST_BROWSER_LOGIN: SANDBOX_LOGIN,
    };
    const run = spawnSync(process.execPath, [BROWSER, info.signup_url], { env, timeout: 30_000 });
    assert.equal(run.status, 0, String(run.stderr));
    const entries = readLog(log);
    const requests = entries.filter((e) => e.event === 'request');
    assert.deepEqual(requests.slice(0, 4).map((e) => [e.method, new URL(e.url).pathname, e.status]), [
      ['GET', '/accounts/signup', 200],
      ['POST', '/accounts/signup', 303],
      ['GET', '/accounts/signup/jumpcloud', 200],
      ['POST', '/accounts/signup/jumpcloud', 303],
    ]);
    const finished = entries.find((e) => e.event === 'finished');
    assert.equal(finished.url, instanceUrl('browserco'));
    assert.equal(finished.status, 200);
    assert.match(finished.title, /^Welcome to Browser Co/);
    assert.ok(!('html' in finished), 'the log keeps the text, not the page');
    assert.ok(requests.some((e) => e.method === 'POST' && e.url.includes('/interaction/')),
      'it signed in on the JumpCloud stand-in');
    urls.push(...requests.map((e) => e.url));

    rmSync(log);
    const portal = spawnSync(process.execPath, [BROWSER, `${info.admin_console}#/sso`], { env, timeout: 30_000 });
    assert.equal(portal.status, 0, String(portal.stderr));
    const portalEntries = readLog(log);
    assert.deepEqual(portalEntries.filter((e) => e.event === 'request').map((e) => e.method), ['GET']);
    const shown = portalEntries.find((e) => e.event === 'finished');
    assert.equal(shown.status, 200);
    assert.match(shown.text, /Application Saved/);
  });

  test('the headless browser also takes C1_TEST_BROWSER_FIELDS as inline JSON, and stops on page 1\'s refusal', () => {
    const log = join(dir, 'browser-inline.log');
    const env = {
      ...process.env,
      C1_TEST_BROWSER_DETACHED: '1',
      C1_TEST_BROWSER_LOG: log,
      C1_TEST_BROWSER_FIELDS: JSON.stringify({
        domain: 'inlineco', display_name: 'Inline Co', invite_code: 'SBX-wrong', client_id: saved.clientId, client_secret: saved.clientSecret,
      }),
    };
    const run = spawnSync(process.execPath, [BROWSER, info.signup_url], { env, timeout: 30_000 });
    assert.equal(run.status, 0, String(run.stderr));
    const entries = readLog(log);
    assert.equal(entries.filter((e) => e.event === 'request').length, 2, 'page 1, then its refusal');
    const finished = entries.find((e) => e.event === 'finished');
    assert.equal(finished.status, 400);
    assert.equal(finished.url, info.signup_url);
    assert.match(finished.text, /invite code is not valid/);
  });

  test('what the admin typed is escaped on the error page', async () => {
    const response = await postForm(info.signup_url, {
      domain: '<script>alert(1)</script>', display_name: '"><b>X', invite_code: info.invite_code,
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.ok(!html.includes('<script>') && !html.includes('"><b>'));
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.match(response.headers.get('content-security-policy'), /default-src 'none'/);
  });

  test('the stand-ins answer on 127.0.0.1 only', async () => {
    for (const base of [info.issuer, info.accounts_base]) {
      const { port } = new URL(base);
      await assert.rejects(fetch(`http://[::1]:${port}/`, { signal: AbortSignal.timeout(5000) }));
    }
  });

  test('no secret appears in any URL the browser loaded or any line the stand-ins logged', () => {
    assert.ok(urls.length > 20, 'the signups above recorded their URLs');
    assert.ok(urls.some((u) => u.includes('/auth/callback?')));
    for (const url of urls) {
      assert.ok(!url.includes(saved.clientSecret), url);
      assert.ok(!url.includes(info.invite_code), url);
      assert.ok(!url.includes(encodeURIComponent(saved.clientSecret)), url);
    }
    const { stderr } = sandbox.output();
    const lines = stderr.trim().split('\n');
    assert.ok(lines.some((l) => /instance "acmeco" created/.test(l)), 'the signups were logged');
    assert.ok(lines.some((l) => /refused \(client_secret\/invalid_client\)/.test(l)));
    for (const line of lines) {
      assert.ok(!line.includes(saved.clientSecret), line);
      assert.ok(!line.includes(SIGNUP_COOKIE), line);
      // The invite code is printed once at the start, for the admin to type in.
      if (!line.startsWith('sandbox: invite code:')) assert.ok(!line.includes(info.invite_code), line);
    }
  });
});

describe('the sandbox with --unknown-instances redirect', () => {
  let sandbox;
  let info;

  before(async () => {
    sandbox = startSandbox(['--unknown-instances', 'redirect']);
    info = await withTimeout(sandbox.ready, 20_000, 'the sandbox start');
  });

  after(async () => {
    sandbox?.child.stdin.end();
    if (sandbox) await withTimeout(sandbox.exited, 10_000, 'the sandbox stop');
  });

  test('an unknown instance address answers 302 to the home page, which is not an instance', async () => {
    assert.equal(info.unknown_instances, 'redirect');
    assert.deepEqual(info.taken_domains, []);
    for (const path of ['instances/nobody/', 'instances/nobody', 'instances/nobody/login?sso_operation=initiate_login']) {
      const response = await fetch(`${info.accounts_base}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 302, path);
      assert.equal(response.headers.get('location'), `${info.accounts_base}marketing/`);
    }
    const home = await fetch(`${info.accounts_base}marketing/`);
    assert.equal(home.status, 200);
    const html = await home.text();
    assert.equal(readSignupPage(html).page, 'marketing');
    assert.doesNotMatch(html, /Welcome to|data-instance/);
    assert.equal((await state(info.accounts_base)).unknown_instances, 'redirect');
  });

  test('a created instance answers 200 at its address and its Login URL; other names still redirect', async () => {
    const saved = await readApplicationSaved(info.admin_console);
    const signup = await startSignup(info.accounts_base, { domain: 'acmeco', displayName: 'Acme Co', inviteCode: info.invite_code });
    const done = await signup.finish({ clientId: saved.clientId, clientSecret: saved.clientSecret });
    assert.equal(done.instanceUrl, info.instance_template.replace('{domain}', 'acmeco'));
    assert.equal(await status(done.instanceUrl), 200);
    assert.equal(await status(signup.loginUrl), 200);
    assert.equal(await status(info.instance_template.replace('{domain}', 'acme')), 302);
  });
});

describe('starting and stopping', () => {
  test('it stops when its stdin closes', async () => {
    const sandbox = startSandbox([]);
    await withTimeout(sandbox.ready, 20_000, 'the sandbox start');
    sandbox.child.stdin.end();
    assert.deepEqual(await withTimeout(sandbox.exited, 10_000, 'the stop'), { code: 0, signal: null });
  });

  test('it stops on SIGTERM, and with --ignore-stdin only then', async () => {
    const sandbox = startSandbox(['--ignore-stdin']);
    const info = await withTimeout(sandbox.ready, 20_000, 'the sandbox start');
    sandbox.child.stdin.end();
    await new Promise((resolve) => { setTimeout(resolve, 500); });
    assert.equal(await status(`${info.accounts_base}accounts/signup`), 200, 'still running after stdin closed');
    sandbox.child.kill('SIGTERM');
    assert.deepEqual(await withTimeout(sandbox.exited, 10_000, 'the stop'), { code: 0, signal: null });
  });

  test('the default loopback redirect URI uses port 38710', async () => {
    const sandbox = startSandbox([]);
    const info = await withTimeout(sandbox.ready, 20_000, 'the sandbox start');
    const html = await (await fetch(info.admin_console)).text();
    sandbox.child.stdin.end();
    await withTimeout(sandbox.exited, 10_000, 'the stop');
    assert.ok(html.includes('<code>http://127.0.0.1:38710/callback</code>'));
  });

  test('bad arguments are refused with the usage', () => {
    for (const args of [
      ['--loopback-port', 'abc'], ['--loopback-port', '70000'], ['--overrides'], ['--what'],
      ['--taken-domain'], ['--taken-domain', 'acme.co'], ['--unknown-instances', 'maybe'],
    ]) {
      const run = spawnSync(process.execPath, [START, ...args], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, /usage: node sandbox\/start\.mjs/);
      assert.equal(run.stdout, '');
    }
  });
});

describe('ConductorOne\'s checks', () => {
  test('invite codes are SBX- and 12 characters with lower and upper case', () => {
    for (let i = 0; i < 50; i += 1) {
      const code = generateInviteCode();
      assert.match(code, /^SBX-[A-Za-z0-9]{12}$/);
      assert.notEqual(code.toLowerCase(), code);
    }
    assert.notEqual(generateInviteCode(), generateInviteCode());
  });

  test('a domain is one DNS label', () => {
    for (const ok of ['a', 'acmeco', 'acme-co', 'a1', 'x'.repeat(63), 'xn--bcher-kva']) assert.ok(isDnsLabel(ok), ok);
    for (const bad of ['', 'Acme', 'acme.co', '-a', 'a-', 'a_b', 'x'.repeat(64), 'acme co', 'é']) assert.ok(!isDnsLabel(bad), bad);
  });

  test('page 2 is usable for the signup session\'s lifetime only', async () => {
    const inviteCode = generateInviteCode();
    const server = createServer();
    await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
    const base = `http://127.0.0.1:${server.address().port}/`;
    server.on('request', createConductorOne({
      accountsBase: base, issuer: 'http://127.0.0.1:9/', inviteCode, instanceTemplate: `${base}instances/{domain}/`, signupTtlMs: 500,
    }));
    try {
      const response = await postForm(`${base}accounts/signup`, { domain: 'acmeco', display_name: 'Acme Co', invite_code: inviteCode });
      assert.equal(response.status, 303);
      const headers = { cookie: response.headers.get('set-cookie').split(';')[0] };
      assert.equal(await (await fetch(`${base}accounts/signup/jumpcloud`, { headers })).status, 200);
      await new Promise((resolve) => { setTimeout(resolve, 700); });
      const expired = await fetch(`${base}accounts/signup/jumpcloud`, { headers });
      assert.equal(expired.status, 400);
      assert.deepEqual(readSignupPage(await expired.text()).errors.map((e) => e.code), ['expired']);
    } finally {
      server.close();
    }
  });

  test('the stand-in\'s options are checked', () => {
    const base = { accountsBase: 'http://127.0.0.1:1/', issuer: 'http://127.0.0.1:2/', inviteCode: 'SBX-x', instanceTemplate: 'http://127.0.0.1:1/instances/{domain}/' };
    assert.throws(() => createConductorOne({ ...base, unknownInstances: '410' }), /unknownInstances/);
    assert.throws(() => createConductorOne({ ...base, takenDomains: ['acme.co'] }), /DNS label/);
    assert.equal(typeof createConductorOne({ ...base, takenDomains: ['Globex'], unknownInstances: 'redirect' }), 'function');
  });

  describe('ID token verification', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' }] };
    const now = 1_800_000_000;
    const base = { iss: 'http://127.0.0.1:1/', aud: ['app'], nonce: 'n-0123456789', exp: now + 300, iat: now, sub: 'u', email: 'a@b.example' };
    const check = { jwks, issuer: 'http://127.0.0.1:1/', clientId: 'app', nonce: 'n-0123456789', now };
    const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const jwt = (claims, { header = { alg: 'RS256', kid: 'k1' }, key = privateKey } = {}) => {
      const input = `${b64(header)}.${b64(claims)}`;
      return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
    };

    test('a correct token passes and gives its claims', () => {
      assert.equal(verifyIdToken(jwt(base), check).email, 'a@b.example');
      assert.equal(verifyIdToken(jwt({ ...base, aud: 'app' }), check).sub, 'u');
    });

    const cases = [
      ['a signature by another key', () => jwt(base, { key: other.privateKey }), /signature does not match/],
      ['changed content', () => { const [h, , s] = jwt(base).split('.'); return `${h}.${b64({ ...base, email: 'x@y.example' })}.${s}`; }, /signature does not match/],
      ['an unknown key id', () => jwt(base, { header: { alg: 'RS256', kid: 'k2' } }), /signing key/],
      ['alg none', () => `${b64({ alg: 'none' })}.${b64(base)}.`, /not RS256/],
      ['another issuer', () => jwt({ ...base, iss: 'http://127.0.0.1:1' }), /issued by/],
      ['another audience', () => jwt({ ...base, aud: ['other'] }), /another application/],
      ['several audiences without azp', () => jwt({ ...base, aud: ['app', 'other'] }), /azp/],
      ['another nonce', () => jwt({ ...base, nonce: 'n-9876543210' }), /nonce/],
      ['no nonce', () => jwt({ ...base, nonce: undefined }), /nonce/],
      ['an expired token', () => jwt({ ...base, exp: now - 120 }), /expired/],
      ['a token from the future', () => jwt({ ...base, iat: now + 600 }), /future/],
      ['not a JWT', () => 'abc', /not a signed JWT/],
    ];
    for (const [name, token, why] of cases) {
      test(`refuses ${name}`, () => {
        assert.throws(() => verifyIdToken(token(), check), why);
      });
    }
  });
});

// The sandbox's stand-ins, started for real (node sandbox/start.mjs) and
// driven the way an admin's browser would: the JumpCloud stand-in's
// configuration and Admin Portal, ConductorOne's signup refusing a wrong
// invite code, a wrong secret and a declined sign-in without creating
// anything, and creating the instance after a real login with the right
// values.
//
// Run: npm ci --prefix sandbox && node --test sandbox/

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Browser } from './browser.mjs';
import { SANDBOX_LOGIN, SignupFailed, readApplicationSaved, submitSignup } from './client.mjs';
import { generateInviteCode, isDnsLabel, verifyIdToken } from './conductorone.mjs';

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

describe('the running sandbox', () => {
  let dir;
  let sandbox;
  let info;
  let saved;
  let overridesFile;
  let values;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'c1-sandbox-test-'));
    overridesFile = join(dir, 'nested', 'endpoints.json');
    sandbox = startSandbox(['--overrides', overridesFile, '--loopback-port', String(LOOPBACK_PORT)]);
    info = await withTimeout(sandbox.ready, 20_000, 'the sandbox start');
    saved = await readApplicationSaved(`${info.admin_console}#/sso`);
    values = (domain) => ({
      domain,
      displayName: 'Acme Co',
      inviteCode: info.invite_code,
      clientId: saved.clientId,
      clientSecret: saved.clientSecret,
    });
  });

  after(async () => {
    sandbox?.child.stdin.end();
    if (sandbox) await withTimeout(sandbox.exited, 10_000, 'the sandbox stop');
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints one JSON line with the addresses, invite code, user and client id, and never the secret', () => {
    assert.deepEqual(Object.keys(info).sort(), [
      'accounts_base', 'admin_console', 'client_id', 'instance_template', 'invite_code', 'issuer', 'user',
    ]);
    assert.match(info.issuer, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(info.admin_console, `${info.issuer}console/`);
    assert.match(info.accounts_base, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(info.accounts_base, info.issuer);
    assert.equal(info.instance_template, `${info.accounts_base}instances/{domain}/`);
    assert.match(info.invite_code, /^SBX-[A-Za-z0-9]{12}$/);
    assert.equal(info.user, SANDBOX_LOGIN);
    assert.equal(info.client_id, saved.clientId);
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

  test('an unknown user may try again on the sign-in page', async () => {
    const err = await refused(submitSignup(info.accounts_base, values('unknownuser'), { login: 'someone@else.example' }));
    assert.equal(err.status, 401);
    assert.match(err.text, /no user "someone@else\.example"/);
    assert.match(err.text, /Sign in to JumpCloud/);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('before the signup, the instance address answers 404', async () => {
    assert.equal(await status(info.instance_template.replace('{domain}', 'acmeco')), 404);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('a wrong invite code (case matters) is refused and creates nothing', async () => {
    const err = await refused(submitSignup(info.accounts_base, { ...values('acmeco'), inviteCode: info.invite_code.toLowerCase() }));
    assert.equal(err.status, 403);
    assert.match(err.text, /invite code is not valid/);
    assert.match(err.text, /case-sensitive/);
    assert.equal(err.url, `${info.accounts_base}accounts/signup`, 'refused before any sign-in');
    assert.equal(await status(info.instance_template.replace('{domain}', 'acmeco')), 404);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('a domain that is not one DNS label is refused', async () => {
    for (const domain of ['acme.co', '-acme', 'acme_co', 'a'.repeat(64)]) {
      const err = await refused(submitSignup(info.accounts_base, values(domain)));
      assert.equal(err.status, 400, domain);
      assert.match(err.text, /cannot be used as a domain/);
    }
    const empty = await refused(submitSignup(info.accounts_base, { ...values('acmeco'), clientSecret: '' }));
    assert.equal(empty.status, 400);
    assert.match(empty.text, /empty: Client secret/);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('a wrong client secret is refused by JumpCloud\'s token endpoint and creates nothing', async () => {
    const err = await refused(submitSignup(info.accounts_base, { ...values('acmeco'), clientSecret: `${saved.clientSecret}x` }));
    assert.equal(err.status, 401);
    assert.equal(err.url.split('?')[0], `${info.accounts_base}auth/callback`, 'refused after the sign-in, at the callback');
    assert.match(err.text, /invalid_client/);
    assert.match(err.text, /Application Saved/);
    assert.ok(!err.text.includes(saved.clientSecret));
    assert.equal(await status(info.instance_template.replace('{domain}', 'acmeco')), 404);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('an unknown client id ends on JumpCloud\'s error page and creates nothing', async () => {
    const err = await refused(submitSignup(info.accounts_base, { ...values('acmeco'), clientId: 'not-the-app' }));
    assert.equal(err.status, 400);
    assert.ok(err.url.startsWith(info.issuer), 'the browser stays at JumpCloud');
    assert.match(err.text, /invalid_client/);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('a declined sign-in (a user outside the app\'s groups) is refused and creates nothing', async () => {
    const err = await refused(submitSignup(info.accounts_base, values('acmeco'), { decline: true }));
    assert.equal(err.status, 403);
    assert.match(err.text, /access_denied/);
    assert.match(err.text, /User Groups/);
    assert.deepEqual(await state(info.accounts_base), { instances: [] });
  });

  test('the right values create the instance only after a real login, and it then answers 200', async () => {
    const instanceUrl = info.instance_template.replace('{domain}', 'acmeco');
    const done = await submitSignup(info.accounts_base, { ...values('AcmeCo') });
    assert.equal(done.instanceUrl, instanceUrl);
    assert.match(done.title, /^Welcome to Acme Co/);
    assert.match(done.text, /Signed in with JumpCloud as admin@acme\.example/);
    const page = await fetch(instanceUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1>Welcome to Acme Co<\/h1>/);
    assert.equal(await status(instanceUrl.replace(/\/$/, '')), 303);
    const { instances } = await state(info.accounts_base);
    assert.equal(instances.length, 1);
    assert.equal(instances[0].domain, 'acmeco');
    assert.equal(instances[0].display_name, 'Acme Co');
    assert.equal(instances[0].email, SANDBOX_LOGIN);
    assert.equal(instances[0].url, instanceUrl);
    assert.ok(!JSON.stringify(instances).includes(saved.clientSecret));
    assert.ok(!JSON.stringify(instances).includes(info.invite_code));

    const again = await refused(submitSignup(info.accounts_base, values('acmeco')));
    assert.equal(again.status, 409);
    assert.match(again.text, /already taken/);
  });

  test('the headless browser fills in the signup form from C1_TEST_BROWSER_FIELDS and completes the sign-in', () => {
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
    const run = spawnSync(process.execPath, [BROWSER, `${info.accounts_base}accounts/signup`], { env, timeout: 30_000 });
    assert.equal(run.status, 0, String(run.stderr));
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const finished = entries.find((e) => e.event === 'finished');
    assert.equal(finished.url, info.instance_template.replace('{domain}', 'browserco'));
    assert.equal(finished.status, 200);
    assert.match(finished.title, /^Welcome to Browser Co/);
    assert.ok(entries.some((e) => e.event === 'request' && e.method === 'POST' && e.url.includes('/interaction/')),
      'it signed in on the JumpCloud stand-in');

    rmSync(log);
    const portal = spawnSync(process.execPath, [BROWSER, `${info.admin_console}#/sso`], { env, timeout: 30_000 });
    assert.equal(portal.status, 0, String(portal.stderr));
    const portalEntries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(portalEntries.filter((e) => e.event === 'request').map((e) => e.method), ['GET']);
    const shown = portalEntries.find((e) => e.event === 'finished');
    assert.equal(shown.status, 200);
    assert.match(shown.text, /Application Saved/);
  });

  test('the headless browser also takes C1_TEST_BROWSER_FIELDS as inline JSON, and ends on the refusal page', () => {
    const log = join(dir, 'browser-inline.log');
    const env = {
      ...process.env,
      C1_TEST_BROWSER_DETACHED: '1',
      C1_TEST_BROWSER_LOG: log,
      C1_TEST_BROWSER_FIELDS: JSON.stringify({
        domain: 'inlineco', display_name: 'Inline Co', invite_code: 'SBX-wrong', client_id: saved.clientId, client_secret: saved.clientSecret,
      }),
    };
    const run = spawnSync(process.execPath, [BROWSER, `${info.accounts_base}accounts/signup`], { env, timeout: 30_000 });
    assert.equal(run.status, 0, String(run.stderr));
    const finished = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'finished');
    assert.equal(finished.status, 403);
    assert.match(finished.text, /invite code is not valid/);
  });

  test('what the admin typed is escaped on the error page', async () => {
    const response = await fetch(`${info.accounts_base}accounts/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        domain: '<script>alert(1)</script>', display_name: 'X', invite_code: info.invite_code, client_id: 'a', client_secret: 'b',
      }).toString(),
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.match(response.headers.get('content-security-policy'), /default-src 'none'/);
  });

  test('the stand-ins answer on 127.0.0.1 only', async () => {
    for (const base of [info.issuer, info.accounts_base]) {
      const { port } = new URL(base);
      await assert.rejects(fetch(`http://[::1]:${port}/`, { signal: AbortSignal.timeout(5000) }));
    }
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
    for (const args of [['--loopback-port', 'abc'], ['--loopback-port', '70000'], ['--overrides'], ['--what']]) {
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

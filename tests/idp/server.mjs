// A real OpenID provider for the login tests, configured like JumpCloud:
// issuer with a trailing slash, one `client_secret_post` client with exact
// redirect URIs, `email` delivered through the claims mapping into the ID
// token, a `memberOf` group claim, opaque access tokens, and the RFC 9207
// `iss` parameter on the authorization response.
//
// Usage: node server.mjs '<json config>'   (or the config in $IDP_CONFIG)
// Config fields (all optional):
//   port            TCP port on 127.0.0.1 (0 = any free port; default 0)
//   client_id       default "c1-test-client"
//   client_secret   default "c1-test-secret"
//   redirect_uris   default ["http://127.0.0.1:38710/callback"]
//   email           default "admin@example.com"
//   omit_email      true: the account has no email attribute mapped
//   groups          the memberOf value: a string or an array (default ["it-admins"])
//
// Once listening it prints one JSON line on stdout: {"issuer": "...", "port": N}.
// The login page at /interaction/<uid> is a form with a `login` field and a
// `decision` of `approve` or `deny` posted to /interaction/<uid>/login;
// `deny` ends the login with `access_denied`, as JumpCloud does for a user
// outside the application's user groups. Consent is granted automatically.

import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

function readConfig() {
  const raw = process.argv[2] ?? process.env.IDP_CONFIG ?? '{}';
  try {
    return JSON.parse(raw);
  } catch (err) {
    console.error(`test idp: the config is not JSON: ${err.message}`);
    process.exit(2);
  }
}

const config = readConfig();
const clientId = config.client_id ?? 'c1-test-client';
const clientSecret = config.client_secret ?? 'c1-test-secret';
const redirectUris = config.redirect_uris ?? ['http://127.0.0.1:38710/callback'];
const email = config.email ?? 'admin@example.com';
const omitEmail = config.omit_email === true;
const groups = config.groups ?? ['it-admins'];

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'test-rsa-1', use: 'sig', alg: 'RS256' };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 16 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function buildProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        application_type: 'web',
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: ['c1-setup-test-idp-cookie-key'] },
    // Scope-requested claims go into the ID token, as JumpCloud's attribute mapping does.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'memberOf'],
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: {
      url(ctx, interaction) {
        return `/interaction/${interaction.uid}`;
      },
    },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          const claims = { sub: id, name: `Test admin ${id}`, memberOf: groups };
          if (!omitEmail) {
            claims.email = email;
            claims.email_verified = true;
          }
          return claims;
        },
      };
    },
    // A first-party application: no consent screen, like a JumpCloud SSO app.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => console.error('test idp server_error:', err));
  return provider;
}

async function interaction(provider, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  if (!match) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const [, uid, login] = match;
  if (!login && req.method === 'GET') {
    const details = await provider.interactionDetails(req, res);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>Sign in</title><p>Prompt: ${escapeHtml(details.prompt.name)}</p>`
      + `<form method="post" action="/interaction/${escapeHtml(uid)}/login">`
      + '<input name="login" value="admin">'
      + '<button name="decision" value="approve">Sign in</button>'
      + '<button name="decision" value="deny">Decline</button></form>',
    );
    return;
  }
  if (login && req.method === 'POST') {
    await provider.interactionDetails(req, res);
    const form = new URLSearchParams(await readBody(req));
    const result = form.get('decision') === 'deny'
      ? { error: 'access_denied', error_description: 'The user is not assigned to this application.' }
      : { login: { accountId: form.get('login') || 'admin' } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
}

const server = createServer();
server.listen(Number(config.port ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}/`;
  const provider = buildProvider(issuer);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((err) => {
        console.error('test idp interaction error:', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${err.message}`);
      });
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

// Exit with the parent: the test harness closes stdin or kills the process.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));

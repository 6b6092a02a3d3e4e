// A real OpenID provider (oidc-provider, pinned) configured like JumpCloud,
// for the sandbox's JumpCloud stand-in (jumpcloud.mjs) and the tests'
// provider (idp-server.mjs).
//
// Like JumpCloud: the issuer keeps its trailing slash; each Custom OIDC app
// authenticates with `client_secret_post` only (Client Secret Basic is
// refused) and has exact redirect URIs; `email` reaches the ID token through
// the attribute mapping; the group claim `memberOf` is what the user record
// says (JumpCloud sends a string for a user in one group); access tokens are
// opaque; the authorization response carries the RFC 9207 `iss` parameter;
// there is no consent screen.
//
// The sign-in page at /interaction/<uid> is a form with a `login` field (a
// user's e-mail address or username, no password) and a `decision` of
// `approve` or `deny` posted to /interaction/<uid>/login. `deny` ends the
// login with `access_denied`, as JumpCloud does for a user outside the
// application's user groups; an unknown user gets the page again, with 401.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import {
  escapeHtml, page, readBody, sendHtml, sendText,
} from './html.mjs';

const SCOPE = 'openid email profile';

/** JumpCloud's endpoint paths (clients read them from discovery anyway). */
export const JUMPCLOUD_ROUTES = {
  authorization: '/oauth2/auth',
  token: '/oauth2/token',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
};

/** A page of the JumpCloud stand-in, `<title>` "<title> - JumpCloud (sandbox)". */
export function jumpCloudPage(title, body) {
  return page({
    title: `${title} - JumpCloud (sandbox)`, brand: 'JumpCloud', color: '#14375a', body,
  });
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `jumpcloud-${randomBytes(6).toString('hex')}`,
    use: 'sig',
    alg: 'RS256',
  };
}

/** The user `login` names (e-mail address or username, any case), or undefined. */
function findUser(users, login) {
  const typed = String(login ?? '').trim().toLowerCase();
  return users.find((user) => typed !== '' && (typed === user.email?.toLowerCase() || typed === user.username.toLowerCase()));
}

function describeUser(user) {
  return user.email
    ? `<strong>${escapeHtml(user.email)}</strong> (username <code>${escapeHtml(user.username)}</code>)`
    : `<strong>${escapeHtml(user.username)}</strong>`;
}

function signInPage(users, uid, problem) {
  const notice = problem
    ? `<p role="alert" class="error">${escapeHtml(problem)}</p>`
    : '';
  const who = users.length === 1
    ? `The sandbox has one user: ${describeUser(users[0])}.`
    : `The sandbox's users: ${users.map(describeUser).join(', ')}.`;
  return jumpCloudPage('Sign in', '<section><h1>Sign in to JumpCloud</h1>'
    + `<p class="note">${who} No password is needed.</p>${notice}`
    + `<form method="post" action="/interaction/${escapeHtml(uid)}/login">`
    + '<label for="login">E-mail address or username</label>'
    + `<input id="login" name="login" value="${escapeHtml(users[0].email ?? users[0].username)}" autocomplete="username">`
    + '<button class="primary" name="decision" value="approve">Sign in</button>'
    + '<button name="decision" value="deny">Decline</button></form></section>');
}

function errorPage(out) {
  const rows = Object.entries(out)
    .map(([key, value]) => `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return jumpCloudPage('Error', `<section class="error"><h1>JumpCloud could not complete the sign-in</h1><table>${rows}</table></section>`);
}

// The provider's storage, in memory: the stand-in forgets everything when it
// stops, which is what a rehearsal or a test wants.
const stores = new Map();
const grantIndex = new Map();

class MemoryAdapter {
  constructor(model) {
    this.model = model;
    if (!stores.has(model)) stores.set(model, new Map());
    this.store = stores.get(model);
  }

  live(id) {
    const entry = this.store.get(id);
    if (!entry) return undefined;
    if (entry.expires && entry.expires < Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  async upsert(id, payload, expiresIn) {
    this.store.set(id, { payload: { ...payload }, expires: expiresIn ? Date.now() + expiresIn * 1000 : 0 });
    if (payload.grantId) {
      const ids = grantIndex.get(payload.grantId) ?? [];
      ids.push([this.model, id]);
      grantIndex.set(payload.grantId, ids);
    }
  }

  async find(id) {
    return this.live(id);
  }

  async findByUid(uid) {
    for (const [id, entry] of this.store) {
      if (entry.payload.uid === uid) return this.live(id);
    }
    return undefined;
  }

  async findByUserCode(userCode) {
    for (const [id, entry] of this.store) {
      if (entry.payload.userCode === userCode) return this.live(id);
    }
    return undefined;
  }

  async consume(id) {
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    this.store.delete(id);
  }

  async revokeByGrantId(grantId) {
    for (const [model, id] of grantIndex.get(grantId) ?? []) stores.get(model)?.delete(id);
    grantIndex.delete(grantId);
  }
}

function buildProvider({ issuer, apps, users, pkceRequired, routes }) {
  const provider = new Provider(issuer, {
    clients: apps.map((app) => ({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      client_name: app.label,
      redirect_uris: app.redirectUris,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      application_type: 'web',
      id_token_signed_response_alg: 'RS256',
    })),
    adapter: MemoryAdapter,
    routes,
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Mapped attributes go into the ID token, as JumpCloud's attribute mapping does.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'memberOf'],
    },
    pkce: { required: () => pkceRequired },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: {
      url(ctx, interaction) {
        return `/interaction/${interaction.uid}`;
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
    async findAccount(ctx, id) {
      const user = users.find((u) => u.id === id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          const claims = { sub: id, name: user.name, memberOf: user.memberOf };
          if (user.email) {
            claims.email = user.email;
            claims.email_verified = true;
          }
          return claims;
        },
      };
    },
    // A first-party SSO application: no consent screen.
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
      grant.addOIDCScope(SCOPE);
      await grant.save();
      return grant;
    },
  });
  // oidc-provider treats Client Secret Basic and Client Secret POST as one
  // family; JumpCloud accepts only the type chosen on the app's SSO tab.
  const tokenPath = routes.token ?? '/token';
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === tokenPath && /^basic\s/i.test(ctx.get('authorization'))) {
      ctx.status = 401;
      ctx.body = {
        error: 'invalid_client',
        error_description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
      };
      return;
    }
    await next();
  });
  provider.on('server_error', (ctx, err) => console.error(`jumpcloud stand-in: server error: ${err.stack ?? err}`));
  return provider;
}

async function interaction(provider, users, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  if (!match) {
    sendText(res, 404, 'not found');
    return;
  }
  const [, uid, login] = match;
  if (!login && req.method === 'GET') {
    await provider.interactionDetails(req, res);
    sendHtml(res, 200, signInPage(users, uid));
    return;
  }
  if (login && req.method === 'POST') {
    const details = await provider.interactionDetails(req, res);
    const form = new URLSearchParams(await readBody(req));
    if (form.get('decision') === 'deny') {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'The user is not assigned to this application.',
      }, { mergeWithLastSubmission: false });
      return;
    }
    const user = findUser(users, form.get('login'));
    if (!user) {
      // 401, not 200: the page is a retry, not a new form to fill in blindly.
      const first = users[0].email ?? users[0].username;
      sendHtml(res, 401, signInPage(users, uid, `There is no user "${form.get('login') ?? ''}" in this sandbox. Sign in as ${first}.`));
      return;
    }
    const result = { login: { accountId: user.id } };
    if (details.prompt.name === 'consent') {
      const grant = new provider.Grant({ clientId: details.params.client_id, accountId: user.id });
      grant.addOIDCScope(SCOPE);
      result.consent = { grantId: await grant.save() };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  sendText(res, 405, 'method not allowed');
}

/**
 * The request handler of a JumpCloud-like provider at `issuer` (this
 * server's own address, trailing slash included): its OpenID endpoints and
 * its sign-in page.
 *
 *   apps          the Custom OIDC apps: [{clientId, clientSecret, redirectUris, label}]
 *   users         who may sign in: [{id, username, email, name, memberOf}]; `id`
 *                 is the `sub`, `email` may be left out (no attribute
 *                 mapped), `memberOf` is sent as it is (a string or an array)
 *   pkceRequired  refuse authorization requests without PKCE (default false,
 *                 as JumpCloud with a client secret)
 *   routes        endpoint paths (default oidc-provider's own: /auth, /token,
 *                 /me, /jwks); JUMPCLOUD_ROUTES for JumpCloud's
 */
export function createJumpCloudProvider({
  issuer, apps, users, pkceRequired = false, routes = {},
}) {
  if (users.length === 0) throw new Error('a JumpCloud stand-in needs at least one user');
  const provider = buildProvider({
    issuer, apps, users, pkceRequired, routes,
  });
  const callback = provider.callback();
  return function handle(req, res) {
    if (!req.url.startsWith('/interaction/')) {
      callback(req, res);
      return;
    }
    interaction(provider, users, req, res).catch((err) => {
      console.error(`jumpcloud stand-in: sign-in page error: ${err.message}`);
      if (!res.headersSent) {
        sendHtml(res, 400, errorPage({ error: 'invalid_request', error_description: err.message }));
      } else {
        res.end();
      }
    });
  };
}

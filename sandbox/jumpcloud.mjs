// The JumpCloud stand-in: the real OpenID provider (oidc-provider) configured
// like JumpCloud, plus a small static "Admin Portal" on the same host.
//
// Like JumpCloud: the issuer keeps its trailing slash; the one Custom OIDC
// app authenticates with `client_secret_post` and has exact redirect URIs;
// `email` reaches the ID token through the attribute mapping; the group
// claim `memberOf` is a string for a user in one group; access tokens are
// opaque; the authorization response carries the RFC 9207 `iss` parameter.
//
// The sign-in page at /interaction/<uid> has the same shape as the test
// provider's (tests/idp/server.mjs): a `login` field and a `decision` of
// `approve` or `deny`. `deny` ends the login with `access_denied`, as
// JumpCloud does for a user outside the application's user groups.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import {
  escapeHtml, page, readBody, redirect, sendHtml, sendText,
} from './html.mjs';

const BRAND = 'JumpCloud';
const COLOR = '#14375a';

/** The one sign-in user of the sandbox. */
export function sandboxUser() {
  return {
    // JumpCloud user ids are 24 hex digits.
    id: randomBytes(12).toString('hex'),
    username: 'admin',
    email: 'admin@acme.example',
    name: 'Acme Admin',
    group: 'it-admins',
  };
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `sandbox-${randomBytes(6).toString('hex')}`,
    use: 'sig',
    alg: 'RS256',
  };
}

/** Whether `login` names the user: the e-mail address or the username. */
function isUser(user, login) {
  const typed = String(login ?? '').trim().toLowerCase();
  return typed === user.email || typed === user.username;
}

function loginPage(user, uid, problem) {
  const notice = problem
    ? `<p role="alert" class="error">${escapeHtml(problem)}</p>`
    : '';
  return page({
    title: 'Sign in - JumpCloud (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: '<section><h1>Sign in to JumpCloud</h1>'
      + `<p class="note">The sandbox has one user: <strong>${escapeHtml(user.email)}</strong> `
      + `(username <code>${escapeHtml(user.username)}</code>). No password is needed.</p>${notice}`
      + `<form method="post" action="/interaction/${escapeHtml(uid)}/login">`
      + '<label for="login">E-mail address or username</label>'
      + `<input id="login" name="login" value="${escapeHtml(user.email)}" autocomplete="username">`
      + '<button class="primary" name="decision" value="approve">Sign in</button>'
      + '<button name="decision" value="deny">Decline</button></form></section>',
  });
}

function errorPage(out) {
  const rows = Object.entries(out)
    .map(([key, value]) => `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return page({
    title: 'Error - JumpCloud (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: `<section class="error"><h1>JumpCloud could not complete the sign-in</h1><table>${rows}</table></section>`,
  });
}

// The provider's storage, in memory: the sandbox forgets everything when it
// stops, which is what a rehearsal wants.
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

function buildProvider({ issuer, app, user }) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: app.clientId,
        client_secret: app.clientSecret,
        client_name: app.label,
        redirect_uris: app.redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        application_type: 'web',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    adapter: MemoryAdapter,
    // JumpCloud's endpoint paths (clients read them from discovery anyway).
    routes: {
      authorization: '/oauth2/auth',
      token: '/oauth2/token',
      userinfo: '/userinfo',
      jwks: '/.well-known/jwks.json',
    },
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Mapped attributes go into the ID token, as JumpCloud's attribute mapping does.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'memberOf'],
    },
    pkce: { required: () => false },
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
      if (id !== user.id) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: user.name,
            email: user.email,
            email_verified: true,
            // One group: JumpCloud sends a string, not an array.
            memberOf: user.group,
          };
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
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // oidc-provider treats Client Secret Basic and Client Secret POST as one
  // family; JumpCloud accepts only the type chosen on the app's SSO tab.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/oauth2/token' && /^basic\s/i.test(ctx.get('authorization'))) {
      ctx.status = 401;
      ctx.body = {
        error: 'invalid_client',
        error_description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
      };
      return;
    }
    await next();
  });
  provider.on('server_error', (ctx, err) => console.error(`sandbox jumpcloud: server error: ${err.message}`));
  return provider;
}

async function interaction(provider, user, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  if (!match) {
    sendText(res, 404, 'not found');
    return;
  }
  const [, uid, login] = match;
  if (!login && req.method === 'GET') {
    await provider.interactionDetails(req, res);
    sendHtml(res, 200, loginPage(user, uid));
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
    if (!isUser(user, form.get('login'))) {
      // 401, not 200: the page is a retry, not a new form to fill in blindly.
      sendHtml(res, 401, loginPage(user, uid, `There is no user "${form.get('login') ?? ''}" in this sandbox. Sign in as ${user.email}.`));
      return;
    }
    const result = { login: { accountId: user.id } };
    if (details.prompt.name === 'consent') {
      const grant = new provider.Grant({ clientId: details.params.client_id, accountId: user.id });
      grant.addOIDCScope('openid email profile');
      result.consent = { grantId: await grant.save() };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  sendText(res, 405, 'method not allowed');
}

function adminPortal({ app, user }) {
  const uris = app.redirectUris.map((u) => `<li><code>${escapeHtml(u)}</code></li>`).join('');
  return page({
    title: 'Admin Portal - JumpCloud (sandbox)',
    brand: BRAND,
    color: COLOR,
    body: '<h1>JumpCloud Admin Portal</h1>'
      + '<p class="note">A sandbox copy of the two Admin Portal pages the setup uses. '
      + 'The ConductorOne application already exists here.</p>'
      + '<section id="/sso" aria-labelledby="sso-title"><h2 id="sso-title">SSO Applications</h2>'
      + '<table><thead><tr><th scope="col">Display Label</th><th scope="col">Type</th><th scope="col">Status</th></tr></thead>'
      + `<tbody><tr><td>${escapeHtml(app.label)}</td><td>Custom OIDC App</td><td>Active</td></tr></tbody></table>`
      + '<h3>SSO settings</h3><table><tbody>'
      + `<tr><th scope="row">Redirect URIs</th><td><ul>${uris}</ul></td></tr>`
      + '<tr><th scope="row">Client Authentication Type</th><td>Client Secret POST</td></tr>'
      + '<tr><th scope="row">User Attribute Mapping</th><td><code>email</code> &larr; <code>email</code></td></tr>'
      + '<tr><th scope="row">Group attribute</th><td><code>memberOf</code></td></tr>'
      + '</tbody></table></section>'
      + '<section id="application-saved" aria-labelledby="saved-title"><h2 id="saved-title">Application Saved</h2>'
      + '<p>Copy these values into ConductorOne.</p><table><tbody>'
      + `<tr><th scope="row">Client ID</th><td><code id="client-id">${escapeHtml(app.clientId)}</code></td></tr>`
      + `<tr><th scope="row">Client Secret</th><td><code id="client-secret">${escapeHtml(app.clientSecret)}</code></td></tr>`
      + '</tbody></table><p class="note">JumpCloud shows the Client Secret only once, right after saving. '
      + 'The sandbox keeps it on this page so you can rehearse again.</p></section>'
      + '<section id="/groups/user" aria-labelledby="groups-title"><h2 id="groups-title">User Groups</h2>'
      + '<table><thead><tr><th scope="col">Group</th><th scope="col">Members</th><th scope="col">Applications</th></tr></thead>'
      + `<tbody><tr><td>${escapeHtml(user.group)}</td><td>${escapeHtml(user.email)}</td>`
      + `<td>${escapeHtml(app.label)}: assigned</td></tr></tbody></table></section>`,
  });
}

/**
 * The JumpCloud stand-in's request handler for `issuer` (which must be this
 * server's own address, trailing slash included). `app` is
 * `{label, clientId, clientSecret, redirectUris}`; `user` comes from
 * `sandboxUser()`.
 */
export function createJumpCloud({ issuer, app, user }) {
  const provider = buildProvider({ issuer, app, user });
  const callback = provider.callback();
  const portal = adminPortal({ app, user });
  return function handle(req, res) {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (path === '/console') {
      redirect(res, '/console/');
      return;
    }
    if (path === '/console/') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendText(res, 405, 'method not allowed');
        return;
      }
      sendHtml(res, 200, portal);
      return;
    }
    if (path.startsWith('/interaction/')) {
      interaction(provider, user, req, res).catch((err) => {
        console.error(`sandbox jumpcloud: sign-in page error: ${err.message}`);
        if (!res.headersSent) {
          sendHtml(res, 400, errorPage({ error: 'invalid_request', error_description: err.message }));
        } else {
          res.end();
        }
      });
      return;
    }
    callback(req, res);
  };
}

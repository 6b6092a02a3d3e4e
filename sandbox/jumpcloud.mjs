// The sandbox's JumpCloud stand-in: the JumpCloud-like OpenID provider
// (jumpcloud-provider.mjs) with JumpCloud's endpoint paths, one user and one
// pre-registered Custom OIDC app, plus a small static "Admin Portal" on the
// same host.

import { randomBytes } from 'node:crypto';
import { JUMPCLOUD_ROUTES, createJumpCloudProvider, jumpCloudPage } from './jumpcloud-provider.mjs';
import {
  escapeHtml, redirect, sendHtml, sendText,
} from './html.mjs';

/** The one sign-in user of the sandbox. */
export function sandboxUser() {
  return {
    // JumpCloud user ids are 24 hex digits.
    id: randomBytes(12).toString('hex'),
    username: 'admin',
    email: 'admin@acme.example',
    name: 'Acme Admin',
    // One group: JumpCloud sends a string, not an array.
    memberOf: 'it-admins',
  };
}

function adminPortal({ app, user }) {
  const uris = app.redirectUris.map((u) => `<li><code>${escapeHtml(u)}</code></li>`).join('');
  return jumpCloudPage('Admin Portal', '<h1>JumpCloud Admin Portal</h1>'
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
    + `<tbody><tr><td>${escapeHtml(user.memberOf)}</td><td>${escapeHtml(user.email)}</td>`
    + `<td>${escapeHtml(app.label)}: assigned</td></tr></tbody></table></section>`);
}

/**
 * The JumpCloud stand-in's request handler for `issuer` (which must be this
 * server's own address, trailing slash included). `app` is
 * `{label, clientId, clientSecret, redirectUris}`; `user` comes from
 * `sandboxUser()`.
 */
export function createJumpCloud({ issuer, app, user }) {
  const provider = createJumpCloudProvider({
    issuer, apps: [app], users: [user], routes: JUMPCLOUD_ROUTES,
  });
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
    provider(req, res);
  };
}

// The tests' OpenID provider: the JumpCloud-like provider
// (jumpcloud-provider.mjs) with oidc-provider's own endpoint paths (/auth,
// /token, ...), PKCE required, one `client_secret_post` client and one user,
// `admin`, on 127.0.0.1. Started by the Rust login tests, the end-to-end
// tests and the benchmark.
//
// Usage: node sandbox/idp-server.mjs '<json config>'   (or the config in $IDP_CONFIG)
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
// The user signs in as `admin` (or the e-mail address) on the sign-in page
// (see jumpcloud-provider.mjs), whose `sub` is "admin".
// It stops when stdin closes, or on SIGTERM.

import { createServer } from 'node:http';
import { createJumpCloudProvider } from './jumpcloud-provider.mjs';

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
const app = {
  label: 'ConductorOne',
  clientId: config.client_id ?? 'c1-test-client',
  clientSecret: config.client_secret ?? 'c1-test-secret',
  redirectUris: config.redirect_uris ?? ['http://127.0.0.1:38710/callback'],
};
const user = {
  id: 'admin',
  username: 'admin',
  email: config.omit_email === true ? undefined : config.email ?? 'admin@example.com',
  name: 'Test admin',
  memberOf: config.groups ?? ['it-admins'],
};

const server = createServer();
server.listen(Number(config.port ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}/`;
  server.on('request', createJumpCloudProvider({
    issuer, apps: [app], users: [user], pkceRequired: true,
  }));
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

// Exit with the parent: the test harness closes stdin or kills the process.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));

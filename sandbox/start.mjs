// Starts the sandbox: a JumpCloud stand-in (a real OpenID provider with one
// pre-registered ConductorOne app and a small Admin Portal) and a
// ConductorOne signup stand-in, each on a free port of 127.0.0.1.
//
// Usage: node sandbox/start.mjs [--overrides <file>] [--loopback-port <N>]
//                               [--taken-domain <name>]... [--unknown-instances 404|redirect]
//                               [--ignore-stdin] [--verbose]
//
//   --overrides <file>     write the assistant's endpoint override file there
//                          (JSON: issuer, admin_console, accounts_base,
//                          instance_template); point C1_SETUP_ENDPOINTS at it
//   --loopback-port <N>    the assistant's loopback port registered as a
//                          redirect URI (default 38710)
//   --taken-domain <name>  ConductorOne refuses this domain as already taken
//                          (repeatable; default none)
//   --unknown-instances 404|redirect
//                          how an instance address nobody has answers: 404
//                          (default), or 302 to ConductorOne's home page
//                          <accounts_base>marketing/, which is not an instance
//   --ignore-stdin         keep running when stdin closes (stop with a signal)
//   --verbose              log signups on stderr (always on in a terminal)
//
// Once both servers listen it prints ONE JSON line on stdout:
//   {"issuer","admin_console","accounts_base","instance_template",
//    "invite_code","user","client_id","signup_url","taken_domains",
//    "unknown_instances"}
// The client secret is not printed: like JumpCloud's "Application Saved"
// popup, only the Admin Portal page shows it.
// It stops when stdin closes (unless --ignore-stdin), or on SIGTERM/SIGINT.

import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createJumpCloud, sandboxUser } from './jumpcloud.mjs';
import {
  SIGNUP_PATH, UNKNOWN_INSTANCE_MODES, createConductorOne, generateInviteCode, isDnsLabel,
} from './conductorone.mjs';
import { randomToken } from './html.mjs';

const DEFAULT_LOOPBACK_PORT = 38710;
const USAGE = 'usage: node sandbox/start.mjs [--overrides <file>] [--loopback-port <N>] '
  + '[--taken-domain <name>]... [--unknown-instances 404|redirect] [--ignore-stdin] [--verbose]';

function usage(problem) {
  console.error(`sandbox: ${problem}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = {
    overrides: null,
    loopbackPort: DEFAULT_LOOPBACK_PORT,
    takenDomains: [],
    unknownInstances: '404',
    ignoreStdin: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      i += 1;
      return argv[i];
    };
    if (arg === '--overrides') {
      options.overrides = resolve(value());
    } else if (arg === '--loopback-port') {
      const text = value();
      const port = Number(text);
      if (!/^\d+$/.test(text) || port < 1 || port > 65535) usage(`--loopback-port must be a port number (1-65535), not "${text}"`);
      options.loopbackPort = port;
    } else if (arg === '--taken-domain') {
      const domain = value().trim().toLowerCase();
      if (!isDnsLabel(domain)) usage(`--taken-domain must be one DNS label (e.g. acmeco), not "${domain}"`);
      if (!options.takenDomains.includes(domain)) options.takenDomains.push(domain);
    } else if (arg === '--unknown-instances') {
      const mode = value();
      if (!UNKNOWN_INSTANCE_MODES.includes(mode)) usage(`--unknown-instances must be ${UNKNOWN_INSTANCE_MODES.join(' or ')}, not "${mode}"`);
      options.unknownInstances = mode;
    } else if (arg === '--ignore-stdin') {
      options.ignoreStdin = true;
    } else if (arg === '--verbose') {
      options.verbose = true;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      usage(`unknown argument "${arg}"`);
    }
  }
  return options;
}

function listen() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePort(server));
  });
}

function writeAtomically(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const verbose = options.verbose || process.stderr.isTTY;
  const log = verbose ? (line) => console.error(`sandbox: ${line}`) : () => {};

  const [jumpcloudServer, conductoroneServer] = await Promise.all([listen(), listen()]);
  const issuer = `http://127.0.0.1:${jumpcloudServer.address().port}/`;
  const adminConsole = `${issuer}console/`;
  const accountsBase = `http://127.0.0.1:${conductoroneServer.address().port}/`;
  const instanceTemplate = `${accountsBase}instances/{domain}/`;

  const user = sandboxUser();
  const app = {
    label: 'ConductorOne',
    clientId: randomUUID(),
    clientSecret: randomToken(48),
    redirectUris: [
      `${accountsBase}auth/callback`,
      `http://127.0.0.1:${options.loopbackPort}/callback`,
    ],
  };
  const inviteCode = generateInviteCode();

  jumpcloudServer.on('request', createJumpCloud({ issuer, app, user }));
  conductoroneServer.on('request', createConductorOne({
    accountsBase,
    issuer,
    inviteCode,
    instanceTemplate,
    takenDomains: options.takenDomains,
    unknownInstances: options.unknownInstances,
    log,
  }));

  const endpoints = {
    issuer,
    admin_console: adminConsole,
    accounts_base: accountsBase,
    instance_template: instanceTemplate,
  };
  if (options.overrides) {
    writeAtomically(options.overrides, `${JSON.stringify(endpoints, null, 2)}\n`);
  }

  process.stdout.write(`${JSON.stringify({
    ...endpoints,
    invite_code: inviteCode,
    user: user.email,
    client_id: app.clientId,
    signup_url: `${accountsBase}${SIGNUP_PATH.slice(1)}`,
    taken_domains: options.takenDomains,
    unknown_instances: options.unknownInstances,
  })}\n`);
  log(`JumpCloud Admin Portal: ${adminConsole}`);
  log(`ConductorOne signup:    ${accountsBase}${SIGNUP_PATH.slice(1)}`);
  log(`invite code: ${inviteCode}   sign in as: ${user.email}`);

  const stop = () => {
    jumpcloudServer.close();
    conductoroneServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (!options.ignoreStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

main().catch((err) => {
  console.error(`sandbox: could not start: ${err.message}`);
  process.exit(1);
});

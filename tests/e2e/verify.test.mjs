// Runs in the dark colour scheme (GTK's dark theme), with axe-core on each
// later step, so both schemes are checked on every step (the journey test
// runs light).
//
// Step 3's "Test sign-in with JumpCloud" in the real window, against the real
// OpenID provider (oidc-provider, configured like JumpCloud) on 127.0.0.1,
// with a headless browser completing the provider's login: first a wrong
// secret (the failure and its fix are shown), then the right one (verified,
// and the admin may continue to step 4).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { Session, answerSaveDialog, freePort, makeHome, repoRoot, screenshotDir, sleep } from "./webdriver.mjs";

const CLIENT_ID = "e2e-jumpcloud-app";
const SECRET = "e2e-idp-client-secret-0123456789";

let home;
let idp;
let conductorone;
let session;
let port;

async function startIdp(config) {
  const child = spawn("node", [join(repoRoot, "sandbox/idp-server.mjs"), JSON.stringify(config)], {
    // The provider runs until its stdin closes: keep a pipe open.
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the test provider exited (${code})`)));
  });
  return { child, ...JSON.parse(line) };
}

/** A minimal ConductorOne: a signup page, and an instance that answers 404 until `live` is set. */
async function axe(where) {
  assert.equal(await session.execute("return matchMedia('(prefers-color-scheme: dark)').matches;"), true, "dark scheme");
  const violations = await session.axe();
  assert.deepEqual(violations, [], `${where} (dark): ${JSON.stringify(violations, null, 1)}`);
}

async function startConductorOne() {
  const state = { live: false, hits: 0 };
  const server = createServer((req, res) => {
    if (req.url.startsWith("/instances/acmeco/")) {
      state.hits += 1;
      res.writeHead(state.live ? 200 : 404, { "content-type": "text/html" }).end(state.live ? "<title>Acme</title>" : "not found");
    } else if (req.url.startsWith("/accounts/signup")) {
      res.writeHead(200, { "content-type": "text/html" }).end("<title>Sign up</title><p>signup form</p>");
    } else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, state, base: `http://127.0.0.1:${server.address().port}/` };
}

function clipboard() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
  } catch {
    return "";
  }
}

before(async () => {
  home = makeHome("c1-setup-verify-");
  conductorone = await startConductorOne();
  port = await freePort();
  idp = await startIdp({ port: 0, client_id: CLIENT_ID, client_secret: SECRET, redirect_uris: [`http://127.0.0.1:${port}/callback`] });
  const overrides = join(home.HOME, "endpoints.json");
  writeFileSync(
    overrides,
    JSON.stringify({
      issuer: idp.issuer,
      accounts_base: conductorone.base,
      instance_template: `${conductorone.base}instances/{domain}/`,
    }),
  );
  session = await Session.start({
    env: {
      ...home,
      C1_SETUP_ENDPOINTS: overrides,
      BROWSER: `node ${join(repoRoot, "sandbox/browser.mjs")}`,
      C1_TEST_BROWSER_LOG: join(home.HOME, "browser.log"),
      GTK_THEME: "Adwaita:dark",
    },
  });
  await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
});

after(async () => {
  await session?.stop();
  idp?.child.kill();
  conductorone?.server.close();
  home?.remove();
});

test("the sandbox banner says the assistant talks to stand-ins", async () => {
  assert.match(await session.text(".banner.sandbox"), /Sandbox/);
});

test("step 1 ends with ConductorOne's signup page: its values copied, the invite code from the keychain", async () => {
  await session.type("#domain", "acmeco");
  await session.type("#display_name", "Acme Co");
  await session.type("#invite_code", "Invite-Code-9");
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
  await session.click("#open-signup");
  await session.waitFor("#signup-paste li");
  const log = join(home.HOME, "browser.log");
  for (let i = 0; i < 50 && !(existsSync(log) && readFileSync(log, "utf8").includes("/accounts/signup")); i++) await sleep(100);
  assert.match(readFileSync(log, "utf8"), /\/accounts\/signup/);
  assert.equal(conductorone.state.hits, 1, "the address was checked once before the signup");
  await session.click('#signup-paste button.copy[data-copy="acmeco"]');
  await session.waitUntil("return [...document.querySelectorAll('#signup-paste .copy-status')].some(s => s.textContent === 'Copied');", [], 5000, "Copied");
  assert.equal(clipboard(), "acmeco");
  await session.click("#copy-invite_code");
  await session.waitUntil("return document.querySelector('#copy-invite_code + .copy-status').textContent.includes('30 seconds');", [], 10000, "the invite code copied");
  assert.equal(clipboard(), "Invite-Code-9", "the invite code exactly, from the keychain");
  assert.equal(await session.execute("return document.body.innerText.includes('Invite-Code-9');"), false, "never shown in the window");
  await axe("step 1 with the signup page open");
  await session.click("#setup-page-seen");
  await session.waitUntil("return document.getElementById('setup-page-seen').checked;", [], 5000, "page 2 confirmed");
  await session.click("#continue");
  await session.waitFor(".form-item");
});

test("step 2, with the loopback port changed in the settings panel", async () => {
  await session.click(".settings summary");
  await session.clearField("#loopback_port");
  await session.type("#loopback_port", String(port));
  await session.click("#apply-port");
  await session.waitFor(`button.copy[data-copy="http://127.0.0.1:${port}/callback"]`);
  await session.click("#continue");
  await session.waitFor(".confirm .panel");
  await session.click("#continue");
  await session.waitFor("#client_id");
});

test("a wrong secret fails with invalid_client and says which JumpCloud fields to check", async () => {
  await session.type("#client_id", CLIENT_ID);
  await session.type("#client_secret", "wrong-secret-0123456789abcdef");
  await session.click("#save-credentials");
  await session.waitUntil("return document.getElementById('stored-status').textContent.startsWith('Client Secret stored');", [], 15000, "stored");
  await session.click("#verify");
  await session
    .waitFor('#verify-result [data-kind="invalid_client"]', 60000)
    .catch(async (err) => {
      const shown = await session.execute("return document.querySelector('.step-body').innerText;");
      throw new Error(`${err.message}\n--- step 3 shows ---\n${shown}`);
    });
  const text = await session.text("#verify-result");
  assert.match(text, /Client Secret POST/);
  await axe("step 3 with a failure");
  assert.equal(await session.execute("return document.getElementById('continue').disabled;"), true);
  await session.screenshot(join(screenshotDir, "step3-failure.png"));
});

test("the right secret verifies the sign-in and offers the signup", async () => {
  await session.type("#client_secret", SECRET);
  await session.click("#save-credentials");
  await session.waitUntil("return document.getElementById('client_secret').value === '';", [], 15000, "the field emptied");
  await session.click("#verify");
  await session.waitFor('#verify-result [data-outcome="verified"]', 60000);
  const text = await session.text("#verify-result");
  assert.match(text, /admin@example\.com/);
  await session.screenshot(join(screenshotDir, "step3-verified.png"));
  await axe("step 3 verified");
  await session.waitFor("#signup-submitted");
  assert.equal(await session.execute("return document.getElementById('continue').disabled;"), true, "step 4 waits for the instance");
});

test("signup: the Client ID and secret for ConductorOne's second page, and the instance is confirmed live", { timeout: 120000 }, async () => {
  await session.waitFor("#paste-helper li");
  await session.click(`#paste-helper button.copy[data-copy="${CLIENT_ID}"]`);
  await session.waitUntil("return [...document.querySelectorAll('#paste-helper .copy-status')].some(s => s.textContent === 'Copied');", [], 5000, "Copied");
  assert.equal(clipboard(), CLIENT_ID);
  await session.click("#copy-client_secret");
  await session.waitUntil("return document.querySelector('#copy-client_secret + .copy-status').textContent.includes('30 seconds');", [], 10000, "the secret copied");
  assert.equal(clipboard(), SECRET, "the secret exactly, from the keychain");
  assert.equal(await session.execute(`return document.body.innerText.includes(${JSON.stringify(SECRET)});`), false, "never shown in the window");
  await session.click("#signup-submitted");
  await session.waitFor('#instance-status [data-probe="not_yet"]', 30000);
  await session.screenshot(join(screenshotDir, "step3-signup.png"));
  await axe("signup");
  conductorone.state.live = true;
  await session.waitFor('#instance-status [data-outcome="live"]', 60000);
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
  await session.click("#continue");
  await session.waitUntil("return document.getElementById('step-heading').textContent === 'Give your colleagues access';", [], 5000, "step 4");
  await session.screenshot(join(screenshotDir, "step4.png"));
});

test("step 4: the user groups page, the checklist, the optional clean-up, then Finish", async () => {
  await session.click("#open-groups");
  await session.waitFor("#access-instructions li");
  const log = join(home.HOME, "browser.log");
  await session.waitUntil("return document.querySelector('.panel p') !== null;", [], 5000, "the opened notice");
  for (let i = 0; i < 50 && !readFileSync(log, "utf8").includes("#/groups/user"); i++) await sleep(100);
  assert.match(readFileSync(log, "utf8"), /console\.jumpcloud\.com\/#\/groups\/user/);
  const cleanup = await session.text("#cleanup");
  assert.match(cleanup, new RegExp(`127\\.0\\.0\\.1:${port}/callback`));
  assert.match(cleanup, /verify-sso/);
  for (const id of ["pick_group", "tick_application", "save_group"]) await session.click(`#access-${id}`);
  await session.screenshot(join(screenshotDir, "step4-filled.png"));
  await axe("step 4");
  assert.equal(await session.text("#continue"), "Finish");
  await session.click("#continue");
  await session.waitUntil("return document.getElementById('step-heading').textContent === 'ConductorOne is set up with JumpCloud';", [], 5000, "the done screen");
  await session.waitFor(".done .summary-list");
  await sleep(300);
  await session.screenshot(join(screenshotDir, "done.png"));
  await axe("done");
});

test("done: Export setup report writes Markdown with every value and no secret", async () => {
  const target = join(home.HOME, "setup-report.md");
  await session.click("#export-report");
  await answerSaveDialog("Export the setup report", target);
  await session.waitUntil("return document.getElementById('export-status').textContent.startsWith('Report saved to');", [], 10000, "Report saved");
  const report = readFileSync(target, "utf8");
  for (const value of ["acmeco", "Acme Co", CLIENT_ID, "admin@example.com", idp.issuer, `http://127.0.0.1:${port}/callback`]) {
    assert.ok(report.includes(value), `the report has ${value}`);
  }
  for (const secret of [SECRET, "Invite-Code-9"]) assert.ok(!report.includes(secret), "no secret in the report");
});

test("done: relaunching opens the done screen", async () => {
  await session.stop();
  session = await Session.start({ env: { ...home, C1_SETUP_ENDPOINTS: join(home.HOME, "endpoints.json"), GTK_THEME: "Adwaita:dark" } });
  await session.waitUntil("return document.getElementById('step-heading').textContent === 'ConductorOne is set up with JumpCloud';", [], 10000, "the done screen after relaunch");
  assert.equal(await session.execute("return document.querySelectorAll('.step-item.done').length;"), 4);
});

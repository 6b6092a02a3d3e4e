// Step 3's "Sign up with JumpCloud" in the real window, against the real
// OpenID provider (oidc-provider, configured like JumpCloud) on 127.0.0.1,
// with a headless browser completing the provider's login: first a wrong
// secret (the failure and its fix are shown), then the right one (verified,
// and the admin may continue to step 4).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Session, freePort, makeHome, repoRoot, screenshotDir } from "./webdriver.mjs";

const CLIENT_ID = "e2e-jumpcloud-app";
const SECRET = "e2e-idp-client-secret-0123456789";

let home;
let idp;
let session;
let port;

async function startIdp(config) {
  const child = spawn("node", [join(repoRoot, "tests/idp/server.mjs"), JSON.stringify(config)], {
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

before(async () => {
  home = makeHome("c1-setup-verify-");
  port = await freePort();
  idp = await startIdp({ port: 0, client_id: CLIENT_ID, client_secret: SECRET, redirect_uris: [`http://127.0.0.1:${port}/callback`] });
  const overrides = join(home.HOME, "endpoints.json");
  writeFileSync(overrides, JSON.stringify({ issuer: idp.issuer }));
  session = await Session.start({
    env: {
      ...home,
      C1_SETUP_ENDPOINTS: overrides,
      BROWSER: `node ${join(repoRoot, "tests/idp/browser.mjs")}`,
      C1_TEST_BROWSER_LOG: join(home.HOME, "browser.log"),
    },
  });
  await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
});

after(async () => {
  await session?.stop();
  idp?.child.kill();
  home?.remove();
});

test("the sandbox banner says the assistant talks to stand-ins", async () => {
  assert.match(await session.text(".banner.sandbox"), /Sandbox/);
});

test("steps 1 and 2, with the loopback port changed in the settings panel", async () => {
  await session.type("#domain", "acmeco");
  await session.type("#display_name", "Acme Co");
  await session.type("#invite_code", "Invite-Code-9");
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
  await session.click("#continue");
  await session.waitFor(".form-item");
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
  assert.equal(await session.execute("return document.getElementById('continue').disabled;"), true);
  await session.screenshot(join(screenshotDir, "step3-failure.png"));
});

test("the right secret verifies the sign-in and unlocks step 4", async () => {
  await session.type("#client_secret", SECRET);
  await session.click("#save-credentials");
  await session.waitUntil("return document.getElementById('client_secret').value === '';", [], 15000, "the field emptied");
  await session.click("#verify");
  await session.waitFor('#verify-result [data-outcome="verified"]', 60000);
  const text = await session.text("#verify-result");
  assert.match(text, /admin@example\.com/);
  await session.screenshot(join(screenshotDir, "step3-verified.png"));
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
  await session.click("#continue");
  await session.waitUntil("return document.getElementById('step-heading').textContent === 'Give your colleagues access';", [], 5000, "step 4");
  await session.screenshot(join(screenshotDir, "step4.png"));
});

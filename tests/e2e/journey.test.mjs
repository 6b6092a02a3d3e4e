// The headline test: an admin goes from an empty assistant to a live
// ConductorOne instance, in the real window, with the real Secret Service and
// the sandbox stand-ins for JumpCloud and ConductorOne, through ConductorOne's
// two signup pages in the documented order (page 1 after step 1, page 2 after
// the test sign-in). The ConductorOne stand-in redirects addresses that have
// no instance to its home page, like many services do: the assistant must
// not call that "live" before the signup completes. axe-core checks every
// step (light scheme; verify.test.mjs covers the later steps in dark), and
// every step is captured for the README.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Session, answerSaveDialog, makeHome, repoRoot, screenshotDir, sleep } from "./webdriver.mjs";
import { readApplicationSaved, startSignup, SANDBOX_LOGIN } from "../../sandbox/client.mjs";

const SERVICE = "dev.c1setup.assistant";
let home;
let sandbox;
let session;
let info;
let browserLog;
const shots = join(repoRoot, "docs", "screenshots");

function clipboard() {
  return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
}

async function setClipboard(text) {
  const child = spawn("xclip", ["-i", "-selection", "clipboard"], { stdio: ["pipe", "ignore", "ignore"] });
  child.stdin.end(text);
  await sleep(300);
}

async function copyOf(selector) {
  await session.click(selector);
  await sleep(300);
  return clipboard();
}

async function axe(where) {
  const violations = await session.axe();
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 1)}`);
}

async function shot(name) {
  await sleep(200);
  await session.screenshot(join(screenshotDir, `journey-${name}.png`));
  if (process.env.C1_SETUP_UPDATE_SCREENSHOTS) await session.screenshot(join(shots, `${name}.png`));
}

const heading = () => session.text("#step-heading");

before(async () => {
  home = makeHome("c1-setup-journey-");
  browserLog = join(home.HOME, "browser.log");
  const overrides = join(home.HOME, "endpoints.json");
  sandbox = spawn("node", [join(repoRoot, "sandbox/start.mjs"), "--overrides", overrides, "--unknown-instances", "redirect"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  info = JSON.parse(await new Promise((resolve) => createInterface({ input: sandbox.stdout }).once("line", resolve)));
  session = await Session.start({
    env: { ...home, C1_SETUP_ENDPOINTS: overrides, BROWSER: `node ${join(repoRoot, "sandbox/browser.mjs")}`, C1_TEST_BROWSER_LOG: browserLog, C1_TEST_BROWSER_LOGIN: SANDBOX_LOGIN },
  });
  await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
});

after(async () => {
  await session?.stop();
  sandbox?.stdin.end();
  sandbox?.kill();
  home?.remove();
});

test("journey: from an empty assistant to a live instance", { timeout: 300000 }, async () => {
  // Step 1: a bad domain first, then good values.
  assert.match(await session.text(".banner.sandbox"), /Sandbox/);
  await axe("step 1");
  await shot("step1");
  await session.type("#domain", "Acme Co!");
  await session.waitFor("#domain-error:not(:empty)");
  assert.equal(await session.attr("#domain", "aria-invalid"), "true");
  await axe("step 1 with an error");
  await session.clearField("#domain");
  await session.type("#domain", "acmejourney");
  await session.type("#display_name", "Acme Journey");
  await session.type("#invite_code", info.invite_code);
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");

  // ConductorOne's signup, page 1: the three values, then its own "Sign up with JumpCloud".
  await session.click("#open-signup");
  await session.waitFor("#signup-paste li");
  const page1 = {
    domain: await copyOf('#signup-paste button.copy[data-copy="acmejourney"]'),
    displayName: await copyOf('#signup-paste button.copy[data-copy="Acme Journey"]'),
    inviteCode: await copyOf("#copy-invite_code"),
  };
  assert.equal(page1.inviteCode, info.invite_code);
  const signup = await startSignup(info.accounts_base, page1);
  assert.match(signup.html, /Setting up JumpCloud to work with ConductorOne/);
  await session.click("#setup-page-seen");
  await session.waitUntil("return document.getElementById('setup-page-seen').checked;", [], 5000, "page 2 confirmed");
  await axe("step 1 with the signup started");
  await shot("step1-signup");
  await session.click("#continue");

  // Step 2: open the Admin Portal and read the app's credentials from its "Application Saved" popup.
  await session.waitFor(".form-item");
  assert.equal(await heading(), "Create the OIDC app in JumpCloud");
  await axe("step 2");
  await shot("step2");
  await session.click("#open-portal");
  for (let i = 0; i < 50 && !(existsSync(browserLog) && readFileSync(browserLog, "utf8").includes("/console/")); i++) await sleep(100);
  assert.match(readFileSync(browserLog, "utf8"), new RegExp(`${info.admin_console.replace(/[.]/g, "\\.")}#/sso`));
  const credentials = await readApplicationSaved(info.admin_console);
  for (const id of ["create_app", "redirect_uris", "client_authentication", "login_url", "attribute_mapping", "user_groups", "activate"]) {
    await session.click(`#check-${id}`);
  }
  await session.click("#continue");

  // Step 3: paste both values, see them stored, sign in with JumpCloud.
  await session.waitFor("#client_id");
  await setClipboard(credentials.clientId);
  await session.click("#paste-client_id");
  await session.waitUntil(`return document.getElementById('client_id').value === ${JSON.stringify(credentials.clientId)};`, [], 5000, "the pasted Client ID");
  await setClipboard(credentials.clientSecret);
  // Paste stores the secret straight from the clipboard into the keychain.
  await session.click("#paste-client_secret");
  await session.waitUntil("return document.getElementById('stored-status').textContent.startsWith('Client Secret stored');", [], 15000, "stored");
  await axe("step 3");
  await shot("step3");
  assert.equal(
    execFileSync("secret-tool", ["lookup", "service", SERVICE, "account", `acmejourney/jumpcloud-client-secret/${credentials.clientId}`], { encoding: "utf8" }),
    credentials.clientSecret,
  );
  await session.click("#verify");
  await session.waitFor('#verify-result [data-outcome="verified"]', 60000);
  assert.match(await session.text("#verify-result"), new RegExp(SANDBOX_LOGIN.replace(".", "\\.")));
  await axe("step 3 verified");

  // ConductorOne's signup, page 2: the Client ID and secret, then its "Sign up with JumpCloud".
  await session.waitFor("#paste-helper li");
  const page2 = {
    clientId: await copyOf(`#paste-helper button.copy[data-copy="${credentials.clientId}"]`),
    clientSecret: await copyOf("#copy-client_secret"),
  };
  assert.equal(page2.clientSecret, credentials.clientSecret);
  await axe("signup");
  await shot("signup");
  // The admin says they submitted before ConductorOne finished: the address
  // still redirects elsewhere, and that is never "live".
  await session.click("#signup-submitted");
  await session.waitFor('#instance-status [data-probe="elsewhere"]', 30000);
  await sleep(2500);
  assert.equal(await session.execute("return document.querySelector('#instance-status [data-outcome=\"live\"]') === null;"), true, "not live before the signup completed");
  assert.equal(await session.execute("return document.getElementById('continue').disabled;"), true);
  const created = await signup.finish(page2, { login: SANDBOX_LOGIN });
  assert.match(created.instanceUrl, /acmejourney/);
  await session.waitFor('#instance-status [data-outcome="live"]', 90000);
  await session.click("#continue");

  // Step 4 and the done screen, with the report.
  await session.waitFor("#access-instructions li");
  assert.equal(await heading(), "Give your colleagues access");
  await axe("step 4");
  await shot("step4");
  for (const id of ["pick_group", "tick_application", "save_group"]) await session.click(`#access-${id}`);
  await session.click("#continue");
  await session.waitFor(".done .summary-list");
  await axe("done");
  await shot("done");
  const report = join(home.HOME, "report.md");
  await session.click("#export-report");
  await answerSaveDialog("Export the setup report", report);
  await session.waitUntil("return document.getElementById('export-status').textContent.startsWith('Report saved to');", [], 10000, "Report saved");
  const text = readFileSync(report, "utf8");
  assert.ok(text.includes("acmejourney") && text.includes(credentials.clientId) && text.includes(SANDBOX_LOGIN));
  assert.ok(!text.includes(credentials.clientSecret) && !text.includes(info.invite_code), "no secret in the report");
});

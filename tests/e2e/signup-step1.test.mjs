// ConductorOne's signup page 1 at the end of step 1, in the real window,
// against the sandbox: a wrong invite code and a taken domain are learnt
// from ConductorOne while the admin is still at step 1, corrected there, and
// once page 2 shows and is ticked, Continue goes on without a question.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Session, makeHome, repoRoot, sleep } from "./webdriver.mjs";
import { startSignup, SANDBOX_LOGIN } from "../../sandbox/client.mjs";

const SETUP_PAGE_TITLE = "Setting up JumpCloud to work with ConductorOne";
const TAKEN = "acmetaken";
let sandboxHome;
let sandbox;
let info;
let overrides;

before(async () => {
  sandboxHome = makeHome("c1-setup-signup-sandbox-");
  overrides = join(sandboxHome.HOME, "endpoints.json");
  sandbox = spawn("node", [join(repoRoot, "sandbox/start.mjs"), "--overrides", overrides, "--taken-domain", TAKEN], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  info = JSON.parse(await new Promise((resolve) => createInterface({ input: sandbox.stdout }).once("line", resolve)));
});

after(() => {
  sandbox?.stdin.end();
  sandbox?.kill();
  sandboxHome?.remove();
});

function clipboard() {
  return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
}

/** Presses a Copy button and returns what it put on the clipboard. */
async function copyOf(session, selector) {
  const sentinel = `nothing-copied-${Math.random()}`;
  const child = spawn("xclip", ["-i", "-selection", "clipboard"], { stdio: ["pipe", "ignore", "ignore"] });
  child.stdin.end(sentinel);
  for (let i = 0; i < 50; i++) {
    try {
      if (clipboard() === sentinel) break;
    } catch {
      // not owned yet
    }
    await sleep(100);
  }
  await session.click(selector);
  for (let i = 0; i < 100; i++) {
    const now = clipboard();
    if (now !== sentinel) return now;
    await sleep(100);
  }
  throw new Error(`${selector} put nothing on the clipboard`);
}

/** The three values of page 1, copied with the assistant's Copy buttons. */
async function copyPage1(session, domain, displayName) {
  await session.waitFor("#signup-paste li");
  return {
    domain: await copyOf(session, `#signup-paste button.copy[data-copy="${domain}"]`),
    displayName: await copyOf(session, `#signup-paste button.copy[data-copy="${displayName}"]`),
    inviteCode: await copyOf(session, "#copy-invite_code"),
  };
}

async function withApp(fn) {
  const home = makeHome("c1-setup-signup-");
  const browserLog = join(home.HOME, "browser.log");
  const session = await Session.start({
    env: {
      ...home,
      C1_SETUP_ENDPOINTS: overrides,
      BROWSER: `node ${join(repoRoot, "sandbox/browser.mjs")}`,
      C1_TEST_BROWSER_LOG: browserLog,
      C1_TEST_BROWSER_LOGIN: SANDBOX_LOGIN,
    },
  });
  try {
    await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
    await fn(session, browserLog);
  } finally {
    await session.stop();
    home.remove();
    await sleep(500);
  }
}

const step = (session) => session.execute("return document.querySelector('form.step').dataset.step;");

/** The URLs the browser was asked to open (sandbox/browser.mjs logs one JSON object per line). */
function opened(browserLog) {
  if (!existsSync(browserLog)) return [];
  return readFileSync(browserLog, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((e) => e.event === "opened")
    .map((e) => e.url);
}

/** Presses "Open ConductorOne's signup page" and waits for the browser to be asked to open it, the `times`th time. */
async function openSignup(session, browserLog, times) {
  await session.click("#open-signup");
  for (let i = 0; i < 100 && opened(browserLog).length < times; i++) await sleep(100);
  assert.deepEqual(opened(browserLog), Array(times).fill(info.signup_url), `ConductorOne's signup page opened ${times} time(s)`);
  await session.waitUntil("return document.getElementById('open-signup').textContent.endsWith('again');", [], 10000, "the button's label saying 'again'");
}

async function fill(session, domain, displayName, inviteCode) {
  await session.type("#domain", domain);
  await session.type("#display_name", displayName);
  await session.type("#invite_code", inviteCode);
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
}

test("a wrong invite code is learnt from ConductorOne at step 1, corrected there, then Continue goes straight on", { timeout: 120000 }, async () => {
  await withApp(async (session, browserLog) => {
    const wrong = `${info.invite_code}-wrong`;
    await fill(session, "acmesignup", "Acme Signup", wrong);
    assert.equal(await session.text("#open-signup"), "Open ConductorOne's signup page");
    await openSignup(session, browserLog, 1);
    assert.equal(await session.execute("return document.getElementById('invite_code').value;"), "", "the code went to the keychain");

    // Page 1 with the copied values: ConductorOne says the invite code is wrong.
    const first = await copyPage1(session, "acmesignup", "Acme Signup");
    assert.deepEqual(first, { domain: "acmesignup", displayName: "Acme Signup", inviteCode: wrong });
    // The copied code asks clipboard managers (KDE's Klipper and others) to keep it out of their history.
    const targets = execFileSync("xclip", ["-o", "-selection", "clipboard", "-t", "TARGETS"], { encoding: "utf8", timeout: 5000 });
    assert.match(targets, /x-kde-passwordManagerHint/);
    const refused = await startSignup(info.accounts_base, first).then(
      () => assert.fail("ConductorOne accepted a wrong invite code"),
      (err) => err,
    );
    assert.equal(refused.name, "SignupFailed", String(refused));
    assert.equal(refused.field, "invite_code");
    assert.equal(refused.code, "invalid");
    assert.equal(await step(session), "instance", "still at step 1");

    // Corrected in the assistant, opened again, copied again: page 2 shows.
    await session.type("#invite_code", info.invite_code);
    await openSignup(session, browserLog, 2);
    const second = await copyPage1(session, "acmesignup", "Acme Signup");
    assert.deepEqual(second, { domain: "acmesignup", displayName: "Acme Signup", inviteCode: info.invite_code });
    const page2 = await startSignup(info.accounts_base, second);
    assert.match(page2.text, new RegExp(SETUP_PAGE_TITLE));
    assert.equal(page2.domain, "acmesignup");

    // Ticked: Continue goes to step 2 without the question.
    await session.click("#setup-page-seen");
    await session.waitUntil("return document.getElementById('setup-page-seen').checked;", [], 5000, "the tick");
    await session.click("#continue");
    await session.waitUntil(
      "return document.querySelector('form.step').dataset.step !== 'instance' || document.querySelector('.confirm .panel');",
      [], 15000, "step 2, or step 1's question",
    );
    assert.equal(await step(session), "jumpcloud_app", "Continue went to step 2 without asking");
  });
});

test("a taken domain is learnt from ConductorOne at step 1", { timeout: 120000 }, async () => {
  await withApp(async (session, browserLog) => {
    await fill(session, TAKEN, "Acme Taken", info.invite_code);
    await openSignup(session, browserLog, 1);
    const values = await copyPage1(session, TAKEN, "Acme Taken");
    const refused = await startSignup(info.accounts_base, values).then(
      () => assert.fail("ConductorOne accepted a taken domain"),
      (err) => err,
    );
    assert.equal(refused.name, "SignupFailed", String(refused));
    assert.equal(refused.field, "domain");
    assert.equal(refused.code, "taken");
    assert.equal(await step(session), "instance", "still at step 1");

    // Another domain, the stored invite code kept: page 2 shows.
    await session.clearField("#domain");
    await session.type("#domain", "acmenottaken");
    await openSignup(session, browserLog, 2);
    const again = await copyPage1(session, "acmenottaken", "Acme Taken");
    assert.equal(again.inviteCode, info.invite_code);
    const page2 = await startSignup(info.accounts_base, again);
    assert.match(page2.text, new RegExp(SETUP_PAGE_TITLE));
  });
});

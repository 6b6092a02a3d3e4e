// Steps 2 and 3 against the real system: the Copy button fills the X
// clipboard, "Open JumpCloud Admin Portal" runs $BROWSER and, without it, the
// system opener (xdg-open), a relaunch resumes where the admin left off, the Client Secret goes from
// the clipboard into the real Secret Service and nowhere else.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Session, answerSaveDialog, makeHome, repoRoot, screenshotDir, sleep } from "./webdriver.mjs";

const INVITE = "Case-Sensitive-Invite-7";
const CLIENT_ID = "e2e-client-0a1b2c";
const SECRET = "Zx9-e2e-Secret-value-0123456789";
const SERVICE = "dev.c1setup.assistant";

let home;
let session;
let browserLog;
const driverOutput = [];

function clipboard() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
  } catch {
    return "";
  }
}

async function setClipboard(text) {
  const child = spawn("xclip", ["-i", "-selection", "clipboard"], { stdio: ["pipe", "ignore", "ignore"] });
  child.stdin.end(text);
  await new Promise((resolve) => child.on("spawn", resolve));
  await sleep(300);
}

function secretTool(account) {
  try {
    return execFileSync("secret-tool", ["lookup", "service", SERVICE, "account", account], { encoding: "utf8", timeout: 10000 });
  } catch {
    return null;
  }
}

const recordBrowser = join(repoRoot, "tests/e2e/record-browser.sh");

/** Starts the app; `systemOpener`: without $BROWSER, with a recording `xdg-open` first on PATH. */
async function open({ systemOpener = false } = {}) {
  let env = { ...home, BROWSER: recordBrowser, C1_TEST_BROWSER_LOG: browserLog };
  if (systemOpener) {
    const bin = join(home.HOME, "bin");
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, "xdg-open"))) symlinkSync(recordBrowser, join(bin, "xdg-open"));
    env = { ...env, BROWSER: "", PATH: `${bin}:${process.env.PATH}` };
  }
  const s = await Session.start({ env });
  await s.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
  return s;
}

before(async () => {
  home = makeHome("c1-setup-capture-");
  browserLog = join(home.HOME, "browser.log");
  session = await open();
});

after(async () => {
  if (session) {
    driverOutput.push(...session.log);
    await session.stop();
  }
  home?.remove();
});

test("step 1 stores the invite code, exact case, in the Secret Service", async () => {
  await session.type("#domain", "acmeco");
  await session.type("#display_name", "Acme Co");
  await session.type("#invite_code", INVITE);
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
  await session.continueFromStep1();
  await session.waitFor(".form-item");
  assert.equal(secretTool("acmeco/conductorone-invite-code"), INVITE);
});

test("step 2: Copy puts the exact value on the system clipboard", async () => {
  const text = "http://127.0.0.1:38710/callback";
  await session.click(`button.copy[data-copy="${text}"]`);
  await session.waitUntil("return [...document.querySelectorAll('.copy-status')].some(s => s.textContent === 'Copied');", [], 5000, "Copied");
  assert.equal(clipboard(), text);
});

test("step 2: Open JumpCloud Admin Portal runs the system opener with the SSO page", async () => {
  await session.click("#open-portal");
  await session.waitFor(".open-result .panel");
  for (let i = 0; i < 50 && !existsSync(browserLog); i++) await sleep(100);
  assert.deepEqual(readFileSync(browserLog, "utf8").trim().split("\n"), ["https://console.jumpcloud.com/#/sso"]);
});

test("quit and relaunch resumes at step 2 with the values shown; without $BROWSER, xdg-open opens the page", async () => {
  await session.click("#check-create_app");
  await sleep(300);
  driverOutput.push(...session.log);
  await session.stop();
  session = await open({ systemOpener: true });
  const heading = await session.text("#step-heading");
  assert.equal(heading, "Create the OIDC app in JumpCloud");
  assert.equal(await session.execute("return document.getElementById('check-create_app').checked;"), true);
  await session.click("#open-portal");
  for (let i = 0; i < 50 && readFileSync(browserLog, "utf8").trim().split("\n").length < 2; i++) await sleep(100);
  assert.deepEqual(readFileSync(browserLog, "utf8").trim().split("\n"), [
    "https://console.jumpcloud.com/#/sso",
    "https://console.jumpcloud.com/#/sso",
  ]);
  await session.click("#back");
  await session.waitUntil("return document.getElementById('domain').value === 'acmeco';", [], 5000, "the saved domain");
  assert.equal(await session.execute("return document.getElementById('display_name').value;"), "Acme Co");
  assert.equal(await session.execute("return document.getElementById('invite_code').value;"), "");
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue with the stored code");
  await session.continueFromStep1();
  await session.waitFor(".form-item");
  await session.click("#continue");
  await session.waitFor(".confirm .panel");
  await session.click("#continue");
  await session.waitFor("#client_id");
});

test("step 3: Paste stores the secret from the clipboard in the keychain; it never reaches the page", async () => {
  await session.type("#client_id", CLIENT_ID);
  await setClipboard(SECRET);
  await session.click("#paste-client_secret");
  const status = await session.waitUntil(
    "const s = document.getElementById('stored-status').textContent; return s.startsWith('Client Secret stored in') ? s : null;",
    [],
    15000,
    "Stored in ...",
  );
  assert.match(status, /GNOME Keyring|Secret Service/);
  assert.match(status, /clipboard was emptied/);
  assert.equal(await session.execute("return document.getElementById('client_secret').value;"), "");
  assert.notEqual(clipboard().trim(), SECRET);
  assert.equal(secretTool(`acmeco/jumpcloud-client-secret/${CLIENT_ID}`), SECRET);
  // The window itself may not read the clipboard.
  const refused = await session.execute(
    "return window.__TAURI_INTERNALS__.invoke('plugin:clipboard-manager|read_text').then(() => 'read', (e) => String(e));",
  );
  assert.match(refused, /not allowed/);
  await session.screenshot(join(screenshotDir, "step3-stored.png"));
});

test("step 3: an empty clipboard is explained at the field", async () => {
  await setClipboard("");
  await session.click("#paste-client_secret");
  await session.waitUntil("return document.getElementById('client_secret').getAttribute('aria-invalid') === 'true';", [], 5000, "the field error");
  assert.match(await session.text("#client_secret-error"), /clipboard holds no text/);
});

test("no plaintext: neither the secret nor the invite code is in any file or output", async () => {
  driverOutput.push(...session.log);
  const hits = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else if (info.isFile() && info.size < 50_000_000) {
        const text = readFileSync(path, "latin1");
        for (const needle of [SECRET, INVITE]) if (text.includes(needle)) hits.push(`${path}: ${needle === SECRET ? "secret" : "invite code"}`);
      }
    }
  };
  // The app's config (state file), data, cache and log directories all live under this home.
  walk(home.HOME);
  const output = driverOutput.join("");
  for (const needle of [SECRET, INVITE]) if (output.includes(needle)) hits.push("app output");
  assert.ok(existsSync(join(home.XDG_CONFIG_HOME, SERVICE, "state.json")), "the state file exists");
  assert.deepEqual(hits, []);
});

// A crash in the middle of step 3 (SIGKILL, no chance to save on exit) loses
// nothing: the relaunched assistant resumes at step 3 with the Client ID, and
// the secret is still in the keychain. A crash in the middle of a save (the
// debug build's fault injection stops the process just before the rename)
// leaves the previous progress intact, and the relaunch removes the
// temporary file the crash left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Session, appPath, makeHome, sleep } from "./webdriver.mjs";

const CLIENT_ID = "kill-test-client";

function appPids(home) {
  // Only the assistant started for this home (tests run one at a time).
  let out;
  try {
    out = execFileSync("pgrep", ["-f", appPath()], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return []; // pgrep found none
  }
  return out.filter((pid) => {
    try {
      return execFileSync("cat", [`/proc/${pid}/environ`], { encoding: "latin1" }).includes(`HOME=${home}`);
    } catch {
      return false;
    }
  });
}

/** Step 1 filled in and confirmed, then step 2 with its first item ticked. */
async function toStep2(session, domain, displayName, inviteCode) {
  await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
  await session.type("#domain", domain);
  await session.type("#display_name", displayName);
  await session.type("#invite_code", inviteCode);
  await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
  await session.continueFromStep1();
  await session.waitFor(".form-item");
  await session.click("#check-create_app");
}

test("SIGKILL during step 3, relaunch: resumes at step 3 with nothing lost", { timeout: 120000 }, async () => {
  const home = makeHome("c1-setup-kill-");
  let session = await Session.start({ env: home });
  try {
    await toStep2(session, "killco", "Kill Co", "Kill-Invite-1");
    await session.click("#continue");
    await session.waitFor(".confirm .panel");
    await session.click("#continue");
    await session.type("#client_id", CLIENT_ID);
    await session.type("#client_secret", "kill-test-secret-0123456789");
    await session.click("#save-credentials");
    await session.waitUntil("return document.getElementById('stored-status').textContent.startsWith('Client Secret stored');", [], 15000, "stored");

    const pids = appPids(home.HOME);
    assert.equal(pids.length, 1, `one assistant process for this test (${pids.join(", ")})`);
    process.kill(Number(pids[0]), "SIGKILL");
    await sleep(500);
    await session.stop();

    session = await Session.start({ env: home });
    await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
    assert.equal(await session.text("#step-heading"), "Connect JumpCloud to ConductorOne");
    assert.equal(await session.execute("return document.getElementById('client_id').value;"), CLIENT_ID);
    assert.match(await session.text("#stored-status"), /Client Secret stored in/);
    assert.equal(await session.execute("return document.getElementById('verify').disabled;"), false);
    await session.click("#back");
    await session.waitFor(".form-item");
    assert.equal(await session.execute("return document.getElementById('check-create_app').checked;"), true);
  } finally {
    await session.stop();
    home.remove();
  }
});

test("a crash in the middle of a save, relaunch: the previous progress, no temporary file", { timeout: 120000 }, async () => {
  const home = makeHome("c1-setup-crash-write-");
  const trigger = join(home.HOME, "crash-before-rename");
  const configDir = join(home.XDG_CONFIG_HOME, "dev.c1setup.assistant");
  const env = { ...home, C1_SETUP_FAULT_BEFORE_RENAME: trigger };
  let session = await Session.start({ env });
  try {
    await toStep2(session, "crashco", "Crash Co", "Crash-Invite-1");
    await session.waitUntil("return document.getElementById('check-create_app').checked;", [], 5000, "the tick");
    await sleep(500);

    // Armed: the next save writes its temporary file, then the process dies.
    writeFileSync(trigger, "");
    await session.click("#check-redirect_uris").catch(() => {
      // the window went away with the process
    });
    for (let i = 0; i < 50 && appPids(home.HOME).length > 0; i++) await sleep(100);
    assert.deepEqual(appPids(home.HOME), [], "the assistant stopped in the middle of the save");
    await session.stop();
    rmSync(trigger);
    const leftovers = readdirSync(configDir).filter((n) => n.endsWith(".tmp"));
    assert.equal(leftovers.length, 1, `the interrupted save's temporary file: ${readdirSync(configDir).join(", ")}`);
    // Relaunched a while later (a fresh temporary file may be another process's save in progress).
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(configDir, leftovers[0]), old, old);

    session = await Session.start({ env });
    await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
    assert.equal(await session.text("#step-heading"), "Create the OIDC app in JumpCloud");
    assert.equal(await session.execute("return document.getElementById('check-create_app').checked;"), true);
    assert.equal(await session.execute("return document.getElementById('check-redirect_uris').checked;"), false);
    assert.deepEqual(readdirSync(configDir).filter((n) => n.endsWith(".tmp")), []);
    assert.ok(existsSync(join(configDir, "state.json")));
  } finally {
    await session.stop();
    home.remove();
  }
});

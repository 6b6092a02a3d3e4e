// The rehearsal as the README tells an admin without a desktop session to
// start it: `xvfb-run -a dbus-run-session -- ./scripts/run`. That session bus
// has no keyring at all, so the assistant only gets past step 1 (which keeps
// the invite code in the keychain) because scripts/run brings its own
// throwaway Secret Service. scripts/run's test hook (C1_SETUP_APP) makes it use
// the assistant already built instead of building it again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Session, appPath, makeHome, repoRoot } from "./webdriver.mjs";

test("the sandbox rehearsal started as the README says reaches step 2 with its own keyring", { timeout: 120000 }, async () => {
  const home = makeHome("c1-setup-rehearsal-");
  let session;
  try {
    session = await Session.start({
      application: join(repoRoot, "scripts", "run"),
      wrap: ["xvfb-run", "-a", "dbus-run-session", "--"],
      // TMPDIR: scripts/run keeps the throwaway keyring in a folder it makes
      // there, which the test removes with the home even if it stops the run hard.
      env: { ...home, TMPDIR: home.HOME, C1_SETUP_APP: appPath(), BROWSER: "true" },
    });
    assert.match(await session.text(".banner.sandbox"), /throwaway keyring/);
    await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
    // The stand-in's invite code is printed by scripts/run; any well-formed
    // code gets past step 1, which checks it with ConductorOne only at signup.
    const printed = session.log.join("").match(/Invite code:\s+(\S+)/);
    await session.type("#domain", "acmerehearsal");
    await session.type("#display_name", "Acme Rehearsal");
    await session.type("#invite_code", printed ? printed[1] : "REHEARSAL-1234");
    await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
    await session.continueFromStep1();
    await session.waitFor(".form-item", 15000);
    assert.equal(await session.text("#step-heading"), "Create the OIDC app in JumpCloud");
    assert.ok(!existsSync(join(home.XDG_DATA_HOME, "keyrings")), "nothing was written to the admin's own keyrings");
  } finally {
    await session?.stop();
    home.remove();
  }
});

// Accessibility: axe-core (WCAG 2.1 A and AA) finds nothing on steps 1 to 3,
// with and without field errors showing, in the light and the dark colour
// schemes (GTK's dark theme makes WebKit report prefers-color-scheme: dark).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Session, makeHome, screenshotDir } from "./webdriver.mjs";

for (const scheme of ["light", "dark"]) {
  test(`no WCAG 2.1 A/AA violations on steps 1-3 in the ${scheme} scheme`, { timeout: 120000 }, async () => {
    const home = makeHome();
    const env = { ...home };
    if (scheme === "dark") env.GTK_THEME = "Adwaita:dark";
    const session = await Session.start({ env });
    try {
      assert.equal(await session.execute("return matchMedia('(prefers-color-scheme: dark)').matches;"), scheme === "dark");
      const check = async (where) => {
        const violations = await session.axe();
        assert.deepEqual(violations, [], `${where} (${scheme}): ${JSON.stringify(violations, null, 1)}`);
      };
      await check("step 1");
      await session.type("#domain", "acme_co.example");
      await session.waitFor("#domain-error:not(:empty)");
      await check("step 1 with a field error");
      if (scheme === "dark") await session.screenshot(join(screenshotDir, "dark-step1-error.png"));
      await session.clearField("#domain");
      await session.type("#domain", "acmeco");
      await session.type("#display_name", "Acme Co");
      await session.type("#invite_code", "Invite-1234");
      await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
      await session.click("#continue");
      await session.waitFor(".confirm .panel");
      await check("step 1 with the signup question");
      await session.click("#continue");
      await session.waitFor(".form-item");
      await check("step 2");
      if (scheme === "dark") await session.screenshot(join(screenshotDir, "dark-step2.png"));
      await session.click("#continue");
      await session.waitFor(".confirm .panel");
      await check("step 2 with the checklist confirmation");
      await session.click("#continue");
      await session.waitFor("#client_id");
      await check("step 3");
    } finally {
      await session.stop();
      home.remove();
    }
  });
}

// The screens around the four steps, in the real window: the window showing
// itself once its page starts, step 1's three fonts, the first-start welcome
// (what is needed, closing it, not again after a relaunch, Help opens it,
// axe-core in both schemes), every step's primary action in view on common
// laptop screens, the window fitting a small screen, step 4's question before
// finishing with unticked items, and the done screen's links to the instance
// and to ConductorOne's documentation.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Session, makeHome, repoRoot, sleep } from "./webdriver.mjs";

const ESCAPE = "\uE00C";
const CONFIG_DIR = "dev.c1setup.assistant";
const TITLES = {
  instance: "Create your ConductorOne instance",
  jumpcloud_app: "Create the OIDC app in JumpCloud",
  connect: "Connect JumpCloud to ConductorOne",
  access: "Give your colleagues access",
};

const cleanups = [];
after(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

/** A private X server of the given size (the display number is Xvfb's pick); stopped after the file. */
async function xServer(width, height) {
  const child = spawn("Xvfb", ["-displayfd", "3", "-nolisten", "tcp", "-screen", "0", `${width}x${height}x24`], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (d) => { errors += d; });
  const display = await new Promise((resolve, reject) => {
    let out = "";
    child.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(`:${out.trim()}`);
    });
    child.once("exit", (code) => reject(new Error(`Xvfb ${width}x${height} exited (${code}): ${errors}`)));
    setTimeout(() => reject(new Error(`Xvfb ${width}x${height} did not start: ${errors}`)), 15000).unref();
  });
  cleanups.push(() => { child.kill(); });
  return display;
}

/**
 * Runs `fn(session)` with the app started in `home`, and stops the app afterwards, also when `fn` fails: the app is
 * single-instance, so a leftover would keep the next start from opening.
 */
async function withApp({ home, env = {}, keepWelcome = false }, fn) {
  const session = await Session.start({ env: { ...home, ...env }, keepWelcome });
  try {
    await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
    return await fn(session);
  } finally {
    await session.stop();
    await sleep(500);
  }
}

function newHome(prefix) {
  const home = makeHome(prefix);
  cleanups.push(() => home.remove());
  return home;
}

function statePath(home) {
  return join(home.XDG_CONFIG_HOME, CONFIG_DIR, "state.json");
}

async function waitForState(home, predicate, what) {
  const file = statePath(home);
  for (let i = 0; i < 100; i++) {
    if (existsSync(file)) {
      try {
        const state = JSON.parse(readFileSync(file, "utf8"));
        if (predicate(state)) return state;
      } catch {
        // being replaced
      }
    }
    await sleep(100);
  }
  throw new Error(`the state file never showed ${what}`);
}

/** Seeds the state file as if steps 1 to 3 were done, at step 4. */
function seedAtStep4(home, domain) {
  mkdirSync(join(home.XDG_CONFIG_HOME, CONFIG_DIR), { recursive: true });
  const now = new Date().toISOString();
  writeFileSync(
    statePath(home),
    JSON.stringify({
      format_version: 1,
      current_step: "access",
      domain,
      display_name: "Acme Screens",
      client_id: "screens-client-id",
      invite_code_stored: false,
      client_secret_stored: false,
      verification: {
        at: now,
        issuer: "https://oauth.id.jumpcloud.com/",
        client_id: "screens-client-id",
        outcome: { result: "passed", email: "admin@acme.example", checks: [] },
      },
      signup: { opened_at: now, setup_page_seen_at: now, submitted_at: now, instance_live_at: now },
      welcome_seen_at: now,
      updated_at: now,
    }),
  );
}

async function waitForLog(file, predicate, what) {
  for (let i = 0; i < 100; i++) {
    if (existsSync(file)) {
      const lines = readFileSync(file, "utf8").trim().split("\n");
      if (predicate(lines)) return lines;
    }
    await sleep(100);
  }
  throw new Error(`the browser was not asked to open ${what}: ${existsSync(file) ? readFileSync(file, "utf8") : "(nothing opened)"}`);
}

const step = (session) => session.execute("const f = document.querySelector('form.step'); return f ? f.dataset.step : null;");

async function waitForStep(session, id) {
  await session.waitUntil("return document.querySelector('form.step')?.dataset.step === arguments[0];", [id], 15000, `step ${id}`);
  assert.equal(await session.text("#step-heading"), TITLES[id]);
}

/**
 * Where `selector` is with every scroll position at the top: inside the
 * viewport, and not covered (the element itself is hit at its centre).
 */
async function placement(session, selector) {
  return session.execute(
    `window.scrollTo(0, 0);
    for (const e of document.querySelectorAll('*')) if (e.scrollTop) e.scrollTop = 0;
    const el = document.querySelector(arguments[0]);
    if (!el || el.hidden || el.getClientRects().length === 0) return { shown: false };
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      shown: true,
      inView: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth,
      uncovered: hit !== null && (hit === el || el.contains(hit)),
      rect: [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)],
      viewport: [window.innerWidth, window.innerHeight],
      scrollWidth: document.documentElement.scrollWidth,
    };`,
    [selector],
  );
}

const SIZES = [
  [1280, 720],
  [1366, 720], // 1366×768 minus a 48 px taskbar
];

/** At each laptop size: `selectors` are in view without scrolling, and nothing scrolls sideways. */
async function assertInViewAtLaptopSizes(session, where, selectors) {
  for (const [w, h] of SIZES) {
    await session.setWindowRect(w, h);
    await session.waitUntil("return window.innerWidth === arguments[0] && window.innerHeight === arguments[1];", [w, h], 10000, `a ${w}×${h} viewport`);
    for (const selector of selectors) {
      const p = await placement(session, selector);
      const at = `${where} at ${w}×${h}: ${selector} ${JSON.stringify(p)}`;
      assert.ok(p.shown, `${at} is shown`);
      assert.ok(p.inView, `${at} is within the viewport without scrolling`);
      assert.ok(p.uncovered, `${at} is not covered`);
      assert.ok(p.scrollWidth <= w, `${at}: no horizontal scrolling`);
    }
  }
}

test("the window opens hidden and shows itself once its page's script starts", { timeout: 60000 }, async () => {
  const home = newHome("c1-setup-reveal-");
  await withApp({ home }, async (session) => {
    // WebKit reports a page in a window that was never shown as hidden.
    assert.equal(await session.execute("return document.visibilityState;"), "visible");
    assert.equal(await step(session), "instance");
  });
});

// Each font (family, size, weight) on the first screen is one more for WebKit
// to look up, load and rasterise before the first frame (styles.css).
test("step 1's screen uses three fonts: body, body bold, title", { timeout: 60000 }, async () => {
  const home = newHome("c1-setup-fonts-");
  await withApp({ home }, async (session) => {
    assert.equal(await step(session), "instance");
    const fonts = await session.execute(`
      const used = {};
      for (const node of document.querySelectorAll("body *")) {
        if (node.getClientRects().length === 0) continue;
        const hasText = [...node.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent.trim() !== "");
        if (!hasText && !node.matches("input, button, select, textarea")) continue;
        const s = getComputedStyle(node);
        const font = s.fontFamily + " " + s.fontSize + " " + s.fontWeight;
        (used[font] ??= []).push(node.id || node.className || node.tagName.toLowerCase());
      }
      return used;`);
    assert.deepEqual(Object.keys(fonts).sort(), ["sans-serif 15px 400", "sans-serif 15px 600", "sans-serif 24px 600"], JSON.stringify(fonts));
  });
});

test("the welcome: first start only, says what is needed, closes with Escape or Start, Help opens it, no axe findings", { timeout: 120000 }, async () => {
  const home = newHome("c1-setup-welcome-");
  await withApp({ home, keepWelcome: true }, async (session) => {
    await session.waitUntil("return document.getElementById('welcome')?.open === true;", [], 10000, "the welcome open on the first start");
    assert.equal(await session.text("#welcome-heading"), "Before you begin");
    const text = await session.text("#welcome");
    assert.match(text, /invite code from ConductorOne/);
    assert.match(text, /administrator account for JumpCloud/);
    assert.match(text, /JumpCloud user yourself, in a user group/);
    assert.match(text, /about 15 minutes/);
    assert.match(text, /No invite code\?\s*Ask your contact at ConductorOne/);
    assert.equal((await session.activeElement())?.id, "welcome-start", "Start has the focus");
    assert.deepEqual(await session.axe(), [], "the open welcome, light scheme");

    // Escape closes it, and that is remembered.
    await session.keys(ESCAPE);
    await session.waitUntil("return !document.getElementById('welcome').open;", [], 5000, "Escape closed the welcome");
    await waitForState(home, (s) => s.welcome_seen_at, "welcome_seen_at");
    assert.equal(await step(session), "instance");

    // Help opens it again; Start closes it.
    await session.click("#help");
    await session.waitUntil("return document.getElementById('welcome').open;", [], 5000, "Help opened the welcome");
    await session.click("#welcome-start");
    await session.waitUntil("return !document.getElementById('welcome').open;", [], 5000, "Start closed the welcome");
  });

  // Relaunched with the same home: not shown again, Help still opens it.
  await withApp({ home, keepWelcome: true }, async (session) => {
    assert.equal(await step(session), "instance");
    // Not shown, and not even built: the dialog is made when it first opens.
    assert.equal(await session.execute("return document.getElementById('welcome');"), null, "no welcome after a relaunch");
    await session.click("#help");
    await session.waitUntil("return document.getElementById('welcome').open;", [], 5000, "Help opened the welcome after a relaunch");
  });
});

test("the welcome has no axe findings in the dark scheme", { timeout: 60000 }, async () => {
  const home = newHome("c1-setup-welcome-dark-");
  await withApp({ home, keepWelcome: true, env: { GTK_THEME: "Adwaita:dark" } }, async (session) => {
    assert.equal(await session.execute("return matchMedia('(prefers-color-scheme: dark)').matches;"), true, "the dark scheme is on");
    await session.waitUntil("return document.getElementById('welcome')?.open === true;", [], 10000, "the welcome open on the first start");
    assert.deepEqual(await session.axe(), [], "the open welcome, dark scheme");
  });
});

test("steps 1 to 3: the primary action is in view at 1280×720 and 1366×720", { timeout: 120000 }, async () => {
  const display = await xServer(1366, 768);
  const home = newHome("c1-setup-laptop-");
  await withApp({ home, env: { DISPLAY: display } }, async (session) => {
    await waitForStep(session, "instance");
    await session.type("#domain", "acmelaptop");
    await session.type("#display_name", "Acme Laptop");
    await session.type("#invite_code", "Laptop-Invite-1");
    await session.waitUntil("return !document.getElementById('continue').disabled;", [], 5000, "Continue enabled");
    await assertInViewAtLaptopSizes(session, "step 1", ["#continue"]);

    await session.continueFromStep1();
    await waitForStep(session, "jumpcloud_app");
    await assertInViewAtLaptopSizes(session, "step 2", ["#continue"]);

    await session.click("#continue");
    await session.waitFor(".confirm .panel");
    await session.click("#continue");
    await waitForStep(session, "connect");
    await session.waitFor("#client_id");
    // Before the test sign-in, this phase's actions are saving and verifying.
    await assertInViewAtLaptopSizes(session, "step 3", ["#save-credentials", "#verify", "#continue"]);
  });
});

test("step 4 and the done screen: Finish is in view, asks once about unticked items, then the done screen opens the instance and the docs", { timeout: 120000 }, async () => {
  const display = await xServer(1366, 768);
  const home = newHome("c1-setup-finish-");
  seedAtStep4(home, "acmescreens");
  const browserLog = join(home.HOME, "browser.log");
  const env = { DISPLAY: display, BROWSER: join(repoRoot, "tests/e2e/record-browser.sh"), C1_TEST_BROWSER_LOG: browserLog };
  await withApp({ home, env }, async (session) => {
    await waitForStep(session, "access");
    await session.waitFor("#access-instructions li");
    assert.equal(await session.text("#continue"), "Finish");
    await assertInViewAtLaptopSizes(session, "step 4", ["#continue"]);

    // Nothing ticked: Finish asks once, and stays on step 4.
    await session.click("#continue");
    await session.waitFor("#finish-confirm");
    assert.match(await session.text("#finish-confirm"), /Nobody but you can sign in to ConductorOne yet/);
    assert.equal(await session.execute("return document.querySelectorAll('#finish-confirm li').length;"), 3, "the three unticked items are listed");
    assert.equal(await step(session), "access");
    assert.equal(await session.execute("return document.querySelector('.summary-list') === null;"), true, "not finished yet");

    // Finish again: done.
    await session.click("#continue");
    await session.waitFor(".done .summary-list");
    await waitForState(home, (s) => s.finished_at, "finished_at");
    const summary = await session.text(".summary-list");
    assert.match(summary, /Verified admin\s*admin@acme\.example/);
    assert.match(summary, /Stored in /);

    // The instance link shows the address and opens it; the docs link opens the docs.
    const instance = "https://acmescreens.conductor.one/";
    await session.waitUntil("return document.getElementById('open-instance').textContent === arguments[0];", [instance], 10000, "the instance address on the link");
    await session.click("#open-instance");
    await waitForLog(browserLog, (lines) => lines.includes(instance), instance);
    await session.click("#open-docs");
    const lines = await waitForLog(browserLog, (l) => l.length >= 2, "the documentation");
    assert.deepEqual(lines, [instance, "https://www.conductorone.com/docs/"]);
  });
});

for (const [w, h] of [[1280, 720], [1024, 600]]) {
  test(`on a ${w}×${h} screen the window opens within the screen, Continue in view`, { timeout: 60000 }, async () => {
    const display = await xServer(w, h);
    const home = newHome("c1-setup-small-");
    await withApp({ home, env: { DISPLAY: display } }, async (session) => {
      const size = await session.execute(
        "return { outer: [window.outerWidth, window.outerHeight], inner: [window.innerWidth, window.innerHeight], avail: [screen.availWidth, screen.availHeight], screen: [screen.width, screen.height] };",
      );
      assert.deepEqual(size.screen, [w, h], `the app is on the ${w}×${h} screen`);
      const at = JSON.stringify(size);
      assert.ok(size.outer[0] <= size.avail[0] && size.outer[1] <= size.avail[1], `the window fits the work area: ${at}`);
      // 960×720 does not fit with room for a title bar: the window was made smaller.
      assert.ok(size.inner[1] < size.avail[1], `room is left for the window's frame: ${at}`);
      const p = await placement(session, "#continue");
      assert.ok(p.shown && p.inView && p.uncovered, `Continue in view: ${JSON.stringify(p)}`);
    });
  });
}

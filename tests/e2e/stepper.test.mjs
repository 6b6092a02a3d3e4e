// Steps 1 and 2 in the real window: bad then good values with the messages
// visible, keyboard-only use (Tab, Enter, focus on each new heading), the
// layout at the smallest window size, and a screenshot of each step.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Session, makeHome, screenshotDir } from "./webdriver.mjs";

const TAB = "\uE004";
const ENTER = "\uE007";
const TITLES = [
  "Create your ConductorOne instance",
  "Create the OIDC app in JumpCloud",
  "Connect JumpCloud to ConductorOne",
  "Give your colleagues access",
];

let session;
let home;

before(async () => {
  home = makeHome();
  session = await Session.start({ env: home });
});

after(async () => {
  await session?.stop();
  home?.remove();
});

async function tabTo(id, max = 40) {
  for (let i = 0; i < max; i++) {
    await session.keys(TAB);
    const active = await session.activeElement();
    if (active?.id === id) return;
  }
  throw new Error(`#${id} is not reachable with Tab`);
}

async function stepState() {
  return session.execute(`
    const items = [...document.querySelectorAll('.step-item')];
    return {
      titles: items.map(i => i.querySelector('.step-title').textContent),
      current: items.findIndex(i => i.getAttribute('aria-current') === 'step'),
      done: items.filter(i => i.classList.contains('done')).length,
      heading: document.getElementById('step-heading').textContent,
    };`);
}

async function waitForHeadingFocus(title) {
  await session.waitUntil(
    `return document.activeElement && document.activeElement.id === 'step-heading' && document.activeElement.textContent === arguments[0];`,
    [title],
    8000,
    `focus on the heading of "${title}"`,
  );
}

test("the window shows the four documented steps, the first one current", async () => {
  const state = await stepState();
  assert.deepEqual(state.titles, TITLES);
  assert.equal(state.current, 0);
  assert.equal(state.heading, TITLES[0]);
  assert.equal(await session.cmd("GET", "/title"), "ConductorOne Setup Assistant");
  await session.waitUntil("return document.getElementById('app').dataset.keychain === 'ready';", [], 15000, "the keychain check");
});

test("step 1: bad values show specific messages at the field, typed text is kept", async () => {
  await session.type("#domain", "https://AcmeCo.conductor.one/");
  const error = await session.waitUntil(
    "const e = document.getElementById('domain-error'); return e && e.textContent.length > 0 ? e.textContent : null;",
    [],
    5000,
    "the domain message",
  );
  assert.match(error, /acmeco/i);
  assert.equal(await session.attr("#domain", "aria-invalid"), "true");
  assert.equal(await session.execute("return document.getElementById('domain').value;"), "https://AcmeCo.conductor.one/");
  assert.equal(await session.execute("return document.getElementById('continue').disabled;"), true);
  await session.screenshot(join(screenshotDir, "step1-error.png"));
  await session.click("#domain-error button");
  await session.waitUntil("return document.getElementById('domain').value === 'acmeco';", [], 5000, "the suggestion applied");
  await session.waitUntil(
    "return (document.getElementById('instance-preview').textContent || '').includes('https://acmeco.conductor.one/');",
    [],
    5000,
    "the address preview",
  );
});

test("keyboard only: fill step 1, Enter asks once about ConductorOne's signup, Enter continues, focus lands on step 2's heading", async () => {
  await session.click("#display_name");
  await session.keys("Acme Co");
  await tabTo("invite_code");
  await session.keys("MiXeD-Invite-42");
  await session.screenshot(join(screenshotDir, "step1.png"));
  await session.keys(ENTER);
  await session.waitFor(".confirm .panel");
  assert.equal((await stepState()).current, 0);
  await session.keys(ENTER);
  await waitForHeadingFocus(TITLES[1]);
  const state = await stepState();
  assert.equal(state.current, 1);
  assert.equal(state.done, 1);
});

test("keyboard only: step 2 asks once about unticked items, then continues", async () => {
  await session.waitFor(".form-item");
  await session.screenshot(join(screenshotDir, "step2.png"));
  await tabTo("continue");
  await session.keys(ENTER);
  await session.waitFor(".confirm .panel");
  assert.equal((await stepState()).current, 1);
  await session.keys(ENTER);
  await waitForHeadingFocus(TITLES[2]);
  await session.screenshot(join(screenshotDir, "step3.png"));
});

test("keyboard only: Back returns to the previous step with its values", async () => {
  await tabTo("back");
  await session.keys(ENTER);
  await waitForHeadingFocus(TITLES[1]);
  assert.equal((await stepState()).current, 1);
});

test("the layout holds at the smallest supported window size", async () => {
  await session.setWindowRect(800, 600);
  const layout = await session.execute(
    "return { w: document.documentElement.scrollWidth, vw: window.innerWidth, continueVisible: (() => { const r = document.getElementById('continue').getBoundingClientRect(); return r.bottom <= window.innerHeight && r.right <= window.innerWidth; })() };",
  );
  assert.ok(layout.w <= layout.vw, `no horizontal scrolling (${layout.w} > ${layout.vw})`);
  assert.ok(layout.continueVisible, "Continue stays visible");
  await session.screenshot(join(screenshotDir, "step2-800x600.png"));
});

// The stepper in the real window: the four steps render, keyboard-only use
// moves between them, and every step is captured as a screenshot.
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

async function tabTo(id, max = 30) {
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

test("the window shows the four documented steps, the first one current", async () => {
  const state = await stepState();
  assert.deepEqual(state.titles, TITLES);
  assert.equal(state.current, 0);
  assert.equal(state.heading, TITLES[0]);
  const title = await session.cmd("GET", "/title");
  assert.equal(title, "ConductorOne Setup Assistant");
});

test("keyboard only: Tab to Continue and Enter walks through every step, focus lands on each heading", async () => {
  for (let i = 0; i < TITLES.length; i++) {
    const state = await stepState();
    assert.equal(state.current, i, `step ${i + 1} is current`);
    assert.equal(state.done, i, `${i} steps are done`);
    assert.equal(state.heading, TITLES[i]);
    await session.screenshot(join(screenshotDir, `step${i + 1}.png`));
    if (i === TITLES.length - 1) break;
    await tabTo("continue");
    await session.keys(ENTER);
    await session.waitUntil(
      `return document.activeElement && document.activeElement.id === 'step-heading' && document.activeElement.textContent === arguments[0];`,
      [TITLES[i + 1]],
      5000,
      `focus on the heading of "${TITLES[i + 1]}"`,
    );
  }
});

test("keyboard only: Back returns to the previous step", async () => {
  await tabTo("back");
  await session.keys(ENTER);
  await session.waitUntil(`return document.getElementById('step-heading').textContent === arguments[0];`, [TITLES[2]]);
  const state = await stepState();
  assert.equal(state.current, 2);
});

test("the layout holds at the smallest supported window size", async () => {
  await session.setWindowRect(800, 600);
  const overflow = await session.execute(
    "return { w: document.documentElement.scrollWidth, vw: window.innerWidth, continueVisible: (() => { const r = document.getElementById('continue').getBoundingClientRect(); return r.bottom <= window.innerHeight && r.right <= window.innerWidth; })() };",
  );
  assert.ok(overflow.w <= overflow.vw, `no horizontal scrolling (${overflow.w} > ${overflow.vw})`);
  assert.ok(overflow.continueVisible, "Continue stays visible");
  await session.screenshot(join(screenshotDir, "step3-800x600.png"));
});

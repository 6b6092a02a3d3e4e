// Launch behaviour: a second launch hands over to the first (whose window,
// driven over WebDriver, stays and answers), and a missing D-Bus session bus
// does not stop the assistant. The second launch and the bus-less one are
// started directly, outside WebDriver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Session, appPath, makeHome, sleep } from "./webdriver.mjs";

function launch(env) {
  const child = spawn(appPath(), [], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

async function stop(run) {
  if (run.child.exitCode === null) run.child.kill("SIGTERM");
  await Promise.race([run.exited, sleep(5000)]);
  if (run.child.exitCode === null) run.child.kill("SIGKILL");
}

test("a second launch hands over to the running window and exits", { timeout: 90000 }, async () => {
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "run this under dbus-run-session");
  const home = makeHome();
  let session;
  try {
    // The first instance: the real window, driven over WebDriver, with the
    // same HOME, XDG directories, display and session bus as the second.
    session = await Session.start({ env: home });
    const second = launch({ ...process.env, ...home });
    const result = await Promise.race([second.exited, sleep(10000).then(() => null)]);
    if (!result) await stop(second);
    assert.deepEqual(result, { code: 0, signal: null }, `the second launch exits at once:\n${second.output()}`);
    assert.match(second.output(), /already running: handed over/);
    // The first heard of it (its log line), and its window still answers.
    await waitForLine(session, /launched again: bringing the window to the front/);
    assert.equal(await session.execute("return document.title;"), "ConductorOne Setup Assistant");
    await session.waitFor(".layout", 5000);
  } finally {
    await session?.stop();
    home.remove();
  }
});

/** Waits until the app's output, as tauri-driver passed it on, matches `pattern`. */
async function waitForLine(session, pattern, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(session.log.join(""))) return;
    await sleep(100);
  }
  assert.fail(`no line matching ${pattern} in the first instance's output:\n${session.log.join("")}`);
}

test("without a D-Bus session bus the assistant still starts and does not panic", { timeout: 60000 }, async () => {
  const home = makeHome();
  const env = { ...process.env, ...home };
  // An address where no bus listens: what a bare SSH or container session has.
  // (Unsetting it is not enough: libdbus would autolaunch a bus through X11.)
  env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${home.HOME}/no-bus-here`;
  const run = launch(env);
  try {
    await sleep(5000);
    assert.equal(run.child.exitCode, null, `still running:\n${run.output()}`);
    assert.doesNotMatch(run.output(), /panicked/);
  } finally {
    await stop(run);
    home.remove();
  }
});

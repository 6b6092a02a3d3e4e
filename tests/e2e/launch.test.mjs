// Launch behaviour outside WebDriver: a second launch hands over to the first,
// and a missing D-Bus session bus does not stop the assistant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appPath, makeHome, sleep } from "./webdriver.mjs";

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

test("a second launch hands over to the running window and exits", { timeout: 60000 }, async () => {
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "run this under dbus-run-session");
  const home = makeHome();
  const env = { ...process.env, ...home };
  const first = launch(env);
  try {
    await sleep(4000);
    assert.equal(first.child.exitCode, null, `the first instance is running:\n${first.output()}`);
    const second = launch(env);
    const result = await Promise.race([second.exited, sleep(20000).then(() => null)]);
    if (!result) await stop(second);
    assert.deepEqual(result, { code: 0, signal: null }, `the second launch exits at once:\n${second.output()}`);
    assert.equal(first.child.exitCode, null, "the first instance keeps running");
  } finally {
    await stop(first);
    home.remove();
  }
});

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

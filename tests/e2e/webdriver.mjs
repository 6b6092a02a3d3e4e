// A small W3C WebDriver client for driving the assistant's real window
// through tauri-driver (which forwards to WebKitWebDriver on Linux).
// It starts tauri-driver itself and stops it, and everything it spawned,
// when the session ends, including when a test fails.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "..", "..");
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export function appPath() {
  // The same default as scripts/lib.sh: the build cache outside the clone.
  const cache = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? "/root", ".cache");
  const target = process.env.CARGO_TARGET_DIR ?? join(cache, "c1-setup", "target");
  return process.env.C1_SETUP_APP ?? join(target, "debug", "c1-setup");
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitForPort(port, child, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited early (code ${child.exitCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh, isolated home for one app run: config, data, cache and logs go here. */
export function makeHome(prefix = "c1-setup-e2e-") {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const dirs = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_CACHE_HOME: join(home, ".cache"),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return { ...dirs, remove: () => rmSync(home, { recursive: true, force: true }) };
}

export class Session {
  constructor(base, id, driver, log) {
    this.base = base;
    this.id = id;
    this.driver = driver;
    this.log = log;
  }

  /**
   * Starts tauri-driver and the app. `env` adds to the app's environment;
   * `application` replaces the app (e.g. a script that starts it) and
   * `wrap` is a command that tauri-driver runs under (e.g. xvfb-run).
   * The first-start welcome is closed unless `keepWelcome` is set.
   */
  static async start({ env = {}, keepWelcome = false, application = appPath(), wrap = [] } = {}) {
    const port = await freePort();
    const nativePort = await freePort();
    const log = [];
    const driver = spawn(
      wrap[0] ?? process.env.TAURI_DRIVER ?? "tauri-driver",
      [...(wrap.length ? [...wrap.slice(1), process.env.TAURI_DRIVER ?? "tauri-driver"] : []), "--port", String(port), "--native-port", String(nativePort)],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    driver.stdout.on("data", (d) => log.push(String(d)));
    driver.stderr.on("data", (d) => log.push(String(d)));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForPort(port, driver);
      const res = await request(base, "POST", "/session", {
        capabilities: { alwaysMatch: { "tauri:options": { application } } },
      });
      const session = new Session(base, res.sessionId, driver, log);
      await session.waitFor(".layout, .fatal", 30000);
      if (!keepWelcome && (await session.execute("return Boolean(document.getElementById('welcome')?.open);"))) {
        await session.click("#welcome-start");
        await session.waitUntil("return !document.getElementById('welcome').open;", [], 5000, "the welcome closed");
      }
      return session;
    } catch (err) {
      killTree(driver);
      throw new Error(`${err.message}\n--- tauri-driver output ---\n${log.join("")}`);
    }
  }

  async cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return el[ELEMENT];
  }

  async findAll(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return els.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches a displayed element; returns its id. */
  async waitFor(css, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const id = await this.find(css);
        if (await this.cmd("GET", `/element/${id}/displayed`)) return id;
      } catch (err) {
        last = err;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${css}${last ? `: ${last.message}` : ""}`);
  }

  /** Waits until `fn` (run in the page) returns a truthy value; returns it. */
  async waitUntil(script, args = [], timeoutMs = 10000, what = script) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await this.execute(script, args);
      if (value) return value;
      await sleep(100);
    }
    throw new Error(`timed out waiting for: ${what}`);
  }

  async click(css) {
    const id = await this.waitFor(css);
    // Centre it first: the sticky footer would otherwise cover elements
    // that WebDriver scrolls only just into view.
    await this.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ [ELEMENT]: id }]);
    await this.cmd("POST", `/element/${id}/click`, {});
  }

  async type(css, text) {
    const id = await this.waitFor(css);
    await this.cmd("POST", `/element/${id}/value`, { text });
  }

  async clearField(css) {
    const id = await this.waitFor(css);
    await this.cmd("POST", `/element/${id}/clear`, {});
  }

  async text(css) {
    const id = await this.waitFor(css);
    return this.cmd("GET", `/element/${id}/text`);
  }

  async attr(css, name) {
    const id = await this.find(css);
    return this.cmd("GET", `/element/${id}/attribute/${name}`);
  }

  /** Sends keys to whatever has focus (e.g. "\uE007" for Enter, "\uE004" for Tab). */
  async keys(text) {
    const actions = [...text].flatMap((ch) => [
      { type: "keyDown", value: ch },
      { type: "keyUp", value: ch },
    ]);
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions");
  }

  async execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  async activeElement() {
    return this.execute(
      "const a = document.activeElement; return a ? { tag: a.tagName.toLowerCase(), id: a.id, text: a.textContent.trim() } : null;",
    );
  }

  /**
   * Captures the window as the X server shows it (ImageMagick's `import`).
   * WebDriver's own screenshot waits for a rendering update that, with
   * WebKitGTK's shared-memory renderer on an idle page, may never come.
   */
  async screenshot(file) {
    mkdirSync(dirname(file), { recursive: true });
    const ids = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^ConductorOne Setup Assistant$"], { encoding: "utf8" })
      .trim()
      .split("\n");
    execFileSync("import", ["-window", ids[ids.length - 1], file], { timeout: 15000 });
  }

  /**
   * Continue from step 1 to step 2. When ConductorOne's signup was not
   * confirmed, step 1 asks once: Continue is pressed a second time.
   */
  async continueFromStep1() {
    await this.click("#continue");
    await this.waitUntil(
      "return document.querySelector('form.step').dataset.step !== 'instance' || document.querySelector('.confirm .panel');",
      [], 10000, "step 2, or step 1's question",
    );
    if ((await this.execute("return document.querySelector('form.step').dataset.step;")) === "instance") {
      await this.click("#continue");
      await this.waitUntil("return document.querySelector('form.step').dataset.step === 'jumpcloud_app';", [], 10000, "step 2");
    }
  }

  async setWindowRect(width, height) {
    await this.cmd("POST", "/window/rect", { width, height });
  }

  /** Ends the session and stops tauri-driver and everything it started. */
  async stop() {
    try {
      await this.cmd("DELETE", "");
    } catch {
      // the app may already be gone
    }
    killTree(this.driver);
  }
}

function killTree(child) {
  if (child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 2000).unref();
}

/** No WebDriver call takes this long unless something hangs (e.g. a leftover app). */
const REQUEST_TIMEOUT_MS = 90000;

async function request(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok || (json.value && json.value.error)) {
    const e = json.value ?? {};
    throw new Error(`${method} ${path}: ${e.error ?? res.status}: ${e.message ?? text.slice(0, 300)}`);
  }
  return json.value;
}

export const screenshotDir = join(repoRoot, "target", "e2e-screenshots");

const axeSource = (() => {
  try {
    return readFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
  } catch {
    return null;
  }
})();

/**
 * Runs axe-core in the window against WCAG 2.1 A and AA and returns the
 * violations (an empty list when the page passes).
 */
Session.prototype.axe = async function axe() {
  if (!axeSource) throw new Error("axe-core is missing: run npm ci in tests/e2e");
  const script = `${axeSource}
    const done = arguments[arguments.length - 1];
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
      .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }))))
      .catch((e) => done({ error: String(e) }));`;
  const result = await this.cmd("POST", "/execute/async", { script, args: [] });
  if (result && result.error) throw new Error(`axe-core failed: ${result.error}`);
  return result;
};

/**
 * Answers the app's native save dialog (GTK, under Xvfb) like a person would:
 * finds the window titled `title`, types `path` into its name field, presses
 * Return.
 */
export async function answerSaveDialog(title, path) {
  let id = "";
  for (let i = 0; i < 75 && !id; i++) {
    await sleep(200);
    try {
      id = execFileSync("xdotool", ["search", "--name", title], { encoding: "utf8" }).trim().split("\n")[0];
    } catch {
      // not open yet
    }
  }
  if (!id) throw new Error(`no dialog titled "${title}" appeared`);
  execFileSync("xdotool", ["windowfocus", "--sync", id]);
  execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
  execFileSync("xdotool", ["type", "--delay", "5", path]);
  execFileSync("xdotool", ["key", "Return"]);
}

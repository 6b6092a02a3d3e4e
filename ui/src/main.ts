// Entry point: loads the step list and saved progress from Rust, resumes at
// the saved step, and proves the keychain works (stopping with a clear
// message when it does not: secrets are never kept anywhere else).
import { api, appError } from "./ipc";
import { afterPaint, el, clear } from "./dom";
import { Stepper } from "./stepper";
import type { Context } from "./context";
import type { AppError } from "./bindings/AppError";
import { instanceStep } from "./steps/step1-instance";
import { jumpcloudAppStep } from "./steps/step2-jumpcloud-app";
import { connectStep } from "./steps/step3-connect";
import { accessStep } from "./steps/step4-access";
import { doneScreen } from "./steps/done";
import { welcome } from "./welcome";
import { platformOf } from "./platform";
import { takeBootInfo } from "./boot";

function fatal(root: HTMLElement, title: string, problem: AppError, retry?: () => void): void {
  clear(root);
  root.appendChild(
    el(
      "div",
      { class: "fatal", role: "alert", "data-kind": problem.kind },
      el("h1", {}, title),
      el("p", {}, problem.message),
      el("p", {}, problem.fix),
      problem.detail ? el("p", { class: "detail" }, `Details: ${problem.detail}`) : null,
      retry ? el("button", { type: "button", class: "primary", id: "retry", onclick: retry }, "Try again") : null,
    ),
  );
  root.removeAttribute("aria-busy");
}

// The benchmark's view of the page: when this script started to run.
const scriptStarted = performance.now();
// On Linux the window waits for this to show itself (src-tauri/src/reveal.rs):
// by now WebKit's web process is up, so its first draw does not stall.
if (!import.meta.env.VITEST) void api.showWindow().catch(() => undefined);
// Before anything is laid out: the platform's system font (styles.css).
document.documentElement.dataset.os = platformOf(navigator.userAgent);

export async function start(root: HTMLElement, notice?: string): Promise<Stepper | null> {
  let info = takeBootInfo();
  if (!info) {
    try {
      info = await api.appInfo();
    } catch (err) {
      fatal(root, "The assistant could not start", appError(err));
      return null;
    }
  }
  const infoLoaded = performance.now();
  let stepper: Stepper | null = null;
  // The welcome opens on the first start, and from Help; closing it the
  // first time is remembered.
  const intro = welcome(root, () => {
    if (info.progress.welcome_seen_at === null) void api.dismissWelcome().catch(() => undefined);
  });
  const ctx: Context = {
    progress: info.progress,
    storeName: null,
    goTo: (step) => stepper?.goTo(step),
  };
  stepper = new Stepper({
    info,
    start: info.progress.current_step,
    views: {
      instance: () => instanceStep(ctx),
      jumpcloud_app: () => jumpcloudAppStep(ctx),
      connect: () => connectStep(ctx),
      access: () => accessStep(ctx),
    },
    done: doneScreen(ctx),
    finished: info.progress.finished_at !== null,
    onStepChange: (step) => {
      void api.setStep(step).catch(() => undefined);
    },
    notice: notice ?? info.notice,
    onHelp: () => { intro.open(); },
    onStartOver: async () => {
      const [report] = await api.startOver();
      const removed = report.secrets_removed;
      await start(
        root,
        removed > 0
          ? `Started over: ${String(removed)} item${removed > 1 ? "s" : ""} removed from ${report.store_name}, and the saved progress cleared.`
          : "Started over: the saved progress was cleared.",
      );
    },
  });
  clear(root);
  root.append(stepper.root);
  stepper.show();
  if (info.progress.welcome_seen_at === null && !info.benchmark) intro.open();
  root.removeAttribute("aria-busy");
  const built = performance.now();

  // Prove the keychain in the background; stop with a clear message if absent.
  const checkKeychain = async (): Promise<void> => {
    try {
      ctx.storeName = (await api.keychainStatus()).store_name;
      root.dataset.keychain = "ready";
    } catch (err) {
      fatal(root, "Your system keychain is not available", appError(err), () => {
        void start(root);
      });
    }
  };
  // Once the first frame with step 1 is on screen: the benchmark's marker,
  // then the keychain check (it may wake a keyring daemon; the admin should
  // not wait for that to see the window).
  afterPaint(() => {
    if (info.benchmark) {
      void api.benchReady([
        ["origin", performance.timeOrigin],
        ["html", (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined)?.responseEnd ?? 0],
        ["script", scriptStarted],
        ["info", infoLoaded],
        ["built", built],
        ["frame", performance.now()],
      ]);
    }
    if (!import.meta.env.VITEST) void checkKeychain();
  });
  return stepper;
}

const root = document.getElementById("app");
if (root && !import.meta.env.VITEST) void start(root);

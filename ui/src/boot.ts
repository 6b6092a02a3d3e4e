// The start-up view the shell hands over with the page itself (an
// initialization script sets `window.__C1_SETUP_BOOT__` before any page
// script runs), so the first frame does not wait for an IPC round trip
// (8 ms of the 45 from navigation to the first frame, docs/benchmarks.md).
// It is taken once: a later start (Start over, Try again) asks Rust afresh,
// and so does a reload, since the script would hand over the view as it was
// when the assistant started.
import type { AppInfo } from "./bindings/AppInfo";

declare global {
  interface Window {
    __C1_SETUP_BOOT__?: AppInfo;
  }
}

/** The view handed over with the page, once, on the window's first load; else undefined. */
export function takeBootInfo(win: Window = window): AppInfo | undefined {
  const info = win.__C1_SETUP_BOOT__;
  delete win.__C1_SETUP_BOOT__;
  const navigation = win.performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  if (navigation && navigation.type !== "navigate") return undefined;
  return info;
}

import { describe, expect, it } from "vitest";
import { takeBootInfo } from "./boot";
import type { AppInfo } from "./bindings/AppInfo";

const view = { version: "1.2.3", steps: [], sandbox: false } as unknown as AppInfo;

function fakeWindow(navigationType: string | null): Window {
  const entries = navigationType ? [{ type: navigationType }] : [];
  return {
    __C1_SETUP_BOOT__: view,
    performance: { getEntriesByType: (kind: string) => (kind === "navigation" ? entries : []) },
  } as unknown as Window;
}

describe("the start-up view handed over with the page", () => {
  it("is taken once on the window's first load", () => {
    const win = fakeWindow("navigate");
    expect(takeBootInfo(win)).toBe(view);
    expect(takeBootInfo(win)).toBeUndefined();
    expect("__C1_SETUP_BOOT__" in win).toBe(false);
  });

  it("is not used after a reload, where it would be the view from when the assistant started", () => {
    const win = fakeWindow("reload");
    expect(takeBootInfo(win)).toBeUndefined();
    expect("__C1_SETUP_BOOT__" in win).toBe(false);
  });

  it("is absent when the shell handed none over", () => {
    const win = fakeWindow("navigate");
    delete win.__C1_SETUP_BOOT__;
    expect(takeBootInfo(win)).toBeUndefined();
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { AppInfo } from "./bindings/AppInfo";
import { freshProgress, settle } from "./test-fixtures";
import { start } from "./main";
import { Stepper, type StepView } from "./stepper";
import type { StepId } from "./bindings/StepId";


function fakeView(id: StepId): StepView {
  return { id, render: () => document.createElement("div"), ready: () => true };
}

const info: AppInfo = {
  version: "0.1.0",
  sandbox: false,
  sandbox_keyring: false,
  benchmark: false,
  progress: freshProgress,
  steps: [
    { id: "instance", number: 1, title: "Create your ConductorOne instance", summary: "s1" },
    { id: "jumpcloud_app", number: 2, title: "Create the OIDC app in JumpCloud", summary: "s2" },
    { id: "connect", number: 3, title: "Connect JumpCloud to ConductorOne", summary: "s3" },
    { id: "access", number: 4, title: "Give your colleagues access", summary: "s4" },
  ],
};

function button(id: string): HTMLButtonElement {
  const b = document.getElementById(id);
  if (!(b instanceof HTMLButtonElement)) throw new Error(`no button #${id}`);
  return b;
}

describe("stepper", () => {
  let root: HTMLElement;
  let stepper: Stepper;

  let changes: StepId[];

  beforeEach(() => {
    changes = [];
    root = document.createElement("div");
    document.body.appendChild(root);
    stepper = new Stepper({
      info,
      views: {
        instance: () => fakeView("instance"),
        jumpcloud_app: () => fakeView("jumpcloud_app"),
        connect: () => fakeView("connect"),
        access: () => fakeView("access"),
      },
      onStepChange: (step) => changes.push(step),
    });
    root.appendChild(stepper.root);
    stepper.show();
  });

  afterEach(() => {
    root.remove();
  });

  it("lists the four documented steps and marks the current one", () => {
    const items = [...root.querySelectorAll(".step-item")];
    expect(items.map((i) => i.querySelector(".step-title")?.textContent)).toEqual(info.steps.map((s) => s.title));
    expect(items[0]?.getAttribute("aria-current")).toBe("step");
    expect(items[1]?.classList.contains("upcoming")).toBe(true);
    expect(root.querySelector("h1")?.textContent).toBe("Create your ConductorOne instance");
    expect(button("back").hidden).toBe(true);
  });

  it("continues on submit (Enter) and moves focus to the new heading", async () => {
    root.querySelector("form")?.requestSubmit();
    await settle();
    expect(stepper.current).toBe("jumpcloud_app");
    expect(document.activeElement?.id).toBe("step-heading");
    expect(document.activeElement?.textContent).toBe("Create the OIDC app in JumpCloud");
    const items = [...root.querySelectorAll(".step-item")];
    expect(items[0]?.classList.contains("done")).toBe(true);
    expect(items[1]?.getAttribute("aria-current")).toBe("step");
    expect(changes).toEqual(["jumpcloud_app"]);
  });

  it("goes back, and lets the admin revisit a step already reached but not skip ahead", async () => {
    await stepper.goNext();
    await stepper.goNext();
    expect(stepper.current).toBe("connect");
    button("back").click();
    await settle();
    expect(stepper.current).toBe("jumpcloud_app");
    stepper.goTo("access");
    expect(stepper.current).toBe("jumpcloud_app");
    const link = root.querySelector<HTMLButtonElement>('[data-step="instance"] button');
    link?.click();
    expect(stepper.current).toBe("instance");
  });

  it("hides Continue on the last step when there is nothing to finish", async () => {
    for (let i = 0; i < 3; i++) await stepper.goNext();
    expect(stepper.current).toBe("access");
    expect(button("continue").hidden).toBe(true);
  });
});

describe("views made on first use", () => {
  it("makes only the step on screen at start, each other view when its step first shows, and each once", async () => {
    const made: StepId[] = [];
    const making = (id: StepId) => () => {
      made.push(id);
      return fakeView(id);
    };
    const root = document.createElement("div");
    document.body.appendChild(root);
    const stepper = new Stepper({
      info,
      start: "jumpcloud_app",
      views: { instance: making("instance"), jumpcloud_app: making("jumpcloud_app"), connect: making("connect"), access: making("access") },
    });
    root.appendChild(stepper.root);
    stepper.show();
    expect(made).toEqual(["jumpcloud_app"]);
    await stepper.goNext();
    await stepper.goBack();
    await stepper.goNext();
    stepper.goTo("instance");
    expect(made).toEqual(["jumpcloud_app", "connect", "instance"]);
    root.remove();
  });
});

describe("done screen", () => {
  it("follows the last step's Finish, marks every step done, and Back returns to step 4", async () => {
    const root = document.createElement("div");
    document.body.appendChild(root);
    const last: StepView = { id: "access", render: () => document.createElement("div"), ready: () => true, leave: () => Promise.resolve(true) };
    const stepper = new Stepper({
      info: { ...info, progress: { ...freshProgress, current_step: "access" } },
      start: "access",
      views: { instance: () => fakeView("instance"), jumpcloud_app: () => fakeView("jumpcloud_app"), connect: () => fakeView("connect"), access: () => last },
      done: { title: "All set", summary: "s", render: () => document.createElement("p") },
    });
    root.appendChild(stepper.root);
    stepper.show();
    expect(button("continue").textContent).toBe("Finish");
    await stepper.goNext();
    expect(stepper.isDone).toBe(true);
    expect(root.querySelector("h1")?.textContent).toBe("All set");
    expect(root.querySelectorAll(".step-item.done").length).toBe(4);
    expect(button("continue").hidden).toBe(true);
    button("back").click();
    await Promise.resolve();
    expect(stepper.isDone).toBe(false);
    expect(stepper.current).toBe("access");
    root.remove();
  });
});

describe("resume", () => {
  it("starts at the saved step and shows the saved values", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return { ...info, progress: { ...freshProgress, current_step: "jumpcloud_app", domain: "acmeco" } };
      if (cmd === "regions") return [];
      if (cmd === "jumpcloud_app_form") return { region: "us", admin_portal_url: "x", menu_paths: [], new_app_button: "", app_type: "", items: [], checklist: [] };
      return null;
    });
    const root = document.createElement("div");
    const stepper = await start(root);
    expect(stepper?.current).toBe("jumpcloud_app");
    expect(root.querySelector("h1")?.textContent).toBe("Create the OIDC app in JumpCloud");
    clearMocks();
  });
});

describe("start-up failure", () => {
  it("shows the error's message and fix instead of a blank window", async () => {
    // Tauri rejects with the command's serialised error: a plain object, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    mockIPC(() => Promise.reject({ kind: "internal", message: "Broken state.", fix: "Relaunch." }));
    const root = document.createElement("div");
    expect(await start(root)).toBeNull();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain("Broken state.");
    expect(root.textContent).toContain("Relaunch.");
    clearMocks();
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { LivenessUpdate } from "../bindings/LivenessUpdate";
import type { SavedState } from "../bindings/SavedState";
import { freshProgress, settle, signupAt, testContext, verifiedProgress } from "../test-fixtures";
import { finishSection, startSection, type FinishSection } from "./signup";

const submitted = signupAt(verifiedProgress, "submitted");
const instanceLive = signupAt(verifiedProgress, "live");

function shown(id: string): boolean {
  const node = document.getElementById(id);
  if (!node) throw new Error(`no #${id}`);
  return !node.hidden;
}

/** Mounts the section as step 3 shows it: updated, then resuming any wait. */
function mount(progress: SavedState): FinishSection {
  const signup = finishSection(testContext(progress));
  document.body.appendChild(signup.root);
  signup.update();
  signup.resume();
  return signup;
}

afterEach(() => {
  clearMocks();
  document.body.replaceChildren();
});

describe("the signup, page 2 (step 3)", () => {
  it("resumes waiting after the signup was submitted, shows each check and the hint, and offers Check again once stopped", async () => {
    let channel: Channel<LivenessUpdate> | undefined;
    let stop: (() => void) | undefined;
    mockIPC((cmd, args) => {
      if (cmd === "wait_for_instance") {
        channel = (args as { onUpdate: Channel<LivenessUpdate> }).onUpdate;
        // Rust ends the wait with a "cancelled" error when asked to stop.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return new Promise((_, reject) => { stop = () => { reject({ kind: "cancelled", message: "Stopped.", fix: "" }); }; });
      }
      if (cmd === "stop_waiting") {
        stop?.();
        return true;
      }
      return null;
    });
    const signup = mount(submitted);
    expect(shown("signup")).toBe(true);
    expect(shown("paste-helper")).toBe(true);
    expect(shown("stop-waiting")).toBe(true);

    channel?.onmessage({
      attempt: 1,
      since: "2026-11-28T10:01:00Z",
      outcome: { kind: "dns" },
      message: "The address does not resolve yet.",
      next_check_in_secs: 5,
    });
    const probe = document.querySelector("#instance-status [data-probe]");
    expect(probe?.getAttribute("data-probe")).toBe("dns");
    expect(probe?.textContent).toBe("The address does not resolve yet. Next check in 5 s.");
    expect(document.querySelector("#waiting-hint")).toBeNull();
    channel?.onmessage({
      attempt: 9,
      since: "2026-11-28T10:01:00Z",
      outcome: { kind: "elsewhere", status: 302 },
      message: "Not created yet.",
      next_check_in_secs: 30,
      hint: "Look at ConductorOne's page in your browser.",
    });
    expect(document.querySelector("#waiting-hint")?.textContent).toBe("Look at ConductorOne's page in your browser.");

    document.querySelector<HTMLButtonElement>("#stop-waiting")?.click();
    await settle(3);
    expect(document.querySelector("#instance-status")?.textContent).toContain("Stopped waiting.");
    expect(shown("stop-waiting")).toBe(false);
    expect(shown("resume-waiting")).toBe(true);
    expect(signup.live()).toBe(false);
  });

  it("says where the instance answered and tells the stepper to re-check Continue", async () => {
    mockIPC((cmd) => {
      if (cmd === "wait_for_instance") return { url: "https://acmeco.conductor.one/", status: 200, at: "2026-11-28T10:05:00Z" };
      if (cmd === "progress") return instanceLive;
      return null;
    });
    const signup = mount(submitted);
    let changes = 0;
    signup.root.addEventListener("step-change", () => { changes++; });
    await settle(3);
    expect(document.querySelector('[data-outcome="live"]')?.textContent).toBe("Your ConductorOne instance is live at https://acmeco.conductor.one/");
    expect(signup.live()).toBe(true);
    expect(changes).toBe(1);
  });

  it("hands over the Client ID and secret, and waits only once the admin submitted page 2", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "copy_secret") return 30;
      if (cmd === "signup_submitted") return submitted;
      if (cmd === "wait_for_instance") return new Promise(() => undefined);
      return null;
    });
    mount(signupAt(verifiedProgress, "seen"));
    const labels = [...document.querySelectorAll("#paste-helper .item-label")].map((l) => l.textContent);
    expect(labels.slice(0, 2)).toEqual(["Client ID", "Client Secret"]);
    expect(calls).toEqual([]);
    document.querySelector<HTMLButtonElement>("#copy-client_secret")?.click();
    await settle(3);
    expect(calls.find((c) => c.cmd === "copy_secret")?.args).toEqual({ which: "client_secret" });
    document.querySelector<HTMLButtonElement>("#signup-submitted")?.click();
    await settle(3);
    expect(calls.map((c) => c.cmd)).toEqual(["copy_secret", "signup_submitted", "wait_for_instance"]);
    expect(shown("signup-submitted")).toBe(false);
  });

  it("offers to start page 1 again, with its three values to copy", async () => {
    mockIPC((cmd) => {
      if (cmd === "open_signup") return { url: "https://accounts.conductor.one/accounts/signup" };
      if (cmd === "progress") return signupAt(verifiedProgress, "opened");
      return null;
    });
    mount(signupAt(verifiedProgress, "seen"));
    document.querySelector<HTMLButtonElement>("#reopen-signup")?.click();
    await settle(4);
    const labels = [...document.querySelectorAll("#reopen-paste .item-label")].map((l) => l.textContent);
    expect(labels).toEqual(["Domain", "Display name", "Invite code"]);
  });

  it("stays hidden until the test sign-in passed", () => {
    mockIPC(() => null);
    mount({ ...verifiedProgress, verification: null });
    expect(shown("signup")).toBe(false);
  });
});

describe("the signup, page 1 (end of step 1)", () => {
  it("saves step 1, checks the address, opens the page, then lists the three values and asks to confirm page 2", async () => {
    const calls: string[] = [];
    const opened = signupAt({ ...freshProgress, domain: "acmeco", display_name: "Acme Co", invite_code_stored: true }, "opened");
    let warning: string | null = "unset";
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "check_instance_address") return { url: "https://acmeco.conductor.one/", outcome: { kind: "live", status: 200 }, warning: "may be taken" };
      if (cmd === "open_signup") return { url: "https://accounts.conductor.one/accounts/signup" };
      if (cmd === "progress") return opened;
      if (cmd === "confirm_setup_page") return signupAt(opened, "seen");
      return null;
    });
    const ctx = testContext(freshProgress);
    let saved = 0;
    const section = startSection(ctx, () => { saved++; return Promise.resolve(true); }, (text) => { warning = text; });
    document.body.appendChild(section.root);
    expect(shown("signup-paste")).toBe(false);
    document.querySelector<HTMLButtonElement>("#open-signup")?.click();
    await settle(4);
    expect(saved).toBe(1);
    expect(warning).toBe("may be taken");
    expect(calls).toEqual(["check_instance_address", "open_signup", "progress"]);
    const labels = [...document.querySelectorAll("#signup-paste .item-label")].map((l) => l.textContent);
    expect(labels.slice(0, 3)).toEqual(["Domain", "Display name", "Invite code"]);
    expect(section.confirmed()).toBe(false);
    document.querySelector<HTMLInputElement>("#setup-page-seen")?.click();
    await settle(3);
    expect(section.confirmed()).toBe(true);
  });

  it("opens nothing when step 1's fields need attention", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => { calls.push(cmd); return null; });
    const section = startSection(testContext(freshProgress), () => Promise.resolve(false), () => undefined);
    document.body.appendChild(section.root);
    document.querySelector<HTMLButtonElement>("#open-signup")?.click();
    await settle(3);
    expect(calls).toEqual([]);
  });
});

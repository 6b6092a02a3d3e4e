import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { LivenessUpdate } from "../bindings/LivenessUpdate";
import type { SavedState } from "../bindings/SavedState";
import { settle, testContext, verifiedProgress } from "../test-fixtures";
import { signupSection, type SignupSection } from "./signup";

const pageOpened = { ...verifiedProgress, signup: { opened_at: "2026-11-28T10:01:00Z", instance_live_at: null } };
const instanceLive = { ...verifiedProgress, signup: { opened_at: "2026-11-28T10:01:00Z", instance_live_at: "2026-11-28T10:05:00Z" } };

function shown(id: string): boolean {
  const node = document.getElementById(id);
  if (!node) throw new Error(`no #${id}`);
  return !node.hidden;
}

/** Mounts the section as step 3 shows it: updated, then resuming any wait. */
function mount(progress: SavedState): SignupSection {
  const signup = signupSection(testContext(progress));
  document.body.appendChild(signup.root);
  signup.update();
  signup.resume();
  return signup;
}

afterEach(() => {
  clearMocks();
  document.body.replaceChildren();
});

describe("signup section", () => {
  it("resumes waiting after the signup page was opened, shows each check, and offers Check again once stopped", async () => {
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
    const signup = mount(pageOpened);
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
    const signup = mount(pageOpened);
    let changes = 0;
    signup.root.addEventListener("step-change", () => { changes++; });
    await settle(3);
    expect(document.querySelector('[data-outcome="live"]')?.textContent).toBe("Your ConductorOne instance is live at https://acmeco.conductor.one/");
    expect(signup.live()).toBe(true);
    expect(changes).toBe(1);
  });

  it("neither shows the paste list nor waits before the signup page was opened", () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    mount(verifiedProgress);
    expect(shown("signup")).toBe(true);
    expect(shown("paste-helper")).toBe(false);
    expect(calls).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { freshProgress, nextFrame, painted, rejectInvalid, settle, testContext } from "../test-fixtures";
import { instanceStep } from "./step1-instance";
import { jumpcloudAppStep } from "./step2-jumpcloud-app";

function type(input: HTMLInputElement | null, value: string): void {
  if (!input) throw new Error("no input");
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

afterEach(async () => {
  // Step 1 checks its values once on screen: let that finish under this test's IPC mock.
  await painted();
  clearMocks();
  document.body.replaceChildren();
});

describe("step 1 view", () => {
  it("shows Rust's message at the field, offers the suggestion, and never erases the input", async () => {
    mockIPC((cmd, args) => {
      if (cmd !== "check_instance_fields") return null;
      const { domain } = args as { domain: string };
      return domain.includes("conductor.one")
        ? { domain: null, instance_url: null, errors: [{ field: "domain", reason: "domain_is_url", message: "That is a web address.", suggestion: "acmeco" }] }
        : { domain, instance_url: `https://${domain}.conductor.one/`, errors: [] };
    });
    const view = instanceStep(testContext());
    document.body.appendChild(view.render());
    const domain = document.querySelector<HTMLInputElement>("#domain");
    type(domain, "https://acmeco.conductor.one/");
    await settle();
    expect(domain?.getAttribute("aria-invalid")).toBe("true");
    expect(document.querySelector("#domain-error")?.textContent).toContain("That is a web address.");
    expect(domain?.value).toBe("https://acmeco.conductor.one/");
    document.querySelector<HTMLButtonElement>("#domain-error button")?.click();
    await settle();
    expect(domain?.value).toBe("acmeco");
    expect(domain?.hasAttribute("aria-invalid")).toBe(false);
    expect(document.querySelector("#instance-preview")?.textContent).toContain("https://acmeco.conductor.one/");
  });

  it("checks the saved values with Rust once the step is on screen, not before its first frame", async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "check_instance_fields") return null;
      calls.push(args);
      return { domain: "acmeco", instance_url: "https://acmeco.conductor.one/", errors: [] };
    });
    const view = instanceStep(testContext({ ...freshProgress, domain: "acmeco", display_name: "Acme" }));
    document.body.appendChild(view.render());
    expect(calls).toEqual([]);
    await nextFrame();
    expect(calls).toEqual([]);
    await settle(3);
    expect(calls).toEqual([{ domain: "acmeco", displayName: "Acme" }]);
    expect(document.querySelector("#instance-preview")?.textContent).toContain("https://acmeco.conductor.one/");
  });

  it("is ready only with all three fields, sends the invite code exactly once and empties it", async () => {
    const saved: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "check_instance_fields") return { domain: "acmeco", instance_url: "https://acmeco.conductor.one/", errors: [] };
      if (cmd === "save_instance") {
        saved.push(args);
        return { ...freshProgress, domain: "acmeco", display_name: "Acme", invite_code_stored: true };
      }
      return null;
    });
    const ctx = testContext();
    const view = instanceStep(ctx);
    document.body.appendChild(view.render());
    type(document.querySelector("#domain"), "acmeco");
    type(document.querySelector("#display_name"), "Acme");
    await settle();
    expect(view.ready()).toBe(false);
    type(document.querySelector("#invite_code"), "  MiXeD-Code ");
    expect(view.ready()).toBe(true);
    // ConductorOne's signup was not started: Continue saves, then asks once.
    expect(await view.leave?.()).toBe(false);
    expect(saved).toEqual([{ input: { domain: "acmeco", display_name: "Acme", invite_code: "  MiXeD-Code " } }]);
    expect(document.querySelector<HTMLInputElement>("#invite_code")?.value).toBe("");
    expect(ctx.progress.invite_code_stored).toBe(true);
    expect(document.querySelector(".confirm")?.textContent).toContain("signup is not started yet");
    expect(await view.leave?.()).toBe(true);
  });

  it("keeps the admin on the step with field messages when Rust refuses the input", async () => {
    mockIPC((cmd) => {
      if (cmd === "check_instance_fields") return { domain: "acmeco", instance_url: null, errors: [] };
      if (cmd === "save_instance") {
        return rejectInvalid({ field: "invite_code", reason: "invite_code_inner_whitespace", message: "The invite code has a space inside." });
      }
      return null;
    });
    const view = instanceStep(testContext());
    document.body.appendChild(view.render());
    type(document.querySelector("#invite_code"), "ab cd");
    expect(await view.leave?.()).toBe(false);
    expect(document.querySelector("#invite_code-error")?.textContent).toBe("The invite code has a space inside.");
    expect(document.activeElement?.id).toBe("invite_code");
  });
});

describe("step 1 Paste button", () => {
  it("has Rust store the clipboard's code and shows where, the page never sees it", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "check_instance_fields") return { domain: "acmeco", instance_url: "https://acmeco.conductor.one/", errors: [] };
      if (cmd === "paste_invite_code") {
        return { store_name: "GNOME Keyring", clipboard_cleared: true, progress: { ...freshProgress, domain: "acmeco", display_name: "Acme", invite_code_stored: true } };
      }
      return null;
    });
    const ctx = testContext();
    const view = instanceStep(ctx);
    document.body.appendChild(view.render());
    type(document.querySelector("#domain"), "acmeco");
    type(document.querySelector("#display_name"), "Acme");
    await settle();
    document.querySelector<HTMLButtonElement>("#paste-invite_code")?.click();
    await settle();
    expect(calls.find((c) => c.cmd === "paste_invite_code")?.args).toEqual({ domain: "acmeco", displayName: "Acme" });
    expect(calls.some((c) => c.cmd.startsWith("plugin:"))).toBe(false);
    expect(document.querySelector("#invite-stored")?.textContent).toBe("Stored in GNOME Keyring. Your clipboard was emptied.");
    expect(document.querySelector<HTMLInputElement>("#invite_code")?.value).toBe("");
    expect(ctx.progress.invite_code_stored).toBe(true);
    expect(view.ready()).toBe(true);
  });

  it("shows at the field that the clipboard holds no code", async () => {
    mockIPC((cmd) => {
      if (cmd === "check_instance_fields") return { domain: "acmeco", instance_url: null, errors: [] };
      if (cmd === "paste_invite_code") {
        return rejectInvalid({ field: "invite_code", reason: "clipboard_no_text", message: "The clipboard holds no text." });
      }
      return null;
    });
    const view = instanceStep(testContext());
    document.body.appendChild(view.render());
    document.querySelector<HTMLButtonElement>("#paste-invite_code")?.click();
    await settle();
    expect(document.querySelector("#invite_code-error")?.textContent).toBe("The clipboard holds no text.");
    expect(document.activeElement?.id).toBe("invite_code");
  });
});

describe("step 2 view", () => {
  const form = {
    region: "us",
    admin_portal_url: "https://console.jumpcloud.com/#/sso",
    menu_paths: ["User authentication > SSO", "Access > SSO Applications"],
    new_app_button: "+ Add New Application",
    app_type: "Custom OIDC App",
    items: [
      {
        id: "redirect_uris",
        label: "Redirect URIs",
        kind: "paste",
        values: [
          { text: "https://accounts.conductor.one/auth/callback", why: "ConductorOne's" },
          { text: "http://127.0.0.1:38710/callback", why: "The assistant's" },
        ],
        why: "Both lines.",
        optional: false,
        checklist_item: "redirect_uris",
      },
    ],
    checklist: [
      { id: "create_app", label: "Created the app" },
      { id: "redirect_uris", label: "Entered the redirect URIs" },
    ],
  };

  it("lists each value with a Copy button that copies the exact text", async () => {
    const copied: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "regions") return [{ id: "us", label: "United States", issuer: "x", console: "console.jumpcloud.com", is_default: true }];
      if (cmd === "jumpcloud_app_form") return form;
      if (cmd === "copy_text") copied.push(args);
      return null;
    });
    const view = jumpcloudAppStep(testContext());
    document.body.appendChild(view.render());
    await settle();
    await settle();
    const buttons = [...document.querySelectorAll<HTMLButtonElement>("button.copy")];
    expect(buttons.map((b) => b.dataset.copy)).toEqual(form.items[0]?.values.map((v) => v.text));
    buttons[1]?.click();
    await settle();
    expect(copied).toEqual([{ text: "http://127.0.0.1:38710/callback" }]);
    expect(document.querySelector("#menu-path")?.textContent).toContain("Access > SSO Applications");
  });

  it("asks once before continuing with unticked checklist items", async () => {
    const ticked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "regions") return [];
      if (cmd === "jumpcloud_app_form") return form;
      if (cmd === "set_checklist") ticked.push(args);
      return null;
    });
    const view = jumpcloudAppStep(testContext());
    document.body.appendChild(view.render());
    await settle();
    await settle();
    document.querySelector<HTMLInputElement>("#check-create_app")?.click();
    expect(ticked).toEqual([{ ticked: ["create_app"] }]);
    expect(await view.leave?.()).toBe(false);
    expect(document.querySelector(".confirm")?.textContent).toContain("Entered the redirect URIs");
    expect(await view.leave?.()).toBe(true);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { rejectInvalid, settle, signupAt, testContext, verifiedProgress } from "../test-fixtures";
import { connectStep } from "./step3-connect";
import { accessStep } from "./step4-access";
import { doneScreen } from "./done";

afterEach(() => {
  clearMocks();
  document.body.replaceChildren();
});

describe("step 3 signup", () => {
  it("is hidden until the sign-in was verified", () => {
    mockIPC(() => null);
    const view = connectStep(testContext({ ...verifiedProgress, verification: null }));
    document.body.appendChild(view.render());
    expect(document.querySelector<HTMLElement>("#signup")?.hidden).toBe(true);
    expect(view.ready()).toBe(false);
  });

  it("is ready once the instance answered", () => {
    mockIPC(() => null);
    const view = connectStep(testContext(signupAt(verifiedProgress, "live")));
    document.body.appendChild(view.render());
    expect(document.querySelector('[data-outcome="live"]')).not.toBeNull();
    expect(view.ready()).toBe(true);
  });
});

describe("step 4 and the done screen", () => {
  const form = {
    region: "us",
    user_groups_url: "https://console.jumpcloud.com/#/groups/user",
    instructions: [{ item: "pick_group", text: "Pick a group." }],
    cleanup: {
      item: "remove_loopback_redirect",
      redirect_uri: "http://127.0.0.1:38710/callback",
      keep_redirect_uri: "https://accounts.conductor.one/auth/callback",
      admin_portal_url: "https://console.jumpcloud.com/#/sso",
      location: "SSO tab",
      text: "Remove it.",
      why_keep: "Keep it to re-check.",
      verify_command: "c1-setup verify-sso --issuer https://oauth.id.jumpcloud.com/ --client-id <client-id>",
    },
    checklist: [
      { id: "pick_group", label: "Picked a group", optional: false },
      { id: "remove_loopback_redirect", label: "Removed it", optional: true },
    ],
  };

  it("fills the Client ID into the re-check command, saves ticks and finishes", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "access_form") return form;
      if (cmd === "finish_setup") return { ...verifiedProgress, finished_at: "2026-11-28T11:00:00Z" };
      return null;
    });
    const ctx = testContext(verifiedProgress);
    const view = accessStep(ctx);
    document.body.appendChild(view.render());
    await settle(3);
    expect(document.querySelector("#cleanup")?.textContent).toContain("--client-id client-1");
    expect(view.ready()).toBe(true);
    // Unticked: Finish asks once.
    expect(await view.leave?.()).toBe(false);
    expect(document.querySelector("#finish-confirm")?.textContent).toContain("Nobody but you can sign in");
    document.querySelector<HTMLInputElement>("#access-pick_group")?.click();
    expect(calls.find((c) => c.cmd === "set_access_checklist")?.args).toEqual({ ticked: ["pick_group"] });
    expect(await view.leave?.()).toBe(true);
    expect(ctx.progress.finished_at).toBe("2026-11-28T11:00:00Z");
  });

  it("the done screen summarises the setup and exports the report through Rust", async () => {
    const opened: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "export_report") return "/home/admin/conductorone-setup-acmeco.md";
      if (cmd === "check_instance_fields") return { domain: "acmeco", instance_url: "https://acmeco.conductor.one/", errors: [] };
      if (cmd === "open_page") {
        opened.push((args as { page: string }).page);
        return { url: "https://acmeco.conductor.one/" };
      }
      return null;
    });
    const done = doneScreen(testContext(signupAt(verifiedProgress, "live")));
    document.body.appendChild(done.render());
    await settle(3);
    const summary = document.querySelector(".summary-list")?.textContent ?? "";
    expect(summary).toContain("admin@acme.example");
    expect(summary).toContain("Stored in GNOME Keyring");
    expect(document.querySelector("#open-instance")?.textContent).toBe("https://acmeco.conductor.one/");
    document.querySelector<HTMLButtonElement>("#open-instance")?.click();
    document.querySelector<HTMLButtonElement>("#open-docs")?.click();
    await settle(3);
    expect(opened).toEqual(["instance", "docs"]);
    document.querySelector<HTMLButtonElement>("#export-report")?.click();
    await settle(3);
    expect(document.querySelector("#export-status")?.textContent).toBe("Report saved to /home/admin/conductorone-setup-acmeco.md");
  });
});

describe("step 3 Paste buttons", () => {
  it("ask Rust, and the secret is stored without passing through the page", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "paste_client_secret") {
        return { store_name: "GNOME Keyring", clipboard_cleared: true, progress: { ...verifiedProgress, verification: null } };
      }
      return null;
    });
    const view = connectStep(testContext({ ...verifiedProgress, client_secret_stored: false, verification: null }));
    document.body.appendChild(view.render());
    document.querySelector<HTMLButtonElement>("#paste-client_secret")?.click();
    await settle(3);
    expect(calls.map((c) => c.cmd)).toContain("paste_client_secret");
    expect(calls.find((c) => c.cmd === "paste_client_secret")?.args).toEqual({ clientId: verifiedProgress.client_id });
    expect(calls.some((c) => c.cmd.startsWith("plugin:clipboard-manager"))).toBe(false);
    expect(document.querySelector("#stored-status")?.textContent).toBe("Client Secret stored in GNOME Keyring. Your clipboard was emptied.");
    expect(document.querySelector<HTMLInputElement>("#client_secret")?.value).toBe("");
  });

  it("say what to do at the field when the clipboard holds no text", async () => {
    mockIPC((cmd) =>
      cmd === "paste_client_secret"
        ? rejectInvalid({
            field: "client_secret",
            reason: "clipboard_no_text",
            message: "The clipboard holds no text. Copy the Client Secret again, or click the field and paste with Ctrl+V (Cmd+V on a Mac).",
          })
        : null,
    );
    const view = connectStep(testContext({ ...verifiedProgress, verification: null }));
    document.body.appendChild(view.render());
    document.querySelector<HTMLButtonElement>("#paste-client_secret")?.click();
    await settle(3);
    expect(document.querySelector("#client_secret-error")?.textContent).toContain("Ctrl+V");
    expect(document.querySelector("#client_secret")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("put a pasted Client ID in its field", async () => {
    mockIPC((cmd) => (cmd === "paste_client_id" ? "pasted-client-id" : null));
    const view = connectStep(testContext({ ...verifiedProgress, client_id: null, verification: null }));
    document.body.appendChild(view.render());
    document.querySelector<HTMLButtonElement>("#paste-client_id")?.click();
    await settle(3);
    expect(document.querySelector<HTMLInputElement>("#client_id")?.value).toBe("pasted-client-id");
  });
});

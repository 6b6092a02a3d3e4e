// The done screen: the live instance (a link that opens it), who the test
// sign-in verified, what was stored where, the setup report, and the next
// step in ConductorOne ("Connect your user directory").
import { el } from "../dom";
import { api, appError } from "../ipc";
import { verifiedEmail, type Context } from "../context";
import type { Page } from "../bindings/Page";
import type { DoneView } from "../stepper";
import { errorPanel, openInto } from "../ui";

export function doneScreen(ctx: Context): DoneView {
  return {
    title: "ConductorOne is set up with JumpCloud",
    summary: "Your instance is live, and you sign in to it with JumpCloud.",
    render() {
      const p = ctx.progress;
      const email = verifiedEmail(p) ?? "not verified";
      const openResult = el("div", { "aria-live": "polite" });
      const exportStatus = el("div", { id: "export-status", "aria-live": "polite" });
      const opener = (id: string, page: Page, text: string, what: string) => {
        const button = el("button", { type: "button", class: "link", id }, text);
        button.addEventListener("click", () => {
          void openInto(openResult, () => api.openPage(page), what, (opened) => el("p", {}, `Opened ${opened.url} in your browser.`));
        });
        return button;
      };
      const instanceLink = opener("open-instance", "instance", `${p.domain} (open)`, "instance address");
      // The address comes from Rust's endpoint table (the sandbox has its own).
      void api.checkInstanceFields(p.domain, p.display_name).then((check) => {
        if (check.instance_url) instanceLink.textContent = check.instance_url;
      }).catch(() => undefined);
      const exportButton = el("button", { type: "button", class: "secondary", id: "export-report" }, "Export setup report…");
      exportButton.addEventListener("click", () => {
        api
          .exportReport()
          .then((path) => {
            exportStatus.replaceChildren(path ? el("p", { class: "stored" }, `Report saved to ${path}`) : el("p", {}, ""));
          })
          .catch((err: unknown) => { exportStatus.replaceChildren(errorPanel(appError(err))); });
      });
      const keychain = ctx.storeName ?? "your system's keychain";
      const row = (term: string, ...value: (string | Node)[]) => [el("dt", {}, term), el("dd", {}, ...value)];
      return el(
        "div",
        { class: "done" },
        el(
          "dl",
          { class: "summary-list" },
          ...row("Your instance", instanceLink),
          ...row("Display name", p.display_name),
          ...row("Verified admin", email),
          ...row("JumpCloud app", `Client ID ${p.client_id ?? ""}`),
          ...row("Stored in " + keychain, "the invite code and the Client Secret (nowhere else)"),
          ...row("Saved progress", "the domain, the Client ID and the choices of each step, without any secret"),
        ),
        openResult,
        el("div", { class: "button-row" }, exportButton),
        exportStatus,
        el("h2", {}, "Next: connect your user directory"),
        el(
          "p",
          {},
          "In ConductorOne, continue with “Connect your user directory”: add the JumpCloud connector with a JumpCloud API key, then pick it under Directory > Directory sources, so ConductorOne knows everyone in your company. ",
          opener("open-docs", "docs", "ConductorOne's documentation", "documentation address"),
          " explains it (search for “JumpCloud connector”).",
        ),
        el("p", { class: "hint" }, "The report holds every value of this setup except the secret and the invite code, for your records."),
      );
    },
  };
}

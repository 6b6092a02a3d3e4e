// The done screen: what was set up, where to go next, and the setup report.
import { el } from "../dom";
import { api, appError } from "../ipc";
import { verifiedEmail, type Context } from "../context";
import type { DoneView } from "../stepper";
import { errorPanel, openInto } from "../ui";

export function doneScreen(ctx: Context): DoneView {
  return {
    title: "ConductorOne is set up with JumpCloud",
    summary: "Your instance is live and signs people in with JumpCloud.",
    render() {
      const p = ctx.progress;
      const email = verifiedEmail(p) ?? "not verified";
      const openResult = el("div", { "aria-live": "polite" });
      const exportStatus = el("div", { id: "export-status", "aria-live": "polite" });
      const openButton = el("button", { type: "button", class: "primary-outline", id: "open-instance" }, "Open ConductorOne");
      openButton.addEventListener("click", () => {
        void openInto(openResult, () => api.openPage("instance"), "instance address", (opened) => el("p", {}, `Opened ${opened.url} in your browser.`));
      });
      const exportButton = el("button", { type: "button", class: "secondary", id: "export-report" }, "Export setup report…");
      exportButton.addEventListener("click", () => {
        api
          .exportReport()
          .then((path) => {
            exportStatus.replaceChildren(path ? el("p", { class: "stored" }, `Report saved to ${path}`) : el("p", {}, ""));
          })
          .catch((err: unknown) => { exportStatus.replaceChildren(errorPanel(appError(err))); });
      });
      const row = (term: string, value: string) => [el("dt", {}, term), el("dd", {}, value)];
      return el(
        "div",
        { class: "done" },
        el(
          "dl",
          { class: "summary-list" },
          ...row("Domain", p.domain),
          ...row("Display name", p.display_name),
          ...row("Client ID", p.client_id ?? ""),
          ...row("Verified admin", email),
        ),
        el("div", { class: "button-row" }, openButton, exportButton),
        openResult,
        exportStatus,
        el("h2", {}, "What comes next"),
        el(
          "p",
          {},
          "In ConductorOne, continue with “Connect your user directory”: add the JumpCloud connector with a JumpCloud API key, then pick it under Directory > Directory sources, so ConductorOne knows everyone in your company.",
        ),
        el("p", { class: "hint" }, "The report holds every value of this setup except the secret and the invite code, for your records."),
      );
    },
  };
}

// Step 4: give your colleagues access. Opens the Admin Portal's user groups
// page, lists what to do there with a checklist, and offers the optional
// clean-up of the assistant's own redirect URI. "Finish" leads to the done
// screen.
import { el, clear } from "../dom";
import { api, appError } from "../ipc";
import type { Context } from "../context";
import type { AccessForm } from "../bindings/AccessForm";
import type { AccessItem } from "../bindings/AccessItem";
import { notifyChange, type StepView } from "../stepper";
import { copyable, errorPanel, openPortalPage } from "../ui";

export function accessStep(ctx: Context): StepView {
  let form: AccessForm | null = null;
  let confirmPending = false;
  const confirmBox = el("div", { class: "confirm", "aria-live": "assertive" });
  const root = el("div", { class: "access" });
  const openResult = el("div", { "aria-live": "polite" });
  const failure = el("div");

  function ticked(): AccessItem[] {
    return [...root.querySelectorAll<HTMLInputElement>(".checklist input:checked")].map((i) => i.value as AccessItem);
  }

  function checkbox(id: AccessItem, label: string): HTMLElement {
    const box = el("input", { type: "checkbox", id: `access-${id}`, value: id });
    box.checked = ctx.progress.access_checklist.includes(id);
    box.addEventListener("change", () => {
      ctx.progress.access_checklist = ticked();
      void api.setAccessChecklist(ctx.progress.access_checklist);
    });
    return el("div", { class: "check" }, box, el("label", { for: box.id }, label));
  }

  const openGroups = () =>
    openPortalPage(openResult, "user_groups", "user groups address", "If the Admin Portal shows another page, open User Groups from its left menu.");

  function show(next: AccessForm): void {
    form = next;
    const cleanup = next.cleanup;
    const verifyCommand = cleanup.verify_command.replace("<client-id>", ctx.progress.client_id ?? "<client-id>");
    clear(root);
    root.append(
      el("div", { class: "button-row" }, el("button", { type: "button", class: "primary-outline", id: "open-groups", onclick: () => { void openGroups(); } }, "Open JumpCloud user groups")),
      openResult,
      el("ol", { class: "form-items", id: "access-instructions" }, ...next.instructions.map((i) => el("li", { class: "form-item" }, el("p", {}, i.text), i.note ? el("p", { class: "note" }, i.note) : null))),
      el(
        "fieldset",
        { class: "checklist" },
        el("legend", {}, "Done in JumpCloud"),
        ...next.checklist.filter((c) => !c.optional).map((c) => checkbox(c.id, c.label)),
      ),
      el(
        "section",
        { class: "panel", id: "cleanup", "aria-labelledby": "cleanup-heading" },
        el("h2", { id: "cleanup-heading" }, "Optional: remove the assistant's redirect URI"),
        el("p", {}, `${cleanup.text} (${cleanup.location})`),
        copyable(cleanup.redirect_uri, "the assistant's redirect URI"),
        el("p", { class: "why" }, cleanup.why_keep),
        copyable(verifyCommand, "the re-check command"),
        ...next.checklist.filter((c) => c.optional).map((c) => checkbox(c.id, c.label)),
      ),
      failure,
      confirmBox,
    );
    notifyChange(root);
  }

  async function load(): Promise<void> {
    try {
      show(await api.accessForm());
    } catch (err) {
      root.replaceChildren(errorPanel(appError(err)));
    }
  }

  return {
    id: "access",
    render() {
      confirmPending = false;
      confirmBox.replaceChildren();
      void load();
      return root;
    },
    ready: () => form !== null,
    async leave() {
      failure.replaceChildren();
      const missing = form?.checklist.filter((c) => !c.optional && !ctx.progress.access_checklist.includes(c.id)) ?? [];
      if (missing.length > 0 && !confirmPending) {
        confirmPending = true;
        confirmBox.replaceChildren(
          el(
            "div",
            { class: "panel warn", role: "alert", id: "finish-confirm" },
            el("p", { class: "panel-title" }, "Nobody but you can sign in to ConductorOne yet."),
            el("p", {}, "Until a user group has the ConductorOne app on its Applications tab, your colleagues cannot sign in. Not ticked yet:"),
            el("ul", {}, ...missing.map((m) => el("li", {}, m.label))),
            el("p", {}, "Press Finish again to finish anyway; you can come back to this step from the done screen."),
          ),
        );
        notifyChange(confirmBox);
        return false;
      }
      try {
        ctx.progress = await api.finishSetup();
        return true;
      } catch (err) {
        failure.replaceChildren(errorPanel(appError(err)));
        return false;
      }
    },
  };
}

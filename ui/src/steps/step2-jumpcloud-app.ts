// Step 2: create the OIDC app in JumpCloud. Every value comes from Rust (the
// endpoint table); the admin copies each one into JumpCloud's form and ticks
// the checklist. Continue with unticked items asks once for confirmation.
import { el, clear } from "../dom";
import { api, appError, CommandError } from "../ipc";
import type { Context } from "../context";
import type { ChecklistItem } from "../bindings/ChecklistItem";
import type { JumpcloudAppForm } from "../bindings/JumpcloudAppForm";
import type { FormItem } from "../bindings/FormItem";
import type { Region } from "../bindings/Region";
import { notifyChange, type StepView } from "../stepper";
import { copyable, errorPanel, field, openPortalPage } from "../ui";

export function jumpcloudAppStep(ctx: Context): StepView {
  let form: JumpcloudAppForm | null = null;
  let confirmPending = false;
  const root = el("div", { class: "jumpcloud" });
  const openResult = el("div", { class: "open-result", "aria-live": "polite" });
  const itemsBox = el("ol", { class: "form-items" });
  const checklistBox = el("fieldset", { class: "checklist" });
  const confirmBox = el("div", { class: "confirm", "aria-live": "assertive" });
  const regionSelect = el("select", { id: "region" });
  const port = field({
    id: "loopback_port",
    label: "Port for the assistant's test sign-in",
    hint: "Change it only if another program uses this port. The second redirect URI above follows it.",
    value: String(ctx.progress.loopback_port),
  });
  const applyPort = el("button", { type: "button", class: "secondary small", id: "apply-port" }, "Apply");
  port.root.querySelector(".field-row")?.appendChild(applyPort);

  function show(next: JumpcloudAppForm): void {
    form = next;
    clear(itemsBox);
    for (const item of next.items) itemsBox.appendChild(renderItem(item));
    renderChecklist(next);
    notifyChange(root);
  }

  function renderItem(item: FormItem): HTMLElement {
    const values = item.values.map((v) =>
      el("div", { class: "form-value" }, copyable(v.text, `${item.label}${v.field ? ` (${v.field})` : ""}`), v.why ? el("p", { class: "why" }, v.why) : null),
    );
    return el(
      "li",
      { class: "form-item", "data-item": item.id },
      el("p", { class: "item-label" }, item.label, item.optional ? el("span", { class: "optional" }, " (optional)") : null),
      ...values,
      el("p", { class: "why" }, item.why),
      item.note ? el("p", { class: "note" }, item.note) : null,
    );
  }

  function ticked(): ChecklistItem[] {
    return [...checklistBox.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value as ChecklistItem);
  }

  function renderChecklist(next: JumpcloudAppForm): void {
    clear(checklistBox);
    checklistBox.appendChild(el("legend", {}, "Done in JumpCloud"));
    for (const entry of next.checklist) {
      const box = el("input", { type: "checkbox", id: `check-${entry.id}`, value: entry.id });
      box.checked = ctx.progress.checklist.includes(entry.id);
      box.addEventListener("change", () => {
        ctx.progress.checklist = ticked();
        confirmPending = false;
        clear(confirmBox);
        void api.setChecklist(ctx.progress.checklist);
      });
      checklistBox.appendChild(el("div", { class: "check" }, box, el("label", { for: box.id }, entry.label)));
    }
  }

  const openPortal = () =>
    openPortalPage(openResult, "sso_applications", "Admin Portal address", "If the Admin Portal shows another page, pick the menu entry named below.");

  regionSelect.addEventListener("change", () => {
    void api.setRegion(regionSelect.value as Region).then((next) => {
      ctx.progress.region = next.region;
      show(next);
    });
  });
  applyPort.addEventListener("click", () => {
    void (async () => {
      try {
        const next = await api.setLoopbackPort(port.input.value);
        port.setError(null);
        ctx.progress.loopback_port = Number(port.input.value.trim());
        show(next);
      } catch (err) {
        const error = appError(err);
        port.setError(err instanceof CommandError && error.fields?.[0] ? error.fields[0] : { field: "loopback_port", reason: error.kind, message: error.message });
      }
    })();
  });
  port.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      applyPort.click();
    }
  });

  root.append(
    el(
      "div",
      { class: "region-row" },
      el("label", { for: "region" }, "Your JumpCloud region"),
      regionSelect,
      el("button", { type: "button", class: "primary-outline", id: "open-portal", onclick: () => { void openPortal(); } }, "Open JumpCloud Admin Portal"),
    ),
    openResult,
    el("p", { class: "menu-path", id: "menu-path" }),
    itemsBox,
    el("details", { class: "settings" }, el("summary", {}, "Settings"), port.root),
    checklistBox,
    confirmBox,
  );

  async function load(): Promise<void> {
    try {
      const [regions, next] = await Promise.all([api.regions(), api.jumpcloudAppForm()]);
      clear(regionSelect);
      for (const r of regions) {
        const option = el("option", { value: r.id }, `${r.label} (${r.console})`);
        option.selected = r.id === ctx.progress.region;
        regionSelect.appendChild(option);
      }
      const menu = root.querySelector("#menu-path");
      if (menu) {
        menu.textContent = `In the Admin Portal, go to ${next.menu_paths.join(" (newer portals: ")}${next.menu_paths.length > 1 ? ")" : ""}, click ${next.new_app_button} and pick ${next.app_type}. Then enter these values:`;
      }
      show(next);
    } catch (err) {
      root.replaceChildren(errorPanel(appError(err)));
    }
  }

  return {
    id: "jumpcloud_app",
    render() {
      confirmPending = false;
      clear(confirmBox);
      void load();
      return root;
    },
    ready: () => form !== null,
    leave() {
      const missing = form?.checklist.filter((c) => !ctx.progress.checklist.includes(c.id)) ?? [];
      if (missing.length === 0 || confirmPending) return Promise.resolve(true);
      confirmPending = true;
      confirmBox.replaceChildren(
        el(
          "div",
          { class: "panel warn", role: "alert" },
          el("p", { class: "panel-title" }, `${String(missing.length)} item${missing.length > 1 ? "s are" : " is"} not ticked yet:`),
          el("ul", {}, ...missing.map((m) => el("li", {}, m.label))),
          el("p", {}, "Press Continue again to go on anyway; the test sign-in in step 3 will tell you if something is missing."),
        ),
      );
      notifyChange(confirmBox);
      return Promise.resolve(false);
    },
  };
}

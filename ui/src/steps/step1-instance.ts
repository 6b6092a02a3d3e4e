// Step 1: create your ConductorOne instance. Domain and display name are
// checked in Rust as the admin types; the invite code is sent once, straight
// into the keychain, and the field is emptied (its Paste button has Rust read
// the clipboard and store it, so a pasted code never passes through here). The step ends with page 1 of
// ConductorOne's signup (signup.ts); Continue without having confirmed its
// second page asks once.
import { afterPaint, el } from "../dom";
import { api, CommandError, appError } from "../ipc";
import type { Context } from "../context";
import type { FieldError } from "../bindings/FieldError";
import type { SavedState } from "../bindings/SavedState";
import { notifyChange, type StepView } from "../stepper";
import { errorPanel, field, revealToggle } from "../ui";
import { startSection, SETUP_PAGE_TITLE } from "./signup";

export function instanceStep(ctx: Context): StepView {
  let domainOk = false;
  let nameOk = false;
  let codeTyped = false;
  let seq = 0;

  const domain = field({
    id: "domain",
    label: "Domain",
    hint: "Letters, digits and hyphens. Capital letters become lower case. This is the first part of your instance's web address.",
    value: ctx.progress.domain,
  });
  const preview = el("p", { class: "preview", id: "instance-preview", "aria-live": "polite" });
  const domainWarning = el("p", { class: "field-warning", id: "domain-warning", "aria-live": "polite" });
  const displayName = field({
    id: "display_name",
    label: "Display name",
    hint: "Your company's name, as your colleagues should see it.",
    value: ctx.progress.display_name,
    autocomplete: "organization",
  });
  const invite = field({
    id: "invite_code",
    label: "Invite code",
    type: "password",
    hint: ctx.progress.invite_code_stored
      ? "Already stored in your keychain. Leave this empty to keep it, or paste a new one. It is case-sensitive."
      : "From your ConductorOne invitation. It is case-sensitive: paste it exactly as you received it.",
    placeholder: ctx.progress.invite_code_stored ? "Stored: leave empty to keep" : "",
  });
  // Paste asks Rust, which reads the clipboard and stores the code (with
  // the domain and display name) straight into the keychain: the code never
  // passes through this page.
  const pasteInvite = el("button", { type: "button", class: "secondary small", id: "paste-invite_code" }, "Paste");
  pasteInvite.setAttribute("aria-label", "Paste the invite code from the clipboard");
  const inviteStored = el("p", { class: "stored", id: "invite-stored", role: "status" });
  invite.root.querySelector(".field-row")?.append(pasteInvite, revealToggle(invite.input, "invite code"));
  invite.root.append(inviteStored);
  const failure = el("div", { class: "step-error" });
  const confirmBox = el("div", { class: "confirm", "aria-live": "assertive" });
  let confirmPending = false;

  const errorsFor = (errors: FieldError[], id: string) => errors.find((e) => e.field === id) ?? null;

  async function check(): Promise<void> {
    const mine = ++seq;
    const result = await api.checkInstanceFields(domain.input.value, displayName.input.value);
    if (mine !== seq) return; // a newer check is on its way
    domain.setError(errorsFor(result.errors, "domain"), (value) => {
      domain.input.value = value;
      void check();
    });
    displayName.setError(errorsFor(result.errors, "display_name"));
    domainOk = result.domain !== null;
    nameOk = displayName.input.value.trim() !== "" && !errorsFor(result.errors, "display_name");
    preview.textContent = result.instance_url ? `Your instance will be at ${result.instance_url}` : "";
    notifyChange(domain.root);
  }

  const onInput = () => { void check(); };
  domain.input.addEventListener("input", onInput);
  displayName.input.addEventListener("input", onInput);
  invite.input.addEventListener("input", () => {
    codeTyped = invite.input.value.trim() !== "";
    invite.setError(null);
    notifyChange(invite.root);
  });

  function saved(progress: SavedState): void {
    ctx.progress = progress;
    // The code now lives in the keychain only.
    invite.input.value = "";
    codeTyped = false;
    domain.input.value = ctx.progress.domain;
    invite.input.placeholder = "Stored: leave empty to keep";
    signup.update();
  }

  function showSaveError(err: unknown): void {
    const error = appError(err);
    if (err instanceof CommandError && error.kind === "invalid_input") {
      for (const f of [domain, displayName, invite]) f.setError(errorsFor(error.fields ?? [], f.input.id));
      const first = [domain, displayName, invite].find((f) => f.input.getAttribute("aria-invalid") === "true");
      first?.input.focus();
    } else {
      failure.replaceChildren(errorPanel(error));
    }
  }

  async function save(): Promise<boolean> {
    failure.replaceChildren();
    try {
      saved(await api.saveInstance(domain.input.value, displayName.input.value, invite.input.value));
      return true;
    } catch (err) {
      showSaveError(err);
      return false;
    }
  }

  pasteInvite.addEventListener("click", () => {
    failure.replaceChildren();
    api
      .pasteInviteCode(domain.input.value, displayName.input.value)
      .then((result) => {
        saved(result.progress);
        for (const f of [domain, displayName, invite]) f.setError(null);
        inviteStored.textContent = `Stored in ${result.store_name}.${result.clipboard_cleared ? " Your clipboard was emptied." : ""}`;
        notifyChange(invite.root);
      })
      .catch(showSaveError);
  });

  const signup = startSection(ctx, save, (text) => { domainWarning.textContent = text ?? ""; });

  return {
    id: "instance",
    render() {
      // The saved values are checked with Rust once the step is on screen:
      // the first frame does not wait for that call.
      afterPaint(() => void check());
      confirmPending = false;
      confirmBox.replaceChildren();
      signup.update();
      return el("div", { class: "fields" }, domain.root, preview, domainWarning, displayName.root, invite.root, failure, signup.root, confirmBox);
    },
    ready: () => domainOk && nameOk && (codeTyped || ctx.progress.invite_code_stored),
    async leave() {
      if (!(await save())) return false;
      if (signup.confirmed() || confirmPending) return true;
      confirmPending = true;
      confirmBox.replaceChildren(
        el(
          "div",
          { class: "panel warn", role: "alert" },
          el("p", { class: "panel-title" }, "ConductorOne's signup is not started yet."),
          el("p", {}, `Open ConductorOne's signup page above, enter the three values and click “Sign up with JumpCloud”, so that a wrong invite code or a taken domain shows up now. Then tick that you see “${SETUP_PAGE_TITLE}”. Press Continue again to go on anyway; you can start the signup from step 3 too.`),
        ),
      );
      notifyChange(confirmBox);
      return false;
    },
  };
}

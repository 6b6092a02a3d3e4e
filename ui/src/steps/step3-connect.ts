// Step 3: connect JumpCloud to ConductorOne. The Client ID and secret are
// pasted (or typed), sent to Rust once and stored in the keychain; the secret
// field is emptied at once. "Sign up with JumpCloud" then proves the app
// works with a real sign-in, and explains any failure with its fix.
import { readText } from "@tauri-apps/plugin-clipboard-manager";
import { el, clear } from "../dom";
import { api, appError, CommandError } from "../ipc";
import { verifiedEmail, type Context } from "../context";
import type { FieldError } from "../bindings/FieldError";
import type { LivenessUpdate } from "../bindings/LivenessUpdate";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { Verified } from "../bindings/Verified";
import { notifyChange, type StepView } from "../stepper";
import { copyable, errorPanel, field, openInto, revealToggle, statusButton } from "../ui";

export function connectStep(ctx: Context): StepView {
  const clientId = field({
    id: "client_id",
    label: "Client ID",
    hint: "From JumpCloud's “Application Saved” popup (also on the app's SSO tab).",
    value: ctx.progress.client_id ?? "",
  });
  const secret = field({
    id: "client_secret",
    label: "Client Secret",
    type: "password",
    hint: "Shown only once by JumpCloud. It goes straight into your system's keychain; afterwards the assistant empties your clipboard if it still holds it.",
  });
  const pasteButton = (target: HTMLInputElement, field: { setError: (e: FieldError | null) => void }, what: string) => {
    const button = el("button", { type: "button", class: "secondary small", id: `paste-${target.id}` }, "Paste");
    button.setAttribute("aria-label", `Paste the ${what} from the clipboard`);
    button.addEventListener("click", () => {
      const cannotRead = () => {
        field.setError({
          field: target.id,
          reason: "clipboard_unreadable",
          message: `The clipboard holds no text. Copy the ${what} in JumpCloud again, or click the field and paste with Ctrl+V (Cmd+V on a Mac).`,
        });
        target.focus();
      };
      readText()
        .then((text) => {
          if (text.trim() === "") {
            cannotRead();
            return;
          }
          target.value = text.trim();
          target.dispatchEvent(new Event("input"));
        })
        .catch(cannotRead);
    });
    return button;
  };
  clientId.root.querySelector(".field-row")?.appendChild(pasteButton(clientId.input, clientId, "Client ID"));
  const secretRow = secret.root.querySelector(".field-row");
  secretRow?.append(pasteButton(secret.input, secret, "Client Secret"), revealToggle(secret.input, "Client Secret"));

  const stored = el("p", { class: "stored", id: "stored-status", role: "status" });
  const save = el("button", { type: "button", class: "secondary", id: "save-credentials" }, "Save to keychain");
  const saveError = el("div");
  const verifyButton = el("button", { type: "button", class: "primary-outline", id: "verify" }, "Sign up with JumpCloud");
  const cancelButton = el("button", { type: "button", class: "secondary", id: "cancel-verify", hidden: true }, "Cancel");
  const progressBox = el("div", { class: "verify-progress", id: "verify-progress", "aria-live": "polite" });
  const resultBox = el("div", { class: "verify-result", id: "verify-result" });
  let running = false;

  const passed = () => verifiedEmail(ctx.progress) !== null;

  function showStored(storeName: string | null, clipboardCleared = false): void {
    if (!ctx.progress.secret_stored) {
      stored.textContent = "";
      return;
    }
    const where = storeName ?? ctx.storeName ?? "your system's keychain";
    stored.textContent = `Client Secret stored in ${where}.${clipboardCleared ? " Your clipboard was emptied." : ""}`;
  }

  async function saveCredentials(): Promise<boolean> {
    saveError.replaceChildren();
    const typedSecret = secret.input.value;
    if (typedSecret === "" && ctx.progress.secret_stored && clientId.input.value.trim() === ctx.progress.client_id) return true;
    try {
      const result = await api.saveCredentials(clientId.input.value, typedSecret);
      ctx.progress = result.progress;
      clientId.setError(null);
      secret.setError(null);
      showStored(result.store_name, result.clipboard_cleared);
      return true;
    } catch (err) {
      const error = appError(err);
      if (err instanceof CommandError && error.kind === "invalid_input") {
        clientId.setError(error.fields?.find((f) => f.field === "client_id") ?? null);
        secret.setError(error.fields?.find((f) => f.field === "client_secret") ?? null);
      } else {
        saveError.replaceChildren(errorPanel(error));
      }
      return false;
    } finally {
      // The secret was sent (or refused); either way it leaves the page now.
      secret.input.value = "";
      secret.input.type = "password";
      updateButtons();
    }
  }

  function stage(p: LoginProgress): void {
    clear(progressBox);
    switch (p.stage) {
      case "discovering":
        progressBox.append(el("p", {}, `Contacting JumpCloud (${p.issuer})…`));
        break;
      case "waiting_for_browser":
        progressBox.append(
          el("p", {}, p.browser_opened ? "Waiting for you to sign in with JumpCloud in your browser…" : "Your browser did not open. Open this address to sign in:"),
          copyable(p.url, "sign-in address"),
        );
        break;
      case "checking_with_provider":
        progressBox.append(el("p", {}, "Checking the sign-in with JumpCloud…"));
        break;
      case "verified":
        progressBox.append(el("p", {}, `Verified: ${p.email}`));
        break;
    }
  }

  function showVerified(v: Verified): void {
    resultBox.replaceChildren(
      el(
        "div",
        { class: "panel ok", role: "status", "data-outcome": "verified" },
        el("p", { class: "panel-title" }, `JumpCloud signed you in as ${v.email}.`),
        el("p", {}, "Proven:"),
        el("ul", { class: "checks" }, ...v.checks.map((c) => el("li", {}, c.label))),
        v.groups.length ? el("p", {}, `Your groups: ${v.groups.join(", ")}`) : null,
      ),
    );
  }

  async function verify(): Promise<void> {
    if (running) return;
    if (secret.input.value !== "" || clientId.input.value.trim() !== (ctx.progress.client_id ?? "")) {
      if (!(await saveCredentials())) return;
    }
    running = true;
    resultBox.replaceChildren();
    updateButtons();
    try {
      const verified = await api.verifySso(stage);
      showVerified(verified);
      handoff.hidden = false;
    } catch (err) {
      const error = appError(err);
      const target = error.step;
      resultBox.replaceChildren(
        errorPanel(
          error,
          target && target !== "connect"
            ? { label: `Go to step ${target === "instance" ? "1" : "2"} to fix it`, run: () => { ctx.goTo(target); } }
            : undefined,
        ),
      );
      showStored(null);
    } finally {
      // Rust recorded the outcome (and a secret found missing); take its word.
      ctx.progress = await api.progress().catch(() => ctx.progress);
      renderHandoff();
      running = false;
      clear(progressBox);
      updateButtons();
      resultBox.scrollIntoView({ block: "nearest" });
    }
  }

  // --- Hand-off to ConductorOne's signup, then waiting for the instance ---
  const handoff = el("section", { class: "handoff", id: "handoff", "aria-labelledby": "handoff-heading" });
  const openSignup = el("button", { type: "button", class: "primary-outline", id: "open-signup" }, "Create my ConductorOne instance");
  const signupOpened = el("div", { "aria-live": "polite" });
  const helper = el("ol", { class: "paste-helper", id: "paste-helper" });
  const instanceStatus = el("div", { class: "instance-status", id: "instance-status", "aria-live": "polite" });
  const stopWaiting = el("button", { type: "button", class: "secondary", id: "stop-waiting", hidden: true }, "Stop waiting");
  const resumeWaiting = el("button", { type: "button", class: "secondary", id: "resume-waiting", hidden: true }, "Check again");
  let waiting = false;
  const live = () => ctx.progress.registration.instance_live_at !== null;

  function secretCopy(which: "invite_code" | "client_secret", label: string): HTMLElement {
    const [button, status] = statusButton({
      label: "Copy",
      ariaLabel: `Copy the ${label}`,
      attrs: { id: `copy-${which}` },
      run: () => api.copySecret(which).then((seconds) => `Copied. The clipboard is emptied in ${String(seconds)} seconds.`),
    });
    return el("div", { class: "copyable" }, el("code", { class: "value" }, "•••••••• (in your keychain)"), button, status);
  }

  function renderHelper(): void {
    const row = (label: string, value: HTMLElement) => el("li", {}, el("p", { class: "item-label" }, label), value);
    helper.replaceChildren(
      row("Domain", copyable(ctx.progress.domain, "Domain")),
      row("Display name", copyable(ctx.progress.display_name, "Display name")),
      row("Invite code", secretCopy("invite_code", "invite code")),
      row("Client ID", copyable(ctx.progress.client_id ?? "", "Client ID")),
      row("Client secret", secretCopy("client_secret", "Client Secret")),
      el("li", {}, el("p", { class: "item-label" }, "Then click “Sign up with JumpCloud” on that page and sign in.")),
    );
  }

  function showLive(url?: string): void {
    const text = url ? `Your ConductorOne instance is live at ${url}` : "Your ConductorOne instance is live.";
    instanceStatus.replaceChildren(
      el("div", { class: "panel ok", role: "status", "data-outcome": "live" }, el("p", { class: "panel-title" }, text)),
    );
  }

  async function waitForInstance(): Promise<void> {
    if (waiting || live()) return;
    waiting = true;
    stopWaiting.hidden = false;
    resumeWaiting.hidden = true;
    instanceStatus.replaceChildren(el("p", {}, "Waiting for your new instance to answer…"));
    try {
      const result = await api.waitForInstance((update: LivenessUpdate) => {
        const since = new Date(update.since).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        instanceStatus.replaceChildren(
          el("p", {}, `Waiting for your new instance since ${since}.`),
          el("p", { class: "hint", "data-probe": update.outcome.kind }, `${update.message} Next check in ${String(update.next_check_in_secs)} s.`),
        );
      });
      ctx.progress = await api.progress();
      showLive(result.url);
    } catch (err) {
      const error = appError(err);
      instanceStatus.replaceChildren(
        error.kind === "cancelled"
          ? el("p", {}, "Stopped waiting. Come back any time: the assistant checks again when you return to this step.")
          : errorPanel(error),
      );
      resumeWaiting.hidden = false;
    } finally {
      waiting = false;
      stopWaiting.hidden = true;
      notifyChange(instanceStatus);
    }
  }

  openSignup.addEventListener("click", () => {
    void (async () => {
      await openInto(signupOpened, api.openSignup, "signup address", () =>
        el("p", {}, "ConductorOne's signup page is open in your browser. Fill it in with these values, in this order:"),
      );
      ctx.progress = await api.progress();
      if (ctx.progress.registration.signup_opened_at === null) return;
      renderHandoff();
      void waitForInstance();
    })();
  });
  stopWaiting.addEventListener("click", () => { void api.stopWaiting(); });
  resumeWaiting.addEventListener("click", () => { void waitForInstance(); });

  function renderHandoff(): void {
    if (!passed()) {
      handoff.hidden = true;
      return;
    }
    handoff.hidden = false;
    const opened = ctx.progress.registration.signup_opened_at !== null;
    helper.hidden = !opened;
    if (opened) renderHelper();
    if (live()) showLive();
  }

  handoff.append(
    el("h2", { id: "handoff-heading" }, "Create your ConductorOne instance"),
    el("p", {}, "JumpCloud works with these settings. Now create the instance on ConductorOne's signup page; the assistant gives you each value to paste and tells you when the instance is live."),
    el("div", { class: "button-row" }, openSignup),
    signupOpened,
    helper,
    instanceStatus,
    el("div", { class: "button-row" }, stopWaiting, resumeWaiting),
  );

  function updateButtons(): void {
    const haveCredentials = ctx.progress.secret_stored || secret.input.value !== "";
    verifyButton.disabled = running || !haveCredentials || clientId.input.value.trim() === "";
    cancelButton.hidden = !running;
    save.disabled = running || secret.input.value === "";
    notifyChange(verifyButton);
  }

  clientId.input.addEventListener("input", () => { clientId.setError(null); updateButtons(); });
  secret.input.addEventListener("input", () => { secret.setError(null); updateButtons(); });
  save.addEventListener("click", () => { void saveCredentials(); });
  verifyButton.addEventListener("click", () => { void verify(); });
  cancelButton.addEventListener("click", () => { void api.cancelVerification(); });

  const root = el(
    "div",
    { class: "fields" },
    clientId.root,
    secret.root,
    el("div", { class: "button-row" }, save, stored),
    saveError,
    el("h2", {}, "Prove that it works"),
    el("p", {}, "Sign in once with JumpCloud from here. It checks the secret, the Client Authentication Type, the redirect URI, the email mapping and your group assignment, before ConductorOne's signup is attempted."),
    el("div", { class: "button-row" }, verifyButton, cancelButton),
    progressBox,
    resultBox,
    handoff,
  );

  return {
    id: "connect",
    render() {
      showStored(null);
      const email = verifiedEmail(ctx.progress);
      if (email !== null) {
        resultBox.replaceChildren(
          el("div", { class: "panel ok", role: "status", "data-outcome": "verified" }, el("p", { class: "panel-title" }, `Verified earlier: JumpCloud signed you in as ${email}.`)),
        );
      }
      updateButtons();
      renderHandoff();
      // Coming back after the signup page was opened: keep checking.
      if (ctx.progress.registration.signup_opened_at !== null && !live()) void waitForInstance();
      return root;
    },
    // Step 4 follows once the instance exists (which needs a passed sign-in).
    ready: () => passed() && live() && !running,
    async leave() {
      if (secret.input.value !== "") return saveCredentials();
      return Promise.resolve(true);
    },
  };
}

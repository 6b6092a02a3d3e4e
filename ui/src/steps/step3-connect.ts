// Step 3: connect JumpCloud to ConductorOne. The Client ID and secret are
// pasted (Rust reads the clipboard: a pasted secret goes straight into the
// keychain, never through this page) or typed, sent to Rust once and stored
// in the keychain; the secret field is emptied at once. "Test sign-in with JumpCloud" then proves the app
// works with a real sign-in that changes nothing, and explains any failure
// with its fix. Once it passed, the signup section (signup.ts) hands the
// Client ID and secret to ConductorOne's page.
import { el, clear } from "../dom";
import { api, appError, CommandError } from "../ipc";
import { verifiedEmail, type Context } from "../context";
import type { CredentialsSaved } from "../bindings/CredentialsSaved";
import type { LoginProgress } from "../bindings/LoginProgress";
import type { Verified } from "../bindings/Verified";
import { notifyChange, type StepView } from "../stepper";
import { copyable, errorPanel, field, okPanel, revealToggle } from "../ui";
import { finishSection } from "./signup";

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
  // The Paste buttons ask Rust, which reads the clipboard: the Client ID
  // comes back to its field; the secret goes straight into the keychain.
  const pasteButton = (target: HTMLInputElement, what: string, paste: () => Promise<void>) => {
    const button = el("button", { type: "button", class: "secondary small", id: `paste-${target.id}` }, "Paste");
    button.setAttribute("aria-label", `Paste the ${what} from the clipboard`);
    button.addEventListener("click", () => { void paste(); });
    return button;
  };
  const pasteClientId = async () => {
    try {
      clientId.input.value = await api.pasteClientId();
      clientId.input.dispatchEvent(new Event("input"));
    } catch (err) {
      showSaveError(err);
    }
  };
  const pasteSecret = async () => {
    saveError.replaceChildren();
    try {
      showSaved(await api.pasteClientSecret(clientId.input.value));
    } catch (err) {
      showSaveError(err);
    }
  };
  clientId.root.querySelector(".field-row")?.appendChild(pasteButton(clientId.input, "Client ID", pasteClientId));
  const secretRow = secret.root.querySelector(".field-row");
  secretRow?.append(pasteButton(secret.input, "Client Secret", pasteSecret), revealToggle(secret.input, "Client Secret"));

  const stored = el("p", { class: "stored", id: "stored-status", role: "status" });
  const save = el("button", { type: "button", class: "secondary", id: "save-credentials" }, "Save to keychain");
  const saveError = el("div");
  const verifyButton = el("button", { type: "button", class: "primary-outline", id: "verify" }, "Test sign-in with JumpCloud");
  const cancelButton = el("button", { type: "button", class: "secondary", id: "cancel-verify", hidden: true }, "Cancel");
  const progressBox = el("div", { class: "verify-progress", id: "verify-progress", "aria-live": "polite" });
  const resultBox = el("div", { class: "verify-result", id: "verify-result" });
  const signup = finishSection(ctx);
  let running = false;

  const passed = () => verifiedEmail(ctx.progress) !== null;

  function showStored(storeName: string | null, clipboardCleared = false): void {
    if (!ctx.progress.client_secret_stored) {
      stored.textContent = "";
      return;
    }
    const where = storeName ?? ctx.storeName ?? "your system's keychain";
    stored.textContent = `Client Secret stored in ${where}.${clipboardCleared ? " Your clipboard was emptied." : ""}`;
  }

  function showSaved(result: CredentialsSaved): void {
    ctx.progress = result.progress;
    clientId.input.value = result.progress.client_id ?? clientId.input.value;
    clientId.setError(null);
    secret.setError(null);
    secret.input.value = "";
    showStored(result.store_name, result.clipboard_cleared);
    updateButtons();
  }

  function showSaveError(err: unknown): void {
    const error = appError(err);
    if (err instanceof CommandError && error.kind === "invalid_input") {
      const clientIdError = error.fields?.find((f) => f.field === "client_id") ?? null;
      const secretError = error.fields?.find((f) => f.field === "client_secret") ?? null;
      clientId.setError(clientIdError);
      secret.setError(secretError);
      (clientIdError ? clientId.input : secret.input).focus();
    } else {
      saveError.replaceChildren(errorPanel(error));
    }
  }

  async function saveCredentials(): Promise<boolean> {
    saveError.replaceChildren();
    const typedSecret = secret.input.value;
    if (typedSecret === "" && ctx.progress.client_secret_stored && clientId.input.value.trim() === ctx.progress.client_id) return true;
    try {
      showSaved(await api.saveCredentials(clientId.input.value, typedSecret));
      return true;
    } catch (err) {
      showSaveError(err);
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
      okPanel(
        "verified",
        `JumpCloud signed you in as ${v.email}.`,
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
      signup.update();
      running = false;
      clear(progressBox);
      updateButtons();
      resultBox.scrollIntoView({ block: "nearest" });
    }
  }

  function updateButtons(): void {
    const haveCredentials = ctx.progress.client_secret_stored || secret.input.value !== "";
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
    el("p", {}, "Sign in once with JumpCloud from here: a test that changes nothing in JumpCloud or ConductorOne. It checks the secret, the Client Authentication Type, the redirect URI, the email mapping and your group assignment, before the Client ID and secret go to ConductorOne."),
    el("div", { class: "button-row" }, verifyButton, cancelButton),
    progressBox,
    resultBox,
    signup.root,
  );

  return {
    id: "connect",
    render() {
      showStored(null);
      const email = verifiedEmail(ctx.progress);
      if (email !== null) {
        resultBox.replaceChildren(okPanel("verified", `Verified earlier: JumpCloud signed you in as ${email}.`));
      }
      updateButtons();
      signup.update();
      signup.resume();
      return root;
    },
    // Step 4 follows once the instance exists (which needs a passed sign-in).
    ready: () => passed() && signup.live() && !running,
    async leave() {
      if (secret.input.value !== "") return saveCredentials();
      return Promise.resolve(true);
    },
  };
}

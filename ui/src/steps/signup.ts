// The signup that follows a passed test sign-in in step 3: opens
// ConductorOne's signup page, lists each value to paste there in the form's
// order (the invite code and Client Secret are copied by Rust straight from
// the keychain, never shown), then waits for the new instance to answer and
// says when it is live. Step 3 mounts this section; it knows nothing of step 3.
import { el } from "../dom";
import { api, appError } from "../ipc";
import { verifiedEmail, type Context } from "../context";
import type { StoredSecret } from "../bindings/StoredSecret";
import { notifyChange } from "../stepper";
import { copyable, errorPanel, okPanel, openInto, statusButton } from "../ui";

/** The signup section under step 3's test sign-in. */
export interface SignupSection {
  readonly root: HTMLElement;
  /** Shows the section once the test sign-in passed, with the paste list once the signup page was opened. */
  update(): void;
  /** Checks for the instance again if the signup page was opened and it has not answered yet. */
  resume(): void;
  /** Whether the new instance answered. */
  live(): boolean;
}

export function signupSection(ctx: Context): SignupSection {
  const signup = () => ctx.progress.signup;
  const pageOpened = () => signup().opened_at !== null;
  const live = () => signup().instance_live_at !== null;

  const root = el("section", { class: "signup", id: "signup", "aria-labelledby": "signup-heading" });
  const openButton = el("button", { type: "button", class: "primary-outline", id: "open-signup" }, "Create my ConductorOne instance");
  const openResult = el("div", { "aria-live": "polite" });
  const pasteList = el("ol", { class: "paste-helper", id: "paste-helper" });
  const instanceStatus = el("div", { class: "instance-status", id: "instance-status", "aria-live": "polite" });
  const stopWaiting = el("button", { type: "button", class: "secondary", id: "stop-waiting", hidden: true }, "Stop waiting");
  const resumeWaiting = el("button", { type: "button", class: "secondary", id: "resume-waiting", hidden: true }, "Check again");
  let waiting = false;

  function secretCopy(which: StoredSecret, label: string): HTMLElement {
    const [button, status] = statusButton({
      label: "Copy",
      ariaLabel: `Copy the ${label}`,
      attrs: { id: `copy-${which}` },
      run: () => api.copySecret(which).then((seconds) => `Copied. The clipboard is emptied in ${String(seconds)} seconds.`),
    });
    return el("div", { class: "copyable" }, el("code", { class: "value" }, "•••••••• (in your keychain)"), button, status);
  }

  function renderPasteList(): void {
    const row = (label: string, value: HTMLElement) => el("li", {}, el("p", { class: "item-label" }, label), value);
    pasteList.replaceChildren(
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
    instanceStatus.replaceChildren(okPanel("live", text));
  }

  async function waitForInstance(): Promise<void> {
    if (waiting || live()) return;
    waiting = true;
    stopWaiting.hidden = false;
    resumeWaiting.hidden = true;
    instanceStatus.replaceChildren(el("p", {}, "Waiting for your new instance to answer…"));
    try {
      const result = await api.waitForInstance((update) => {
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

  function update(): void {
    if (verifiedEmail(ctx.progress) === null) {
      root.hidden = true;
      return;
    }
    root.hidden = false;
    pasteList.hidden = !pageOpened();
    if (pageOpened()) renderPasteList();
    if (live()) showLive();
  }

  openButton.addEventListener("click", () => {
    void (async () => {
      await openInto(openResult, api.openSignup, "signup address", () =>
        el("p", {}, "ConductorOne's signup page is open in your browser. Fill it in with these values, in this order:"),
      );
      ctx.progress = await api.progress();
      if (!pageOpened()) return;
      update();
      void waitForInstance();
    })();
  });
  stopWaiting.addEventListener("click", () => { void api.stopWaiting(); });
  resumeWaiting.addEventListener("click", () => { void waitForInstance(); });

  root.append(
    el("h2", { id: "signup-heading" }, "Create your ConductorOne instance"),
    el("p", {}, "JumpCloud works with these settings. Now create the instance on ConductorOne's signup page; the assistant gives you each value to paste and tells you when the instance is live."),
    el("div", { class: "button-row" }, openButton),
    openResult,
    pasteList,
    instanceStatus,
    el("div", { class: "button-row" }, stopWaiting, resumeWaiting),
  );

  return {
    root,
    update,
    resume() {
      // Coming back after the signup page was opened: keep checking.
      if (pageOpened() && !live()) void waitForInstance();
    },
    live,
  };
}

// ConductorOne's signup, in its two pages, as the documented procedure does
// it. Step 1 ends with page 1 (startSection): the admin opens ConductorOne's
// signup page, enters the three values the assistant copies (the invite code
// straight from the keychain), clicks "Sign up with JumpCloud" there and
// leaves the page that opens ("Setting up JumpCloud to work with
// ConductorOne") open. Step 3, once the test sign-in passed, hands over the
// Client ID and Client Secret for that page (finishSection), and waits for
// the new instance to answer. The steps mount these sections; this file
// knows nothing of the steps.
import { el } from "../dom";
import { api, appError } from "../ipc";
import { verifiedEmail, type Context } from "../context";
import type { StoredSecret } from "../bindings/StoredSecret";
import { notifyChange } from "../stepper";
import { copyable, errorPanel, okPanel, openInto, statusButton } from "../ui";

/** The title of ConductorOne's second signup page, as it shows it. */
export const SETUP_PAGE_TITLE = "Setting up JumpCloud to work with ConductorOne";

function secretCopy(which: StoredSecret, label: string): HTMLElement {
  const [button, status] = statusButton({
    label: "Copy",
    ariaLabel: `Copy the ${label}`,
    attrs: { id: `copy-${which}` },
    run: () => api.copySecret(which).then((seconds) => `Copied. The clipboard is emptied in ${String(seconds)} seconds.`),
  });
  return el("div", { class: "copyable" }, el("code", { class: "value" }, "•••••••• (in your keychain)"), button, status);
}

const pasteRow = (label: string, value: HTMLElement) => el("li", {}, el("p", { class: "item-label" }, label), value);

/** Page 1's values, in its form's order, each with its Copy button. */
function page1Rows(ctx: Context): HTMLElement[] {
  return [
    pasteRow("Domain", copyable(ctx.progress.domain, "Domain")),
    pasteRow("Display name", copyable(ctx.progress.display_name, "Display name")),
    pasteRow("Invite code", secretCopy("invite_code", "invite code")),
  ];
}

/** Step 1's end: ConductorOne's signup page, page 1. */
export interface StartSection {
  readonly root: HTMLElement;
  /** Re-renders from the saved progress. */
  update(): void;
  /** Whether the admin confirmed seeing page 2. */
  confirmed(): boolean;
}

/**
 * `save` stores step 1's fields first (resolving false when a field needs
 * attention); `warnDomain` shows a warning at the Domain field.
 */
export function startSection(ctx: Context, save: () => Promise<boolean>, warnDomain: (text: string | null) => void): StartSection {
  const signup = () => ctx.progress.signup;
  const root = el("section", { class: "signup", id: "signup-start", "aria-labelledby": "signup-start-heading" });
  const openButton = el("button", { type: "button", class: "primary-outline", id: "open-signup" }, "Open ConductorOne's signup page");
  const openResult = el("div", { "aria-live": "polite" });
  const pasteList = el("ol", { class: "paste-helper", id: "signup-paste" });
  const seen = el("input", { type: "checkbox", id: "setup-page-seen" });
  const seenBox = el(
    "div",
    { class: "check", id: "setup-page-check" },
    seen,
    el("label", { for: "setup-page-seen" }, `I clicked “Sign up with JumpCloud” there and see the page “${SETUP_PAGE_TITLE}”. I leave it open.`),
  );
  const seenError = el("div", { "aria-live": "polite" });

  function update(): void {
    const opened = signup().opened_at !== null;
    pasteList.hidden = !opened;
    seenBox.hidden = !opened;
    seen.checked = signup().setup_page_seen_at !== null;
    openButton.textContent = opened ? "Open ConductorOne's signup page again" : "Open ConductorOne's signup page";
    if (opened) {
      pasteList.replaceChildren(
        ...page1Rows(ctx),
        el("li", {}, el("p", { class: "item-label" }, "Then click “Sign up with JumpCloud” on that page.")),
      );
    }
    notifyChange(root);
  }

  openButton.addEventListener("click", () => {
    void (async () => {
      if (!(await save())) return;
      try {
        const check = await api.checkInstanceAddress();
        warnDomain(check.warning ?? null);
      } catch (err) {
        warnDomain(null);
        openResult.replaceChildren(errorPanel(appError(err)));
        return;
      }
      await openInto(openResult, api.openSignup, "signup address", () =>
        el("p", {}, "ConductorOne's signup page is open in your browser. Enter these values there:"),
      );
      ctx.progress = await api.progress();
      update();
    })();
  });
  seen.addEventListener("change", () => {
    seenError.replaceChildren();
    if (!seen.checked) {
      // Unticking means "I closed it": reopening the signup page starts again.
      update();
      return;
    }
    api
      .confirmSetupPage()
      .then((progress) => {
        ctx.progress = progress;
        update();
      })
      .catch((err: unknown) => {
        seen.checked = false;
        seenError.replaceChildren(errorPanel(appError(err)));
      });
  });

  root.append(
    el("h2", { id: "signup-start-heading" }, "Start your signup on ConductorOne"),
    el(
      "p",
      {},
      `ConductorOne's signup page checks these three values right away. After you click “Sign up with JumpCloud” there, a page “${SETUP_PAGE_TITLE}” opens: leave it open. You come back to it in step 3, once JumpCloud is ready.`,
    ),
    el("div", { class: "button-row" }, openButton),
    openResult,
    pasteList,
    seenBox,
    seenError,
    el("p", { class: "hint" }, "If ConductorOne says the invite code is wrong or the domain is taken, correct it above and open the signup page again."),
  );
  update();
  return { root, update, confirmed: () => signup().setup_page_seen_at !== null };
}

/** Step 3's end: the Client ID and secret for page 2, then the wait for the instance. */
export interface FinishSection {
  readonly root: HTMLElement;
  /** Shows the section once the test sign-in passed. */
  update(): void;
  /** Checks for the instance again if the signup was submitted and it has not answered yet. */
  resume(): void;
  /** Whether the new instance answered. */
  live(): boolean;
}

export function finishSection(ctx: Context): FinishSection {
  const signup = () => ctx.progress.signup;
  const submitted = () => signup().submitted_at !== null;
  const live = () => signup().instance_live_at !== null;

  const root = el("section", { class: "signup", id: "signup", "aria-labelledby": "signup-heading" });
  const pasteList = el("ol", { class: "paste-helper", id: "paste-helper" });
  const submittedButton = el("button", { type: "button", class: "primary-outline", id: "signup-submitted" }, "I clicked “Sign up with JumpCloud”: check for my instance");
  const reopen = el("button", { type: "button", class: "link", id: "reopen-signup" }, "I closed that page: start ConductorOne's signup again");
  const reopenResult = el("div", { "aria-live": "polite" });
  const instanceStatus = el("div", { class: "instance-status", id: "instance-status", "aria-live": "polite" });
  const stopWaiting = el("button", { type: "button", class: "secondary", id: "stop-waiting", hidden: true }, "Stop waiting");
  const resumeWaiting = el("button", { type: "button", class: "secondary", id: "resume-waiting", hidden: true }, "Check again");
  let waiting = false;

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
        if (update.hint) instanceStatus.appendChild(el("div", { class: "panel warn", id: "waiting-hint" }, el("p", {}, update.hint)));
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
    pasteList.replaceChildren(
      pasteRow("Client ID", copyable(ctx.progress.client_id ?? "", "Client ID")),
      pasteRow("Client Secret", secretCopy("client_secret", "Client Secret")),
      el("li", {}, el("p", { class: "item-label" }, "Then click “Sign up with JumpCloud” on that page and sign in with JumpCloud.")),
    );
    submittedButton.hidden = submitted() || live();
    if (live()) showLive();
  }

  submittedButton.addEventListener("click", () => {
    api
      .signupSubmitted()
      .then((progress) => {
        ctx.progress = progress;
        update();
        void waitForInstance();
      })
      .catch((err: unknown) => { instanceStatus.replaceChildren(errorPanel(appError(err))); });
  });
  reopen.addEventListener("click", () => {
    void (async () => {
      await openInto(reopenResult, api.openSignup, "signup address", () =>
        el(
          "div",
          {},
          el("p", {}, "ConductorOne's signup page is open again. Enter these values there, click “Sign up with JumpCloud”, then enter the Client ID and secret above on the page that opens:"),
          el("ol", { class: "paste-helper", id: "reopen-paste" }, ...page1Rows(ctx)),
        ),
      );
      ctx.progress = await api.progress();
      update();
    })();
  });
  stopWaiting.addEventListener("click", () => { void api.stopWaiting(); });
  resumeWaiting.addEventListener("click", () => { void waitForInstance(); });

  root.append(
    el("h2", { id: "signup-heading" }, "Finish your signup on ConductorOne"),
    el("p", {}, `JumpCloud works with these settings. Go back to ConductorOne's page “${SETUP_PAGE_TITLE}” and enter:`),
    pasteList,
    el("div", { class: "button-row" }, submittedButton),
    instanceStatus,
    el("div", { class: "button-row" }, stopWaiting, resumeWaiting),
    el("p", { class: "hint" }, reopen),
    reopenResult,
  );

  return {
    root,
    update,
    resume() {
      // Coming back after the signup was submitted: keep checking.
      if (submitted() && !live()) void waitForInstance();
    },
    live,
  };
}

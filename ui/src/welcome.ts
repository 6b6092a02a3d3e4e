// The welcome: what the admin needs before step 1, what the assistant will
// and will not do, and what to do without an invite code. It opens once, on
// the first start, and again from Help.
import { el } from "./dom";

export interface Welcome {
  /** Opens the welcome as a modal dialog (built and added to the page the first time). */
  open(): void;
}

/** The welcome, shown in `host`. `onClose` runs whenever the admin closes it
 *  (Start, Escape). It is built when it first opens: a returning admin's
 *  start-up does not build a dialog that stays closed. */
export function welcome(host: HTMLElement, onClose: () => void): Welcome {
  let dialog: HTMLDialogElement | null = null;
  return {
    open() {
      if (!dialog) {
        dialog = build(onClose);
        host.appendChild(dialog);
      }
      if (!dialog.open) dialog.showModal();
      dialog.querySelector<HTMLButtonElement>("#welcome-start")?.focus();
    },
  };
}

function build(onClose: () => void): HTMLDialogElement {
  const start = el("button", { type: "button", class: "primary", id: "welcome-start" }, "Start");
  const root = el(
    "dialog",
    { class: "welcome", id: "welcome", "aria-labelledby": "welcome-heading" },
    el("h2", { id: "welcome-heading" }, "Before you begin"),
    el("p", {}, "This assistant sets up ConductorOne with JumpCloud single sign-on, in the four steps of ConductorOne's procedure. You need:"),
    el(
      "ul",
      {},
      el("li", {}, "the invite code from ConductorOne (it is case-sensitive);"),
      el("li", {}, "an administrator account for JumpCloud's Admin Portal;"),
      el("li", {}, "to be a JumpCloud user yourself, in a user group that will get the ConductorOne app: the signup signs you in with JumpCloud;"),
      el("li", {}, "about 15 minutes."),
    ),
    el("h3", {}, "What the assistant does, and does not do"),
    el(
      "ul",
      {},
      el("li", {}, "It opens the right JumpCloud and ConductorOne pages and gives you every value to enter, with Copy buttons."),
      el("li", {}, "It keeps the invite code and the Client Secret in your system's keychain, nowhere else."),
      el("li", {}, "It checks with a test sign-in that JumpCloud lets you in before the Client ID and secret go to ConductorOne."),
      el("li", {}, "It never sees your JumpCloud password (you sign in on JumpCloud's own page), and it changes nothing in JumpCloud or ConductorOne by itself."),
    ),
    el("p", {}, el("strong", {}, "No invite code? "), "Ask your contact at ConductorOne for one before you start: the signup cannot go on without it."),
    el("div", { class: "button-row" }, start),
  );
  start.addEventListener("click", () => { root.close(); });
  root.addEventListener("close", onClose);
  return root;
}

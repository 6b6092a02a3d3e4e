// Shared building blocks of the step views: labelled fields with their
// messages, copyable values, and error panels that say what to do.
import { el, clear } from "./dom";
import { api, appError } from "./ipc";
import type { AppError } from "./bindings/AppError";
import type { FieldError } from "./bindings/FieldError";
import type { Opened } from "./bindings/Opened";
import type { Page } from "./bindings/Page";

export interface Field {
  root: HTMLElement;
  input: HTMLInputElement;
  /** Shows a problem under the field (or clears it with null). */
  setError(error: FieldError | null, onSuggestion?: (value: string) => void): void;
}

/** A labelled input with a hint and an error line, wired for screen readers. */
export function field(options: {
  id: string;
  label: string;
  hint?: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  extra?: Node[];
  placeholder?: string;
}): Field {
  const hintId = `${options.id}-hint`;
  const errorId = `${options.id}-error`;
  const input = el("input", {
    id: options.id,
    name: options.id,
    type: options.type ?? "text",
    autocomplete: options.autocomplete ?? "off",
    spellcheck: "false",
    autocapitalize: "off",
    placeholder: options.placeholder,
    "aria-describedby": options.hint ? `${hintId} ${errorId}` : errorId,
  });
  input.value = options.value ?? "";
  const error = el("p", { id: errorId, class: "field-error", "aria-live": "polite" });
  const root = el(
    "div",
    { class: "field" },
    el("label", { for: options.id }, options.label),
    el("div", { class: "field-row" }, input, ...(options.extra ?? [])),
    options.hint ? el("p", { id: hintId, class: "hint" }, options.hint) : null,
    error,
  );
  return {
    root,
    input,
    setError(problem, onSuggestion) {
      clear(error);
      if (!problem) {
        input.removeAttribute("aria-invalid");
        return;
      }
      input.setAttribute("aria-invalid", "true");
      error.appendChild(document.createTextNode(problem.message));
      const suggestion = problem.suggestion;
      if (suggestion && onSuggestion) {
        error.appendChild(document.createTextNode(" "));
        error.appendChild(
          el("button", { type: "button", class: "link", onclick: () => { onSuggestion(suggestion); } }, `Use “${suggestion}”`),
        );
      }
    },
  };
}

/** A "Show"/"Hide" toggle for a masked input. */
export function revealToggle(input: HTMLInputElement, what: string): HTMLButtonElement {
  const button = el("button", { type: "button", class: "secondary small", "aria-pressed": "false", "aria-controls": input.id }, "Show");
  button.setAttribute("aria-label", `Show ${what}`);
  button.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    button.textContent = show ? "Hide" : "Show";
    button.setAttribute("aria-pressed", String(show));
    button.setAttribute("aria-label", `${show ? "Hide" : "Show"} ${what}`);
  });
  return button;
}

/**
 * A small button whose action reports its outcome in a status line beside
 * it: `run` resolves to the text to show; a failure shows what happened and
 * what to do.
 */
export function statusButton(options: {
  label: string;
  /** A fuller name for screen readers; it must contain the visible label. */
  ariaLabel?: string;
  attrs?: Record<string, string>;
  run: () => Promise<string>;
  /** Clear the status after this long (for short confirmations like "Copied"). */
  fadeAfterMs?: number;
}): [HTMLButtonElement, HTMLElement] {
  const status = el("span", { class: "copy-status", role: "status" });
  const button = el("button", { type: "button", class: "secondary small", ...options.attrs }, options.label);
  if (options.ariaLabel) button.setAttribute("aria-label", options.ariaLabel);
  button.addEventListener("click", () => {
    options
      .run()
      .then((text) => {
        status.textContent = text;
        const fade = options.fadeAfterMs;
        if (fade !== undefined) setTimeout(() => { status.textContent = ""; }, fade);
      })
      .catch((err: unknown) => {
        const error = appError(err);
        status.textContent = `${error.message} ${error.fix}`;
      });
  });
  return [button, status];
}

/** A value to copy into JumpCloud, with its Copy button. */
export function copyable(text: string, label: string): HTMLElement {
  const [button, status] = statusButton({
    label: "Copy",
    ariaLabel: `Copy ${label}`,
    attrs: { class: "secondary small copy", "data-copy": text },
    run: () => api.copyText(text).then(() => "Copied"),
    fadeAfterMs: 2500,
  });
  return el("div", { class: "copyable" }, el("code", { class: "value" }, text), button, status);
}

/**
 * The outcome of opening a page in the browser: the address is always shown
 * with a Copy button, and when no browser opened, why.
 */
export function openedPanel(opened: Opened, what: string, success?: HTMLElement): HTMLElement {
  if (opened.error) {
    return el(
      "div",
      { class: "panel warn", role: "alert" },
      el("p", {}, `${opened.error.message} Open this address yourself:`),
      copyable(opened.url, what),
    );
  }
  return success ?? el("div", { class: "panel" }, el("p", {}, "Opened in your browser. If nothing appeared, open this address:"), copyable(opened.url, what));
}

/** Opens a page and shows the outcome (or the failure) in `target`. */
export async function openInto(target: HTMLElement, open: () => Promise<Opened>, what: string, success?: (opened: Opened) => HTMLElement): Promise<void> {
  try {
    const opened = await open();
    target.replaceChildren(openedPanel(opened, what, success?.(opened)));
  } catch (err) {
    target.replaceChildren(errorPanel(appError(err)));
  }
}

/**
 * Opens an Admin Portal page. Its route may be out of date (JumpCloud moves
 * its menus), so the panel says where to go from wherever it lands.
 */
export function openPortalPage(target: HTMLElement, page: Page, what: string, fromThere: string): Promise<void> {
  return openInto(target, () => api.openPage(page), what, (opened) =>
    el(
      "div",
      { class: "panel", id: "portal-opened" },
      el("p", {}, `Opened in your browser. ${fromThere} If nothing appeared, open this address:`),
      copyable(opened.url, what),
    ),
  );
}

/** A success worth stating (`outcome` marks which), its title first. */
export function okPanel(outcome: string, title: string, ...more: (Node | null)[]): HTMLElement {
  return el("div", { class: "panel ok", role: "status", "data-outcome": outcome }, el("p", { class: "panel-title" }, title), ...more);
}

/** What went wrong and what to do, with an optional action button. */
export function errorPanel(error: AppError, action?: { label: string; run: () => void }): HTMLElement {
  return el(
    "div",
    { class: "panel error", role: "alert", "data-kind": error.kind },
    el("p", { class: "panel-title" }, error.message),
    el("p", {}, error.fix),
    error.detail ? el("p", { class: "detail" }, `Details: ${error.detail}`) : null,
    action ? el("button", { type: "button", class: "secondary", onclick: action.run }, action.label) : null,
  );
}

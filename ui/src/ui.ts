// Shared building blocks of the step views: labelled fields with their
// messages, copyable values, and error panels that say what to do.
import { el, clear } from "./dom";
import { api, appError } from "./ipc";
import type { AppError } from "./bindings/AppError";
import type { FieldError } from "./bindings/FieldError";

let ids = 0;
const nextId = (prefix: string) => `${prefix}-${String(++ids)}`;

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

/** A value to copy into JumpCloud, with its Copy button. */
export function copyable(text: string, label: string): HTMLElement {
  const status = el("span", { class: "copy-status", role: "status" });
  const button = el("button", { type: "button", class: "secondary small copy", "data-copy": text }, "Copy");
  button.setAttribute("aria-label", `Copy ${label}`);
  button.addEventListener("click", () => {
    api
      .copyText(text)
      .then(() => {
        status.textContent = "Copied";
        setTimeout(() => { status.textContent = ""; }, 2500);
      })
      .catch((err: unknown) => {
        status.textContent = appError(err).fix;
      });
  });
  return el("div", { class: "copyable" }, el("code", { class: "value" }, text), button, status);
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

export { nextId };

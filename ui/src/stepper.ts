// The stepper: the step list, the current step's view, and Back / Continue.
// Keyboard: every control is reachable with Tab in reading order; Enter in a
// field submits the step's form, which continues; after a step change, focus
// moves to the new step's heading so screen readers announce it.
import { el, clear } from "./dom";
import type { AppInfo } from "./bindings/AppInfo";
import type { StepId } from "./bindings/StepId";
import type { StepInfo } from "./bindings/StepInfo";

/** One step's view. Each lives in its own file under steps/. */
export interface StepView {
  readonly id: StepId;
  /** Builds the step's content; called every time the step is shown. */
  render(): HTMLElement;
  /** Whether Continue may be pressed now. */
  ready(): boolean;
  /** Runs on Continue; resolve false to stay on this step. */
  leave?(): Promise<boolean>;
}

/** The screen after the last step. */
export interface DoneView {
  readonly title: string;
  readonly summary: string;
  render(): HTMLElement;
}

export interface StepperOptions {
  info: AppInfo;
  /** Makes each step's view; a view is made the first time its step is shown. */
  views: Record<StepId, () => StepView>;
  start?: StepId;
  /** Told whenever the current step changes (e.g. to save progress). */
  onStepChange?: (step: StepId) => void;
  /** A sentence to show once above the step (e.g. after starting over). */
  notice?: string | undefined;
  /** Deletes stored secrets and progress; offered behind a confirmation. */
  onStartOver?: () => Promise<void>;
  /** The screen after the last step; shown when its `leave` succeeds. */
  done?: DoneView;
  /** Open on the done screen (the setup was finished earlier). */
  finished?: boolean;
  /** Shows the welcome again ("Help" in the sidebar). */
  onHelp?: () => void;
}

export class Stepper {
  private readonly steps: StepInfo[];
  private readonly makeView: Record<StepId, () => StepView>;
  private readonly views = new Map<StepId, StepView>();
  private readonly onStepChange: ((step: StepId) => void) | undefined;
  private index: number;
  private furthest: number;
  private busy = false;
  /** Whether the done screen is shown (rather than a step). */
  private showingDone: boolean;
  private readonly done: DoneView | undefined;

  readonly root: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly form: HTMLFormElement;
  private readonly eyebrow: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private readonly back: HTMLButtonElement;
  private readonly next: HTMLButtonElement;

  constructor(options: StepperOptions) {
    this.steps = options.info.steps;
    this.makeView = options.views;
    this.onStepChange = options.onStepChange;
    const start = this.steps.findIndex((s) => s.id === options.start);
    this.index = Math.max(0, start);
    this.furthest = this.index;
    this.done = options.done;
    this.showingDone = Boolean(options.finished && options.done);
    if (this.showingDone) this.furthest = this.steps.length - 1;

    this.list = el("ol", { class: "steps" });
    this.eyebrow = el("p", { class: "eyebrow" });
    this.heading = el("h1", { id: "step-heading", tabindex: -1 });
    this.summary = el("p", { class: "summary" });
    this.body = el("div", { class: "step-body" });
    this.back = el("button", { type: "button", class: "secondary", id: "back" }, "Back");
    this.next = el("button", { type: "submit", class: "primary", id: "continue" }, "Continue");
    this.back.addEventListener("click", () => {
      void this.goBack();
    });

    this.form = el(
      "form",
      { class: "step", "aria-labelledby": "step-heading", novalidate: true },
      el("header", { class: "step-header" }, this.eyebrow, this.heading, this.summary),
      this.body,
      el("footer", { class: "actions" }, this.back, this.next),
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.goNext();
    });
    // Views tell the stepper when their readiness may have changed.
    this.form.addEventListener("step-change", () => {
      this.updateButtons();
    });

    const notice = options.notice
      ? el("div", { class: "banner notice", role: "status", id: "notice" }, options.notice)
      : null;
    const banner = options.info.sandbox
      ? el(
          "div",
          { class: "banner sandbox", role: "note" },
          el("strong", {}, "Sandbox. "),
          "The assistant is connected to local stand-ins, not to the real JumpCloud and ConductorOne.",
          options.info.sandbox_keyring
            ? " Secrets go to a throwaway keyring made for this rehearsal and deleted when it ends, not to your system keychain."
            : "",
        )
      : null;

    this.root = el(
      "div",
      { class: "layout" },
      el(
        "aside",
        { class: "sidebar" },
        el("p", { class: "brand" }, "ConductorOne Setup Assistant"),
        el("nav", { "aria-label": "Setup steps" }, this.list),
        options.onHelp ? el("button", { type: "button", class: "link help", id: "help", onclick: options.onHelp }, "Help: what you need") : null,
        options.onStartOver ? startOver(options.onStartOver) : null,
        el("p", { class: "version" }, `Version ${options.info.version}`),
      ),
      el("main", { class: "content" }, banner, notice, this.form),
    );
  }

  get current(): StepId {
    return this.stepAt(this.index).id;
  }

  /** True while the done screen is shown. */
  get isDone(): boolean {
    return this.showingDone;
  }

  /** Shows the current step. `focus` moves focus to its heading. */
  show(focus = false): void {
    if (this.showingDone && this.done) {
      this.showDone(focus);
      return;
    }
    const step = this.stepAt(this.index);
    this.renderList();
    this.eyebrow.textContent = `Step ${step.number} of ${this.steps.length}`;
    this.heading.textContent = step.title;
    this.summary.textContent = step.summary;
    clear(this.body);
    this.body.appendChild(this.view(step.id).render());
    this.form.dataset.step = step.id;
    this.updateButtons();
    if (focus) this.heading.focus();
  }

  async goNext(): Promise<void> {
    if (this.busy || !this.view(this.current).ready()) return;
    this.setBusy(true);
    try {
      const view = this.view(this.current);
      const ok = view.leave ? await view.leave() : true;
      if (ok && this.index < this.steps.length - 1) this.moveTo(this.index + 1);
      else if (ok && this.done) {
        this.showingDone = true;
        this.show(true);
      }
    } finally {
      this.setBusy(false);
    }
  }

  async goBack(): Promise<void> {
    if (this.showingDone) {
      this.showingDone = false;
      this.show(true);
      return;
    }
    if (this.busy || this.index === 0) return;
    this.moveTo(this.index - 1);
    return Promise.resolve();
  }

  goTo(id: StepId): void {
    const target = this.steps.findIndex((s) => s.id === id);
    if (target < 0 || target > this.furthest || this.busy) return;
    this.showingDone = false;
    this.moveTo(target);
  }

  private moveTo(target: number): void {
    this.index = target;
    this.furthest = Math.max(this.furthest, target);
    this.show(true);
    this.onStepChange?.(this.current);
  }

  private showDone(focus: boolean): void {
    const done = this.done;
    if (!done) return;
    this.renderList();
    this.eyebrow.textContent = "Setup complete";
    this.heading.textContent = done.title;
    this.summary.textContent = done.summary;
    clear(this.body);
    this.body.appendChild(done.render());
    this.form.dataset.step = "done";
    this.updateButtons();
    if (focus) this.heading.focus();
  }

  /** The step's view, made on first use: at start-up only the step on screen
   *  is built, so the first frame does not wait for the other three. */
  private view(id: StepId): StepView {
    let view = this.views.get(id);
    if (!view) {
      view = this.makeView[id]();
      this.views.set(id, view);
    }
    return view;
  }

  private stepAt(index: number): StepInfo {
    const step = this.steps[index];
    if (!step) throw new Error(`no step at ${index}`);
    return step;
  }

  private renderList(): void {
    clear(this.list);
    this.steps.forEach((step, i) => {
      const status = this.showingDone || i < this.index ? "done" : i === this.index ? "current" : "upcoming";
      const label = el(
        "span",
        { class: "step-label" },
        el("span", { class: "step-number", "aria-hidden": "true" }, status === "done" ? "✓" : String(step.number)),
        el("span", { class: "step-title" }, step.title),
        el("span", { class: "visually-hidden" }, status === "done" ? " (done)" : status === "upcoming" ? " (upcoming)" : ""),
      );
      // Steps already reached can be revisited; upcoming ones cannot be skipped to.
      const reachable = i <= this.furthest && (this.showingDone || i !== this.index);
      const item = reachable
        ? el("button", { type: "button", class: "step-link", onclick: () => { this.goTo(step.id); } }, label)
        : label;
      this.list.appendChild(
        el("li", { class: `step-item ${status}`, "data-step": step.id, "aria-current": status === "current" ? "step" : undefined }, item),
      );
    });
  }

  private updateButtons(): void {
    if (this.showingDone) {
      this.back.hidden = false;
      this.back.disabled = this.busy;
      this.back.textContent = "Back to step 4";
      this.next.hidden = true;
      return;
    }
    this.back.disabled = this.busy || this.index === 0;
    this.back.hidden = this.index === 0;
    this.back.textContent = "Back";
    const last = this.index === this.steps.length - 1;
    const view = this.view(this.current);
    this.next.disabled = this.busy || !view.ready();
    // The last step offers "Finish" only when its view has something to finish.
    this.next.hidden = last && !view.leave;
    this.next.textContent = last ? "Finish" : "Continue";
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.form.setAttribute("aria-busy", String(busy));
    this.updateButtons();
  }
}

/** "Start over", behind an inline confirmation. */
function startOver(run: () => Promise<void>): HTMLElement {
  const box = el("div", { class: "start-over" });
  const ask = el("button", { type: "button", class: "link", id: "start-over" }, "Start over…");
  ask.addEventListener("click", () => {
    const status = el("p", { role: "alert" });
    const yes = el("button", { type: "button", class: "danger small", id: "confirm-start-over" }, "Delete and start over");
    const no = el("button", { type: "button", class: "secondary small" }, "Keep");
    yes.addEventListener("click", () => {
      yes.disabled = true;
      run().catch((err: unknown) => {
        yes.disabled = false;
        status.textContent = err instanceof Error ? err.message : String(err);
      });
    });
    no.addEventListener("click", () => {
      box.replaceChildren(ask);
      ask.focus();
    });
    box.replaceChildren(
      el("p", {}, "This deletes the stored invite code and Client Secret from your keychain and forgets your progress."),
      el("div", { class: "button-row" }, yes, no),
      status,
    );
    yes.focus();
  });
  box.appendChild(ask);
  return box;
}

/** Views call this after any input so the stepper re-checks readiness. */
export function notifyChange(from: Element): void {
  from.dispatchEvent(new Event("step-change", { bubbles: true }));
}

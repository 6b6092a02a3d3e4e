// A short "what happens in this step" list, shown above a step's controls.
import { el } from "../dom";

export function outline(items: readonly string[]): HTMLElement {
  return el(
    "section",
    { class: "outline", "aria-label": "What happens in this step" },
    el("ol", {}, ...items.map((item) => el("li", {}, item))),
  );
}

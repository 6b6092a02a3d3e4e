// Step 1: create your ConductorOne instance.
import { el } from "../dom";
import type { StepView } from "../stepper";
import { outline } from "./outline";

export function instanceStep(): StepView {
  return {
    id: "instance",
    render: () =>
      el(
        "div",
        {},
        outline([
          "Choose the web address of your instance: acmeco gives acmeco.conductor.one.",
          "Enter your company's name as people should see it.",
          "Paste the invite code you received from ConductorOne. It is case-sensitive.",
        ]),
      ),
    ready: () => true,
  };
}

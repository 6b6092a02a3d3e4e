// Step 4: give your colleagues access.
import { el } from "../dom";
import type { StepView } from "../stepper";
import { outline } from "./outline";

export function accessStep(): StepView {
  return {
    id: "access",
    render: () =>
      el(
        "div",
        {},
        outline([
          "In the JumpCloud Admin Portal, open User Groups and pick or create a group.",
          "On the group's Applications tab, tick ConductorOne and save.",
        ]),
      ),
    ready: () => true,
  };
}

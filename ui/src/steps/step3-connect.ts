// Step 3: connect JumpCloud to ConductorOne.
import { el } from "../dom";
import type { StepView } from "../stepper";
import { outline } from "./outline";

export function connectStep(): StepView {
  return {
    id: "connect",
    render: () =>
      el(
        "div",
        {},
        outline([
          "Paste the Client ID and Client Secret from JumpCloud's popup; the secret is kept in your system's keychain.",
          "Sign in once with JumpCloud to prove that every setting is right.",
          "Create your ConductorOne instance with every value ready to paste.",
        ]),
      ),
    ready: () => true,
  };
}

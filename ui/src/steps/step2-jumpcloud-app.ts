// Step 2: create the Custom OIDC app in JumpCloud.
import { el } from "../dom";
import type { StepView } from "../stepper";
import { outline } from "./outline";

export function jumpcloudAppStep(): StepView {
  return {
    id: "jumpcloud_app",
    render: () =>
      el(
        "div",
        {},
        outline([
          "In the JumpCloud Admin Portal, add a Custom OIDC App labelled ConductorOne.",
          "Enter the redirect URIs, the Client Authentication Type and the Login URL.",
          "Map the email attribute and assign the user groups that may use ConductorOne, including one you are in.",
          "Activate the app and keep the popup with the Client ID and Client Secret open.",
        ]),
      ),
    ready: () => true,
  };
}

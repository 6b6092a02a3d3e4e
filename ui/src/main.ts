// Entry point: asks Rust for the step list, then shows the stepper.
import { api, CommandError } from "./ipc";
import { el, clear } from "./dom";
import { Stepper } from "./stepper";
import { instanceStep } from "./steps/step1-instance";
import { jumpcloudAppStep } from "./steps/step2-jumpcloud-app";
import { connectStep } from "./steps/step3-connect";
import { accessStep } from "./steps/step4-access";

export async function start(root: HTMLElement): Promise<Stepper | null> {
  try {
    const info = await api.appInfo();
    const stepper = new Stepper({
      info,
      views: {
        instance: instanceStep(),
        jumpcloud_app: jumpcloudAppStep(),
        connect: connectStep(),
        access: accessStep(),
      },
    });
    clear(root);
    root.appendChild(stepper.root);
    stepper.show();
    root.removeAttribute("aria-busy");
    return stepper;
  } catch (err) {
    const problem = err instanceof CommandError ? err.error : null;
    clear(root);
    root.appendChild(
      el(
        "div",
        { class: "fatal", role: "alert" },
        el("h1", {}, "The assistant could not start"),
        el("p", {}, problem?.message ?? String(err)),
        problem ? el("p", {}, problem.fix) : null,
      ),
    );
    root.removeAttribute("aria-busy");
    return null;
  }
}

const root = document.getElementById("app");
if (root && !import.meta.env.VITEST) void start(root);

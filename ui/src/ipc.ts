// Typed calls into the Rust side. Every command's error arrives as an
// AppError ({kind, message, fix, ...}); anything else is wrapped as "internal".
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { ChecklistItem } from "./bindings/ChecklistItem";
import type { CredentialsSaved } from "./bindings/CredentialsSaved";
import type { InstanceFieldsCheck } from "./bindings/InstanceFieldsCheck";
import type { InviteCodePasted } from "./bindings/InviteCodePasted";
import type { JumpcloudAppForm } from "./bindings/JumpcloudAppForm";
import type { KeychainStatus } from "./bindings/KeychainStatus";
import type { AccessForm } from "./bindings/AccessForm";
import type { AccessItem } from "./bindings/AccessItem";
import type { AddressCheck } from "./bindings/AddressCheck";
import type { LiveInstance } from "./bindings/LiveInstance";
import type { LivenessUpdate } from "./bindings/LivenessUpdate";
import type { LoginProgress } from "./bindings/LoginProgress";
import type { Opened } from "./bindings/Opened";
import type { Page } from "./bindings/Page";
import type { Region } from "./bindings/Region";
import type { RegionOption } from "./bindings/RegionOption";
import type { SavedState } from "./bindings/SavedState";
import type { StartOverReport } from "./bindings/StartOverReport";
import type { StepId } from "./bindings/StepId";
import type { StoredSecret } from "./bindings/StoredSecret";
import type { Verified } from "./bindings/Verified";

export class CommandError extends Error {
  readonly error: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.name = "CommandError";
    this.error = error;
  }
}

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** The AppError inside anything a command threw. */
export function appError(err: unknown): AppError {
  if (err instanceof CommandError) return err.error;
  if (isAppError(err)) return err;
  return {
    kind: "internal",
    message: `Something unexpected happened: ${String(err)}`,
    fix: "Try again. If it keeps happening, quit and relaunch the assistant: your progress is saved.",
  };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw new CommandError(appError(raw));
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  showWindow: () => call<null>("show_window"),
  benchReady: (page: [string, number][]) => call<null>("bench_ready", { page }),
  progress: () => call<SavedState>("progress"),
  keychainStatus: () => call<KeychainStatus>("keychain_status"),
  dismissWelcome: () => call<null>("dismiss_welcome"),
  setStep: (step: StepId) => call<null>("set_step", { step }),
  startOver: () => call<[StartOverReport, SavedState]>("start_over"),
  openPage: (page: Page) => call<Opened>("open_page", { page }),
  copyText: (text: string) => call<null>("copy_text", { text }),
  checkInstanceFields: (domain: string, displayName: string) =>
    call<InstanceFieldsCheck>("check_instance_fields", { domain, displayName }),
  saveInstance: (domain: string, displayName: string, inviteCode: string) =>
    call<SavedState>("save_instance", {
      input: { domain, display_name: displayName, invite_code: inviteCode },
    }),
  // The Paste buttons: Rust reads the clipboard (the window cannot), and a
  // pasted secret goes straight into the keychain.
  pasteInviteCode: (domain: string, displayName: string) =>
    call<InviteCodePasted>("paste_invite_code", { domain, displayName }),
  jumpcloudAppForm: () => call<JumpcloudAppForm>("jumpcloud_app_form"),
  regions: () => call<RegionOption[]>("regions"),
  setRegion: (region: Region) => call<JumpcloudAppForm>("set_region", { region }),
  setLoopbackPort: (port: string) => call<JumpcloudAppForm>("set_loopback_port", { port }),
  setChecklist: (ticked: ChecklistItem[]) => call<null>("set_checklist", { ticked }),
  saveCredentials: (clientId: string, clientSecret: string) =>
    call<CredentialsSaved>("save_credentials", {
      input: { client_id: clientId, client_secret: clientSecret },
    }),
  pasteClientId: () => call<string>("paste_client_id"),
  pasteClientSecret: (clientId: string) => call<CredentialsSaved>("paste_client_secret", { clientId }),
  verifySso: (onProgress: (p: LoginProgress) => void) => {
    const channel = new Channel<LoginProgress>();
    channel.onmessage = onProgress;
    return call<Verified>("verify_sso", { onProgress: channel });
  },
  cancelVerification: () => call<boolean>("cancel_verification"),
  checkInstanceAddress: () => call<AddressCheck>("check_instance_address"),
  openSignup: () => call<Opened>("open_signup"),
  confirmSetupPage: () => call<SavedState>("confirm_setup_page"),
  signupSubmitted: () => call<SavedState>("signup_submitted"),
  copySecret: (which: StoredSecret) => call<number>("copy_secret", { which }),
  waitForInstance: (onUpdate: (u: LivenessUpdate) => void) => {
    const channel = new Channel<LivenessUpdate>();
    channel.onmessage = onUpdate;
    return call<LiveInstance>("wait_for_instance", { onUpdate: channel });
  },
  stopWaiting: () => call<boolean>("stop_waiting"),
  accessForm: () => call<AccessForm>("access_form"),
  setAccessChecklist: (ticked: AccessItem[]) => call<null>("set_access_checklist", { ticked }),
  finishSetup: () => call<SavedState>("finish_setup"),
  exportReport: () => call<string | null>("export_report"),
};

// What every step view shares: the saved progress (kept in sync with what
// Rust returns), the keychain's name, and a way to send the admin to a step;
// and what the views read from that progress in more than one place.
import type { SavedState } from "./bindings/SavedState";
import type { StepId } from "./bindings/StepId";

export interface Context {
  progress: SavedState;
  /** The keychain's own name once it was proved to work, e.g. "GNOME Keyring". */
  storeName: string | null;
  /** Sends the admin to a step that was already reached (e.g. to fix a value). */
  goTo(step: StepId): void;
}

/** The email JumpCloud signed in with, if the last test sign-in passed; else null. */
export function verifiedEmail(progress: SavedState): string | null {
  const outcome = progress.verification?.outcome;
  return outcome?.result === "passed" ? outcome.email : null;
}

// Shared by the UI unit tests.
import type { Context } from "./context";
import type { SavedState } from "./bindings/SavedState";
import type { FieldError } from "./bindings/FieldError";

export const freshProgress: SavedState = {
  format_version: 1,
  current_step: "instance",
  domain: "",
  display_name: "",
  region: "us",
  loopback_port: 38710,
  checklist: [],
  client_id: null,
  verification: null,
  invite_code_stored: false,
  client_secret_stored: false,
  signup: { opened_at: null, setup_page_seen_at: null, submitted_at: null, instance_live_at: null },
  access_checklist: [],
  welcome_seen_at: null,
  finished_at: null,
  updated_at: "1970-01-01T00:00:00Z",
};

/** Step 3 after a passed test sign-in, before the signup page was opened. */
export const verifiedProgress: SavedState = {
  ...freshProgress,
  current_step: "connect",
  domain: "acmeco",
  display_name: "Acme Co",
  client_id: "client-1",
  client_secret_stored: true,
  invite_code_stored: true,
  verification: {
    at: "2026-11-28T10:00:00Z",
    issuer: "https://oauth.id.jumpcloud.com/",
    client_id: "client-1",
    outcome: { result: "passed", email: "admin@acme.example", checks: [] },
  },
};

/** The signup at a given point: page 1 opened, page 2 seen, submitted, live. */
export function signupAt(progress: SavedState, reached: "opened" | "seen" | "submitted" | "live"): SavedState {
  const order = ["opened", "seen", "submitted", "live"];
  const at = (stage: string, time: string) => (order.indexOf(stage) <= order.indexOf(reached) ? time : null);
  return {
    ...progress,
    signup: {
      opened_at: at("opened", "2026-11-28T09:01:00Z"),
      setup_page_seen_at: at("seen", "2026-11-28T09:02:00Z"),
      submitted_at: at("submitted", "2026-11-28T10:01:00Z"),
      instance_live_at: at("live", "2026-11-28T10:05:00Z"),
    },
  };
}

/** A view's context over its own copy of `progress`. */
export function testContext(progress: SavedState = freshProgress): Context {
  return { progress: structuredClone(progress), storeName: "GNOME Keyring", goTo: () => undefined };
}

/** Resolves at the next animation frame, before the work `afterPaint` defers to the task after it. */
export function nextFrame(): Promise<void> {
  return new Promise((frame) => requestAnimationFrame(() => { frame(); }));
}

/** Lets work deferred to after the next frame (`afterPaint`) run, with its
 *  IPC replies: a test that renders step 1 waits for its first check. */
export async function painted(): Promise<void> {
  await nextFrame();
  await settle(3);
}

/** Lets pending IPC replies and their follow-ups run. */
export async function settle(ticks = 1): Promise<void> {
  for (let i = 0; i < ticks; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** How Tauri rejects a command whose input Rust refused: the serialised AppError, a plain object. */
export function rejectInvalid(...fields: FieldError[]): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  return Promise.reject({ kind: "invalid_input", message: "m", fix: "f", fields });
}

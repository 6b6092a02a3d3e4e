// Shared by the UI unit tests.
import type { Context } from "./context";
import type { SavedState } from "./bindings/SavedState";

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
  signup: { opened_at: null, instance_live_at: null },
  access_checklist: [],
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

/** A view's context over its own copy of `progress`. */
export function testContext(progress: SavedState = freshProgress): Context {
  return { progress: structuredClone(progress), storeName: "GNOME Keyring", goTo: () => undefined };
}

/** Lets pending IPC replies and their follow-ups run. */
export async function settle(ticks = 1): Promise<void> {
  for (let i = 0; i < ticks; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

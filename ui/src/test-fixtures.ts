// Shared by the UI unit tests.
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
  secret_stored: false,
  registration: { signup_opened_at: null, instance_live_at: null },
  access_checklist: [],
  finished_at: null,
  updated_at: "1970-01-01T00:00:00Z",
};

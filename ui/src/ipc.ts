// Typed calls into the Rust side. Every command's error arrives as an
// AppError ({kind, message, fix, ...}); anything else is wrapped as "internal".
import { invoke } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";

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

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    if (isAppError(raw)) throw new CommandError(raw);
    throw new CommandError({
      kind: "internal",
      message: `The assistant could not complete “${command}”: ${String(raw)}`,
      fix: "Try again. If it keeps happening, quit and relaunch the assistant: your progress is saved.",
    });
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
};

// The one module that talks to the Rust side. Components call these typed functions.
import { invoke } from "@tauri-apps/api/core";

export interface PersonalRoom {
  display_name: string;
  pmi: number;
  pmi_formatted: string;
  personal_link: string | null;
}

/** The error every command rejects with: branch on `kind`, show `message`. */
export interface AppError {
  kind: string;
  message: string;
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AppError).kind === "string" &&
    typeof (value as AppError).message === "string"
  );
}

export function personalRoom(): Promise<PersonalRoom> {
  return invoke<PersonalRoom>("personal_room");
}

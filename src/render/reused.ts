// The one wording of an answer reused from a check that just ran (the de-duplication window,
// src/queue/dedup.ts): a person asking again must not take a seconds-old answer for a new look.
import { formatDuration } from "./duration.js";

/**
 * "Checked 7 s ago (the same check, asked just before); Re-check now for a fresh one." `fresh`
 * names how this platform asks for a new check (a button, or the typed command).
 */
export function reusedNote(seconds: number, fresh: string): string {
  return `Checked ${formatDuration(seconds)} ago (the same check, asked just before); ${fresh} for a fresh one.`;
}

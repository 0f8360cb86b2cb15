// Bounds that keep the reader's work linear in the input and small in absolute terms: a pasted
// bounce is a few KB, a whole .eml rarely more than 100 KB; anything bigger is cut, not refused.

/**
 * Input beyond this many bytes is not read (the reading says `truncated: true`); BOUNCE_MAX_BYTES
 * in the environment (src/config.ts) sets it for the CLI and the bot, callers pass `maxBytes`.
 */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;
/** Above this size a plain text is read as a log: only the lines that matter are kept. */
export const FULL_READ_BYTES = 256 * 1024;
/** Lines read per input: a bounce, even a whole .eml's text, is far shorter (256 KB of 50-byte lines). */
export const MAX_LINES = 5000;
/** Lines longer than this are split into chunks so every pattern runs on bounded text. */
export const MAX_LINE_CHARS = 2000;
/** A reply never spans more lines than this (Gmail's longest wraps over 6-8). */
export const MAX_REPLY_LINES = 40;
/** The unwrapped diagnostic kept per finding. */
export const MAX_DIAGNOSTIC_CHARS = 1500;
/** Findings reported per input; more distinct failures than this in one bounce are noise. */
export const MAX_FINDINGS = 20;
/** Candidate reply blocks kept per input (a real bounce has a handful). */
export const MAX_BLOCKS = 50;
/** DSN recipient groups read per input. */
export const MAX_RECIPIENTS = 100;

// One logger factory; the logger is passed to what needs it, never imported as a global.
import { type Logger, pino } from "pino";

export type { Logger };

/** Logs go to stderr so `rdns check --json` keeps stdout for its one JSON object. */
export function createLogger(level: string = "info", bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { ...bindings } }, pino.destination(2));
}

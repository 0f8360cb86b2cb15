// One logger factory; the logger is passed to what needs it, never imported as a global.
import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LogOutput {
  /** Append to this file instead of writing to stderr. */
  file?: string | undefined;
  /**
   * Human-readable lines (pino-pretty) instead of JSON: for the console chat, whose terminal a
   * person reads. Processes whose logs a collector reads keep JSON lines.
   */
  pretty?: boolean;
}

/**
 * Logs go to stderr (or `output.file`), never stdout: `rdns check --json` keeps stdout for its one
 * JSON object, and the console chat's stdout carries only the conversation.
 */
export function createLogger(
  level: string = "info",
  bindings: Record<string, unknown> = {},
  output: LogOutput = {},
): Logger {
  const destination = output.file ?? 2;
  const stream: DestinationStream = output.pretty
    ? pretty({
        destination,
        append: true,
        mkdir: true,
        sync: true,
        colorize: output.file === undefined && process.stderr.isTTY === true,
        ignore: "pid,hostname",
        translateTime: "SYS:HH:MM:ss",
      })
    : pino.destination({ dest: destination, append: true, mkdir: true, sync: false });
  return pino({ level, base: { ...bindings } }, stream);
}

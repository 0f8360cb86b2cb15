// Bolt, the Web API client and the Socket Mode client each take a @slack/logger `Logger`; this
// hands them a child of our pino logger so their lines land in the same structured stream.
import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../../log.js";

function join(parts: unknown[]): string {
  return parts.map((part) => (typeof part === "string" ? part : String(part))).join(" ");
}

export function toSlackLogger(logger: Logger): SlackLogger {
  let log = logger;
  return {
    debug: (...msg) => log.debug(join(msg)),
    info: (...msg) => log.info(join(msg)),
    warn: (...msg) => log.warn(join(msg)),
    error: (...msg) => log.error(join(msg)),
    // Our level comes from LOG_LEVEL; Bolt may ask, but does not get to change it.
    setLevel: () => {},
    getLevel: () => {
      const level = log.level;
      if (level === "debug" || level === "trace") return LogLevel.DEBUG;
      if (level === "info") return LogLevel.INFO;
      if (level === "warn") return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: (name) => {
      log = logger.child({ component: name });
    },
  };
}

// The bounce reader (src/bounce), loaded lazily like the platforms so this builds before the
// bounce helper's module is merged; without it, pasted messages are ignored (and logged once).
import type { Logger } from "../log.js";
import type { BounceReader } from "./context.js";

export async function loadBounceReader(logger: Logger): Promise<BounceReader> {
  const specifier = "../bounce/index.js";
  try {
    const module = (await import(specifier)) as { readBounce?: BounceReader };
    if (typeof module.readBounce === "function") return module.readBounce;
  } catch (error) {
    logger.debug({ err: error }, "bounce reader not loaded");
  }
  logger.warn("the bounce reader is not in this build: pasted bounces are ignored");
  return () => ({ findings: [], truncated: false, bytesRead: 0 });
}

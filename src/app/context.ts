// What commands and the inbound handlers work with: the queues, the store and the settings.
// Built once per bot process (src/runtime.ts) and passed in, never imported as globals.
import type { Redis } from "ioredis";
import type { BounceReading } from "../bounce/types.js";
import type { StoreKeys } from "../keys.js";
import type { Logger } from "../log.js";
import type { Queues } from "../queue/queues.js";
import type { EngineSettings } from "../settings.js";
import type { DmarcPasteReader } from "./dmarc-paste.js";

/** Reads pasted text or an .eml for bounces (src/bounce). */
export type BounceReader = (
  input: string | Buffer,
  options: { file: string | null },
) => BounceReading | Promise<BounceReading>;

export interface AppContext {
  redis: Redis;
  queues: Queues;
  settings: EngineSettings;
  keys: StoreKeys;
  logger: Logger;
  readBounce: BounceReader;
  /** Reads an attached file for a DMARC aggregate report; BOUNCE_MAX_BYTES's default when absent. */
  readDmarc?: DmarcPasteReader;
  /**
   * The test-mail listener's domain when this deployment runs one (SMTP_PORT and SMTP_DOMAIN,
   * src/app/mailtest.ts); absent or null: `/rdns mailtest` says no listener is configured.
   */
  mailtest?: { domain: string } | null;
}

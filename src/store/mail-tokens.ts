// A test-mail address (`/rdns mailtest`, src/app/mailtest.ts): its token maps to the thread that
// asked for it, so whichever process's listener accepts the message answers in that thread.
// Kept with the address's expiry (30 min): an expired token is simply absent, refused at RCPT.
import type { Redis } from "ioredis";
import { z } from "zod";
import type { StoreKeys } from "../keys.js";
import { originSchema } from "./origin.js";
import { parseStored } from "./record.js";

export const mailTokenSchema = z.object({
  origin: originSchema,
  /** The IP the asker named (the one they believe their mail leaves from), or null. */
  askedIp: z.string().nullable(),
  /** When the address was made (ISO 8601). */
  createdAt: z.string(),
});

export type MailToken = z.infer<typeof mailTokenSchema>;

/** Stores a new token; false when the token already exists (never overwritten). */
export async function saveMailToken(
  redis: Redis,
  keys: StoreKeys,
  token: string,
  record: MailToken,
  ttlMs: number,
): Promise<boolean> {
  const set = await redis.set(keys.mailToken(token), JSON.stringify(record), "PX", Math.max(1, ttlMs), "NX");
  return set === "OK";
}

/**
 * The token's record, or null when it is unknown or expired. One that fails its schema is
 * treated as unknown too: its message is refused at RCPT (550), and the asker can make a new one.
 */
export async function readMailToken(redis: Redis, keys: StoreKeys, token: string): Promise<MailToken | null> {
  const text = await redis.get(keys.mailToken(token));
  return text === null ? null : parseStored(mailTokenSchema, text);
}

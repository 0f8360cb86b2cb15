// Test-mail addresses in real Redis (src/app/mailtest.ts, src/store/mail-tokens.ts): an address
// maps to its thread for 30 minutes and no longer; what the listener answers each recipient.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../../src/app/context.js";
import {
  createMailTestAddress,
  decideTestRecipient,
  MAILTEST_TTL_MS,
  mailTokenOf,
} from "../../../src/app/mailtest.js";
import { storeKeys } from "../../../src/keys.js";
import { cleanupPrefix, logger, REDIS_URL, uniquePrefix } from "../engine/support.js";
import { DOMAIN } from "./support.js";

const prefix = uniquePrefix("mail-tokens");
let redis: Redis;
let ctx: AppContext;
const origin = {
  platform: "slack" as const,
  channel: "C1",
  thread: "slack:C1:1700000000.000100",
  parent: "slack:C1:1700000000.000100",
};

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  ctx = {
    redis,
    keys: storeKeys(prefix),
    logger,
    settings: {} as never,
    queues: {} as never,
    readBounce: () => ({}) as never,
  };
});
afterAll(async () => {
  redis.disconnect();
  await cleanupPrefix(prefix);
});

describe("test-mail addresses", () => {
  it("map to the asking thread (its parent left alone) for 30 minutes", async () => {
    const made = await createMailTestAddress(
      ctx,
      DOMAIN,
      origin,
      "203.0.113.5",
      new Date("2026-12-07T10:00:00Z"),
    );
    expect(made.address).toMatch(new RegExp(`^check-[a-z2-7]{26}@${DOMAIN}$`));
    expect(made.expiresAt.toISOString()).toBe("2026-12-07T10:30:00.000Z");
    const token = mailTokenOf(made.address, DOMAIN) as string;
    const ttl = await redis.pttl(ctx.keys.mailToken(token));
    expect(ttl).toBeGreaterThan(MAILTEST_TTL_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(MAILTEST_TTL_MS);
    const decision = await decideTestRecipient(ctx, DOMAIN, made.address.toUpperCase());
    expect(decision).toEqual({
      accept: true,
      value: {
        origin: { ...origin, parent: null },
        askedIp: "203.0.113.5",
        createdAt: "2026-12-07T10:00:00.000Z",
      },
    });
  });

  it("refuse an expired token, a made-up one and a corrupt record with 5.1.1, another domain with 5.7.1", async () => {
    const made = await createMailTestAddress(ctx, DOMAIN, origin, null);
    const token = mailTokenOf(made.address, DOMAIN) as string;
    await redis.pexpire(ctx.keys.mailToken(token), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expired = await decideTestRecipient(ctx, DOMAIN, made.address);
    expect(expired).toMatchObject({ accept: false, code: 550, message: expect.stringMatching(/^5\.1\.1 /) });
    expect(await decideTestRecipient(ctx, DOMAIN, `check-${"b".repeat(26)}@${DOMAIN}`)).toMatchObject({
      code: 550,
      message: expect.stringMatching(/^5\.1\.1 /),
    });
    expect(await decideTestRecipient(ctx, DOMAIN, `postmaster@${DOMAIN}`)).toMatchObject({
      code: 550,
      message: expect.stringMatching(/^5\.1\.1 /),
    });
    await redis.set(ctx.keys.mailToken("c".repeat(26)), "{not json");
    expect(await decideTestRecipient(ctx, DOMAIN, `check-${"c".repeat(26)}@${DOMAIN}`)).toMatchObject({
      code: 550,
    });
    expect(await decideTestRecipient(ctx, DOMAIN, `check-${token}@elsewhere.example`)).toMatchObject({
      code: 550,
      message: expect.stringMatching(/^5\.7\.1 relaying denied/),
    });
  });
});

// The bot reads pasted text through bounceReaderFor(BOUNCE_MAX_BYTES): the limit is the
// configured one, not the reader's default.
import { describe, expect, it } from "vitest";
import { bounceReaderFor } from "../../../src/app/bounce-reader.js";

const REPLY = "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup";

describe("bounceReaderFor", () => {
  it("cuts the input at the configured size and says so", async () => {
    const log = `${"Dec  2 10:00:00 mx postfix/smtp[1]: status=sent\n".repeat(200)}${REPLY}\n`;
    const small = await bounceReaderFor(2048)(log, { file: null });
    expect(small.truncated).toBe(true);
    expect(small.findings).toHaveLength(0);
    const whole = await bounceReaderFor(1024 * 1024)(log, { file: null });
    expect(whole.truncated).toBe(false);
    expect(whole.findings[0]?.ip).toBe("203.0.113.5");
  });
});

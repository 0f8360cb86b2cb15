// The recipient of a failure read from a mail log: Postfix's and Sendmail's `to=<...>` on the
// failing line (never `orig_to=`, never a successful delivery's line), and Postfix's smtpd
// `NOQUEUE: reject: RCPT ... to=<...>` as a receiver logs it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";
import { logRecipient } from "../../../src/bounce/logs.js";

const shapes = join(import.meta.dirname, "..", "..", "fixtures", "bounces", "shapes");
const recipients = async (text: string | Buffer) =>
  (await readBounce(text)).findings.map((finding) => [finding.ip, finding.recipient]);

const POSTFIX_BOUNCED = (to: string, ip: string) =>
  `Dec  7 06:00:01 mx1 postfix/smtp[1234]: 4ABC123DEF: to=<${to}>, orig_to=<alias@example.org>, relay=gmail-smtp-in.l.google.com[142.250.102.27]:25, delay=1.2, dsn=5.7.25, status=bounced (host gmail-smtp-in.l.google.com[142.250.102.27] said: 550-5.7.25 [${ip}] The IP address sending this message does not have a PTR record setup (in reply to end of DATA command))`;

describe("recipients from mail logs", () => {
  it("Postfix: to=<...> of the bounced line, not the delivered one's (fixture)", async () => {
    expect(await recipients(readFileSync(join(shapes, "postfix-maillog.log")))).toEqual([
      ["203.0.113.5", "someone@gmail.com"],
    ]);
  });

  it("Sendmail: to=<...> of the deferred line (fixture)", async () => {
    expect(await recipients(readFileSync(join(shapes, "sendmail-maillog.log")))).toEqual([
      ["198.51.100.23", "user@example.org"],
    ]);
  });

  it("several Postfix failures: each its own recipient; orig_to is not the recipient", async () => {
    const log = [
      POSTFIX_BOUNCED("alice@gmail.com", "203.0.113.5"),
      "Dec  7 06:00:02 mx1 postfix/smtp[1235]: 5BCD234EF0: to=<bob@outlook.com>, relay=outlook-com.olc.protection.outlook.com[52.101.1.1]:25, delay=0.8, dsn=5.7.1, status=bounced (host outlook-com.olc.protection.outlook.com[52.101.1.1] said: 550 5.7.1 Service unavailable, Client host [203.0.113.6] blocked using Spamhaus (in reply to RCPT TO command))",
      "",
    ].join("\n");
    expect(await recipients(log)).toEqual([
      ["203.0.113.5", "alice@gmail.com"],
      ["203.0.113.6", "bob@outlook.com"],
    ]);
  });

  it("Postfix smtpd's NOQUEUE reject line names the recipient after from=", async () => {
    const line =
      "Dec  7 06:00:03 mx1 postfix/smtpd[999]: NOQUEUE: reject: RCPT from unknown[203.0.113.7]: 450 4.7.1 Client host rejected: cannot find your reverse hostname, [203.0.113.7]; from=<x@sender.test> to=<carol@example.net> proto=ESMTP helo=<mail.sender.test>\n";
    expect(await recipients(line)).toEqual([["203.0.113.7", "carol@example.net"]]);
  });

  it("logRecipient reads only a to= field", () => {
    expect(logRecipient("to=<a@example.org>, relay=x")).toBe("a@example.org");
    expect(logRecipient("x: to=b@example.org, delay=1")).toBe("b@example.org");
    expect(logRecipient("orig_to=<c@example.org>, relay=x")).toBeNull();
    expect(logRecipient("reply-to=<d@example.org>")).toBeNull();
    expect(logRecipient("proto=ESMTP")).toBeNull();
    expect(logRecipient("to=<not-an-address>")).toBeNull();
  });
});

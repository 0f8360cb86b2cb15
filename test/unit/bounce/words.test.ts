// Issue 26 item 3: refusals that speak in words. Spam and content verdicts are reputation unless a
// list is named (blocklist) or an authentication result is (auth); mailboxes that are full,
// deactivated, suspended or unknown are mailbox even when the reply also speaks of size; a
// receiver's own server named in a size refusal is never the refused address.
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";

const cases: [string, string, string | null][] = [
  [
    "host mx.example.org[192.0.2.25] said: 550 Probable Spam (in reply to end of DATA command)",
    "reputation",
    null,
  ],
  [
    "host mx.example.org[192.0.2.25] said: 554 Sorry, this message appears to be spam (#5.6.0)",
    "reputation",
    null,
  ],
  ["host mx.example.org[192.0.2.25] said: 550 5.7.1 Rejected - bulk email", "reputation", null],
  ["host mx.example.org[192.0.2.25] said: 550 5.7.1 Blocked by SpamAssassin", "reputation", null],
  [
    "host mx.example.org[192.0.2.25] said: 554 5.7.1 Your message failed several antispam checks (SCORING). Please be sure your mailserver is configured correctly (spf, HELO, PTR)",
    "reputation",
    null,
  ],
  ["host mx.example.org[192.0.2.25] said: 550 Denied due to spam list", "blocklist", null],
  [
    "host mx.example.org[192.0.2.25] said: 550 5.7.1 Your email breaches local URIBL policy.",
    "blocklist",
    null,
  ],
  [
    "host mx.example.org[192.0.2.25] said: 553 Spam suspected: Sender Policy Framework (SPF) fail",
    "auth",
    null,
  ],
  [
    "host mx.example.org[192.0.2.25] said: 550 5.7.1 203.0.113.40 is not allowed to send mail from example.com",
    "auth",
    "203.0.113.40",
  ],
  ["host mx.example.org[192.0.2.25] said: 452 <a@example.org> Mailbox size limit exceeded", "mailbox", null],
  [
    "host mx.example.org[192.0.2.25] said: 550 <a@example.org> User has too many messages on the server.",
    "mailbox",
    null,
  ],
  ["host mx.example.org[192.0.2.25] said: 551 <a@example.org> is a deactivated mailbox", "mailbox", null],
  ["host mx.example.org[192.0.2.25] said: 550 5.7.1 No mailbox found", "mailbox", null],
  ['host mx.example.org[192.0.2.25] said: 550 "a@example.org" is not a known user', "mailbox", null],
  [
    "host mx.example.org[192.0.2.25] said: 550 RCPT TO:<a@example.org> max message size exceeded",
    "policy",
    null,
  ],
  [
    "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.3.4\nDiagnostic-Code: X-Postfix; message size 18876259 exceeds size limit 10485760 of server mx.example.org[192.0.2.25]\n",
    "policy",
    null,
  ],
  [
    "host mx.example.org[192.0.2.25] said: 550 Your server requires confirmation. Visit http://www.example.org/Whitelist.aspx?IP=203.0.113.41 to confirm this mail server.",
    "policy",
    "203.0.113.41",
  ],
  [
    "host gmail-smtp-in.l.google.com[192.0.2.26] said: 550-5.7.1 This message is not RFC 5322 compliant. There are multiple Subject headers. To reduce the amount of spam sent to Gmail, this message has been blocked.",
    "policy",
    null,
  ],
];

describe("refusals in words", () => {
  for (const [text, category, ip] of cases) {
    it(`${category}: ${text.slice(text.indexOf("said:") + 6, 90)}`, async () => {
      const { findings } = await readBounce(text);
      expect(findings[0]?.category).toBe(category);
      expect(findings[0]?.ip ?? null).toBe(ip);
    });
  }
});

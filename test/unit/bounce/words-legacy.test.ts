// Issue 26 item 3: legacy and non-RFC 3464 notices that say in words that a mailbox is full,
// expired or unknown (also in Spanish and Portuguese) are mailbox; a spam pattern is reputation
// and an antivirus footer no verdict; a receiver's own block of the sending IP is blocklist; an
// Exim router that refuses remote domains is policy.
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";

const said = (reply: string) =>
  `host mx.example.org[192.0.2.25] said: ${reply} (in reply to RCPT TO command)`;
// A DSN's delivery-status part with the notice's text as its Diagnostic-Code (RFC 3464).
const dsn = (diagnostic: string) =>
  `Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Postfix; ${diagnostic}\n`;
const exim = (reason: string) =>
  `From: Mail Delivery System <Mailer-Daemon@example.org>\nSubject: Mail delivery failed: returning message to sender\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  a@example.org\n    ${reason}\n`;

const cases: [string, string, string | null][] = [
  [said("552 Account(s) <a@example.org> does not have enough space"), "mailbox", null],
  [
    "<a@example.org>: Message rejected. Not enough storage space in user's mailbox to accept message.",
    "mailbox",
    null,
  ],
  [
    dsn(
      "maildir delivery failed: Sorry, the user's maildir has overdrawn his diskspace quota, please try again later.",
    ),
    "mailbox",
    null,
  ],
  [
    dsn('Delivery of email to this address "a@example.org" has failed due to a full mailbox.'),
    "mailbox",
    null,
  ],
  [said("550 550 Address unknown (state 14)"), "mailbox", null],
  [said("550 <a@example.org>: Destinatario desconocido o mailbox lleno"), "mailbox", null],
  [dsn("Esta casilla ha expirado por falta de uso."), "mailbox", null],
  [said("554 Usuario Inválido ou Inexistente (#5.2.1) <a@example.org>"), "mailbox", null],
  [
    dsn(
      "Recipient user name info (info@example.org) not unique.  Several matches found in Domino Directory.",
    ),
    "mailbox",
    null,
  ],
  [dsn("The recipient was unavailable to take delivery of the message"), "mailbox", null],
  [said("550 No such domain at this location (a@example.org)"), "mailbox", null],
  [said("553 Blocked using spam pattern, your message may contain the spam contents"), "reputation", null],
  [said("554 email rejected due to security policies - MCSpamSignature.sa.5.6"), "reputation", null],
  [
    said(
      "550 Access from ip address 203.0.113.7 blocked. Visit http://example.org/support_bl?ip=203.0.113.7",
    ),
    "blocklist",
    "203.0.113.7",
  ],
  [exim("Mailing to remote domains not supported"), "policy", null],
  [said("450 User is receiving mail too quickly"), "ratelimit", null],
  [
    said("451 4.7.500 Server busy. Please try again later from [203.0.113.8]. (S77714)"),
    "ratelimit",
    "203.0.113.8",
  ],
  [said("451 Message temporarily deferred due to unresolvable RFC.5321 from domain"), "policy", null],
  [
    "From: Mail Delivery Subsystem <MAILER-DAEMON@example.org>\nSubject: Mail Delivery Problem\n\nYour mail to the following recipients could not be delivered because they are not accepting mail from list@example.com:\n\tname\n",
    "policy",
    null,
  ],
  [dsn("<a@example.org>: This person's account is exceeding their quota."), "mailbox", null],
  [
    dsn("550 5.4.310 DNS domain example.invalid does not exist [Message=InfoDomainNonexistent]"),
    "other",
    null,
  ],
  [
    said(
      "554 Message rejected on 2023/11/23 18:59:46 GMT, policy (3.2.1.1) ID (64754) - Your message looks like SPAM",
    ),
    "reputation",
    null,
  ],
];

describe("legacy notices in words", () => {
  for (const [text, category, ip] of cases) {
    it(`${category}: ${text.slice(0, 80)}`, async () => {
      const { findings } = await readBounce(text);
      expect(findings[0]?.category).toBe(category);
      expect(findings[0]?.ip ?? null).toBe(ip);
    });
  }

  it("an antivirus footer is no spam verdict", async () => {
    const text = `${said("550 5.1.1 <a@example.org>... User unknown")}\nThis message was scanned by NOD32 antivirus system`;
    expect((await readBounce(text)).findings[0]?.category).toBe("mailbox");
  });
});

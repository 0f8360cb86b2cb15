// Issue 21 point 6: the HELO a pasted bounce or log names goes to the check, as the IP does.
// Lines in the shapes the MTAs write them (Postfix smtpd's reject line, Exim's host field and
// its "SMTP error ... after EHLO", Postfix's "Helo command rejected" reply).
import { describe, expect, it } from "vitest";
import { extractHelo, normaliseHelo } from "../../../src/bounce/address.js";
import { readBounce } from "../../../src/bounce/index.js";

const findings = async (text: string) => (await readBounce(Buffer.from(text), { file: null })).findings;

describe("the HELO in free text (a sender's bounce)", () => {
  it("reads helo= fields, EHLO names, Exim's H=(helo) and Postfix's Helo command rejected", () => {
    expect(extractHelo("... proto=ESMTP helo=<Mail.Sender.Test.>")).toBe("mail.sender.test");
    expect(
      extractHelo("SMTP error from remote mail server after EHLO mail.sender.test: 550 5.7.1 Go away"),
    ).toBe("mail.sender.test");
    expect(
      extractHelo(
        "2026-12-07 10:00:00 H=(mail.sender.test) [203.0.113.10]:41234 F=<a@sender.test> temporarily rejected",
      ),
    ).toBe("mail.sender.test");
    expect(extractHelo("H=verified.example.net (localhost.localdomain) [203.0.113.10]:25")).toBe(
      "localhost.localdomain",
    );
    expect(extractHelo("550 5.7.1 <localhost.localdomain>: Helo command rejected: Host not found")).toBe(
      "localhost.localdomain",
    );
  });

  it("keeps an address literal as one, never as a bare address", () => {
    expect(extractHelo("proto=ESMTP helo=<[203.0.113.10]>")).toBe("[203.0.113.10]");
    expect(extractHelo("SMTP error from remote mail server after EHLO [203.0.113.10]: 550 no")).toBe(
      "[203.0.113.10]",
    );
    expect(normaliseHelo("[IPv6:2001:DB8::25]")).toBe("[IPv6:2001:db8::25]");
    expect(extractHelo("H=(mailserver) [203.0.113.10]:41234")).toBe("mailserver");
  });

  it("finds none where the text names none", () => {
    expect(extractHelo("550 5.7.1 rejected (in reply to EHLO command)")).toBeNull();
    expect(extractHelo("550 5.7.506 Access Denied, Bad HELO.")).toBeNull();
    expect(extractHelo("H=mx.example.net [198.51.100.2]: SMTP error")).toBeNull();
  });
});

describe("the HELO reaches the finding a check is made from", () => {
  it("a receiver's Postfix log line with an address-literal HELO", async () => {
    const [finding] = await findings(
      "Dec  7 06:00:03 mx1 postfix/smtpd[999]: NOQUEUE: reject: RCPT from unknown[203.0.113.10]: 450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.10]; from=<a@sender.test> to=<b@example.org> proto=ESMTP helo=<[203.0.113.10]>\n",
    );
    expect(finding).toMatchObject({ ip: "203.0.113.10", helo: "[203.0.113.10]" });
  });

  it("a sender's Exim bounce that names its EHLO", async () => {
    const [finding] = await findings(
      [
        "This message was created automatically by mail delivery software.",
        "",
        "A message that you sent could not be delivered to one or more of its recipients.",
        "",
        "  b@example.org",
        "    host mx.example.org [198.51.100.25]",
        "    SMTP error from remote mail server after EHLO mail.sender.test:",
        "    550 5.7.25 [203.0.113.10] The IP address sending this message does not have a PTR record setup",
        "",
      ].join("\n"),
    );
    expect(finding).toMatchObject({ ip: "203.0.113.10", helo: "mail.sender.test" });
  });
});

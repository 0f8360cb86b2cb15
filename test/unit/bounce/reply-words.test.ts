// Words the external labelled set (test/corpus/external) showed the reader missing, each written
// here as the receivers phrase it: a recipient's address is never the reason (`dmarc@...` is no
// DMARC failure), qmail-style "no mailbox by that name", a mailbox named between its words, a
// reply labelled like a field (`Reason: 550 ...`, Symantec Email Security.cloud notices).
import { describe, expect, it } from "vitest";
import { categorise } from "../../../src/bounce/categorise.js";
import { readBounce } from "../../../src/bounce/index.js";

describe("reply words", () => {
  it("a recipient address that contains a category word does not decide the category", () => {
    expect(categorise("<dmarc@reports.example.com>: 550 5.0.1 Recipient rejected", "5.0.1").category).toBe(
      "mailbox",
    );
    expect(categorise("550 <spam@example.org>: user unknown", null).category).toBe("mailbox");
    // The words themselves still count.
    expect(
      categorise("550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy", "5.7.26")
        .category,
    ).toBe("auth");
  });

  it("mailbox wordings without a code", () => {
    expect(categorise("550 no mailbox by that name is currently available", null).category).toBe("mailbox");
    expect(categorise("550 mailbox carol@example.net unavailable", null).category).toBe("mailbox");
    expect(categorise("554 RCPT (someone@example.net) dosn't exist", null).category).toBe("mailbox");
    expect(categorise("500 (err.nosuchuser)", null).category).toBe("mailbox");
  });

  it("a reply labelled `Reason:` is read as the receiver's reply", async () => {
    const notice = [
      "This is the mail delivery agent at Example Email Security.",
      "",
      "I was unable to deliver your message to the following addresses:",
      "",
      "someone@example.net",
      "",
      "Reason: 550 5.4.1 Recipient address rejected: Access denied.",
      "",
      "The message subject was: hello",
    ].join("\n");
    const [finding] = (await readBounce(Buffer.from(notice))).findings;
    expect(finding?.smtpCode).toBe(550);
    expect(finding?.enhancedCode).toBe("5.4.1");
    expect(finding?.category).toBe("mailbox");
  });

  it("Sendmail's `relay=[ip]` in a receiver's reply is the client; `relay=name [ip]` is a host it relays to", async () => {
    const reply =
      "<ron@example.net>: host mx.example.net[192.0.2.22] said: 550 5.2.1 <ron@example.net>... Addressee unknown, relay=[198.51.100.59] (in reply to RCPT TO command)";
    const [finding] = (await readBounce(Buffer.from(reply))).findings;
    expect(finding?.ip).toBe("198.51.100.59");
    const log =
      "Dec  7 10:00:00 mx sendmail[551]: 0B7A00aB000111: to=<c@example.net>, delay=00:00:01, mailer=esmtp, relay=mx.example.net. [192.0.2.40], dsn=5.0.0, stat=Service unavailable";
    expect((await readBounce(Buffer.from(log))).findings[0]?.ip ?? null).toBeNull();
  });
});

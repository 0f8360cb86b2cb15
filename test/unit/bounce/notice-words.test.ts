// A pasted non-delivery notice without headers and without a reply code is still a bounce when
// its opening words say so (Postfix's bounce(5) intro, Gmail's "Delivery incomplete").
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";

const postfix = (failure: string) => `This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

                   The mail system

${failure}
`;

describe("notices known by their words", () => {
  it("a Postfix timeout: other, its recipient, the MX's address not taken", async () => {
    const { findings } = await readBounce(
      postfix(
        "<a@example.org>: conversation with mx.example.org[192.0.2.30] timed out while\n    sending RCPT TO",
      ),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ category: "other", recipient: "a@example.org", ip: null });
    expect(findings[0]?.diagnostic).toContain("timed out");
  });

  it("a null MX (RFC 7505): other", async () => {
    const { findings } = await readBounce(
      postfix("<a@example.org>: Domain example.org does not accept mail (nullMX)"),
    );
    expect(findings[0]?.category).toBe("other");
  });

  it("a Postfix notice whose recipient's mailbox is full: mailbox", async () => {
    const { findings } = await readBounce(
      postfix("<a@example.org>: maildir delivery failed: mailbox is full"),
    );
    expect(findings[0]?.category).toBe("mailbox");
  });

  it("Gmail's delivery-incomplete notice", async () => {
    const text =
      "** Delivery incomplete **\n\nThere was a temporary problem delivering your message to a@example.org. Gmail will retry for 46 more hours.\n";
    const { findings } = await readBounce(text);
    expect(findings[0]?.category).toBe("other");
  });

  it("text that only mentions a failed delivery later on is no bounce", async () => {
    const text =
      "Hi team,\nwe moved the server last week.\nAnything odd?\nA customer said: This is the mail system at host x, and nothing else.\n";
    expect((await readBounce(text)).findings).toEqual([]);
  });
});

// Each receiver format of issue 3, written from the receivers' documented texts (docs/sources.md "Receivers"), read
// through readBounce: address, receiver, codes, category and rdnsRelated.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";
import type { BounceFinding } from "../../../src/bounce/types.js";

const dir = join(import.meta.dirname, "..", "..", "fixtures", "bounces");
type Expected = Pick<
  BounceFinding,
  "ip" | "receiver" | "smtpCode" | "enhancedCode" | "category" | "rdnsRelated"
>;

const cases: Record<string, Expected> = {
  "gmail-5.7.25-wrapped.eml": {
    ip: "203.0.113.5",
    receiver: "gmail",
    smtpCode: 550,
    enhancedCode: "5.7.25",
    category: "rdns",
    rdnsRelated: true,
  },
  "gmail-5.7.25-oneline.txt": {
    ip: "198.51.100.7",
    receiver: "gmail",
    smtpCode: 550,
    enhancedCode: "5.7.25",
    category: "rdns",
    rdnsRelated: true,
  },
  "gmail-ipv6.txt": {
    ip: "2001:db8:1234::25",
    receiver: "gmail",
    smtpCode: 550,
    enhancedCode: "5.7.1",
    category: "rdns",
    rdnsRelated: true,
  },
  "gmail-421-4.7.0.txt": {
    ip: "203.0.113.50",
    receiver: "gmail",
    smtpCode: 421,
    enhancedCode: "4.7.0",
    category: "rdns",
    rdnsRelated: true,
  },
  "microsoft-5.7.25-ipv6.txt": {
    ip: "2001:db8:5::10",
    receiver: "microsoft",
    smtpCode: 550,
    enhancedCode: "5.7.25",
    category: "rdns",
    rdnsRelated: true,
  },
  "microsoft-5.7.506-bad-helo.txt": {
    ip: null,
    receiver: "microsoft",
    smtpCode: 550,
    enhancedCode: "5.7.506",
    category: "rdns",
    rdnsRelated: true,
  },
  "microsoft-5.7.606-banned.txt": {
    ip: "192.0.2.44",
    receiver: "microsoft",
    smtpCode: 550,
    enhancedCode: "5.7.606",
    category: "blocklist",
    rdnsRelated: false,
  },
  "outlook-s3150.txt": {
    ip: "198.51.100.23",
    receiver: "microsoft",
    smtpCode: 550,
    enhancedCode: "5.7.1",
    category: "blocklist",
    rdnsRelated: false,
  },
  "yahoo-tss04.txt": {
    ip: "203.0.113.77",
    receiver: "yahoo",
    smtpCode: 421,
    enhancedCode: "4.7.0",
    category: "reputation",
    rdnsRelated: false,
  },
  "yahoo-tss04-redacted.txt": {
    ip: null,
    receiver: "yahoo",
    smtpCode: 421,
    enhancedCode: "4.7.0",
    category: "reputation",
    rdnsRelated: false,
  },
  "yahoo-bl21.txt": {
    ip: "192.0.2.61",
    receiver: "yahoo",
    smtpCode: 553,
    enhancedCode: "5.7.1",
    category: "blocklist",
    rdnsRelated: false,
  },
  "postfix-cannot-find-hostname.txt": {
    ip: "203.0.113.9",
    receiver: "other",
    smtpCode: 450,
    enhancedCode: "4.7.25",
    category: "rdns",
    rdnsRelated: true,
  },
  "postfix-cannot-find-reverse-hostname.txt": {
    ip: "192.0.2.77",
    receiver: "other",
    smtpCode: 450,
    enhancedCode: "4.7.1",
    category: "rdns",
    rdnsRelated: true,
  },
  "sendmail-fix-reverse-dns.txt": {
    ip: "198.51.100.88",
    receiver: "other",
    smtpCode: 550,
    enhancedCode: "5.7.1",
    category: "rdns",
    rdnsRelated: true,
  },
  "gmx-bad-dns-ptr.txt": {
    ip: "203.0.113.61",
    receiver: "other",
    smtpCode: 554,
    enhancedCode: null,
    category: "rdns",
    rdnsRelated: true,
  },
  "comcast-ptr.txt": {
    ip: "203.0.113.33",
    receiver: "other",
    smtpCode: 554,
    enhancedCode: null,
    category: "rdns",
    rdnsRelated: true,
  },
  "gmail-dmarc-5.7.26.txt": {
    ip: null,
    receiver: "gmail",
    smtpCode: 550,
    enhancedCode: "5.7.26",
    category: "auth",
    rdnsRelated: false,
  },
  "gmail-user-unknown-5.1.1.txt": {
    ip: null,
    receiver: "gmail",
    smtpCode: 550,
    enhancedCode: "5.1.1",
    category: "mailbox",
    rdnsRelated: false,
  },
  "slack-mangled.txt": {
    ip: "203.0.113.5",
    receiver: "gmail",
    smtpCode: 550,
    enhancedCode: "5.7.25",
    category: "rdns",
    rdnsRelated: true,
  },
};

async function read(name: string) {
  return readBounce(readFileSync(join(dir, name)), { file: name });
}

function pick(finding: BounceFinding): Expected {
  const { ip, receiver, smtpCode, enhancedCode, category, rdnsRelated } = finding;
  return { ip, receiver, smtpCode, enhancedCode, category, rdnsRelated };
}

describe("readBounce on the receivers' documented texts", () => {
  for (const [name, expected] of Object.entries(cases)) {
    it(name, async () => {
      const reading = await read(name);
      expect(reading.findings).toHaveLength(1);
      const [finding] = reading.findings as [BounceFinding];
      expect(pick(finding)).toEqual(expected);
      expect(finding.file).toBe(name);
      expect(finding.diagnostic).not.toContain("\n");
      expect(reading.truncated).toBe(false);
    });
  }

  it("unwraps Gmail's repeated 550-5.7.25 prefixes into one sentence", async () => {
    const [finding] = (await read("gmail-5.7.25-wrapped.eml")).findings;
    expect(finding?.diagnostic).toMatch(
      /^550-5\.7\.25 \[203\.0\.113\.5\] The IP address sending this message does not have a PTR record setup/,
    );
    expect(finding?.diagnostic.match(/550-5\.7\.25/g)).toHaveLength(1);
    expect(finding?.recipient).toBe("someone@gmail.com");
  });

  it("names the recipient the bounce text starts with (Postfix, Exim, Sendmail, Exchange)", async () => {
    const recipients: Record<string, string> = {
      "yahoo-tss04.txt": "someone@yahoo.com",
      "comcast-ptr.txt": "user@comcast.net",
      "sendmail-fix-reverse-dns.txt": "user@example.org",
      "microsoft-5.7.25-ipv6.txt": "someone@contoso.example",
    };
    for (const [name, recipient] of Object.entries(recipients)) {
      expect((await read(name)).findings[0]?.recipient, name).toBe(recipient);
    }
  });

  it("takes the quoted reply out of an Exchange NDR", async () => {
    const [finding] = (await read("microsoft-5.7.25-ipv6.txt")).findings;
    expect(finding?.diagnostic).toMatch(
      /^550 5\.7\.25 Access denied, the sending IPv6 address \[2001:db8:5::10\] must have a reverse DNS record/,
    );
  });

  it("never takes the private hop of the returned headers or the receiver's MX address", async () => {
    const [finding] = (await read("gmail-5.7.25-wrapped.eml")).findings;
    expect(finding?.ip).not.toBe("10.20.30.40");
    const [gmx] = (await read("gmx-bad-dns-ptr.txt")).findings;
    expect(gmx?.ip).not.toBe("212.227.15.9");
  });

  it("gives one finding per recipient failing differently", async () => {
    const reading = await read("two-recipients.eml");
    expect(reading.findings.map(pick)).toEqual([
      {
        ip: "198.51.100.40",
        receiver: "gmail",
        smtpCode: 550,
        enhancedCode: "5.7.25",
        category: "rdns",
        rdnsRelated: true,
      },
      {
        ip: null,
        receiver: "other",
        smtpCode: 550,
        enhancedCode: "5.1.1",
        category: "mailbox",
        rdnsRelated: false,
      },
    ]);
    expect(reading.findings.map((finding) => finding.recipient)).toEqual(["a@gmail.com", "b@example.org"]);
  });

  it("finds no bounce in ordinary text, even with address-like version numbers", async () => {
    const reading = await read("not-a-bounce.txt");
    expect(reading.findings).toEqual([]);
  });
});

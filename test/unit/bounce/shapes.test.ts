// Issue 12 item 1: every shape of input a support engineer pastes, each fixture written from the
// documented format (mail logs, exports and webhooks, encodings, non-English notices, provider
// texts) and the non-bounces that must be recognised as such.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonToDsn } from "../../../src/bounce/exports.js";
import { readBounce } from "../../../src/bounce/index.js";
import type { BounceFinding } from "../../../src/bounce/types.js";

const dir = join(import.meta.dirname, "..", "..", "fixtures", "bounces", "shapes");
const read = (name: string) => readBounce(readFileSync(join(dir, name)), { file: name });

type Expected = Partial<
  Pick<
    BounceFinding,
    "ip" | "receiver" | "smtpCode" | "enhancedCode" | "category" | "rdnsRelated" | "recipient"
  >
> & {
  findings?: number;
};

const rdns = { category: "rdns", rdnsRelated: true } as const;
const cases: Record<string, Expected> = {
  // Mail logs: the receiver's address (relay=, H=, "Giving up on") is never the sender.
  "postfix-maillog.log": {
    ...rdns,
    ip: "203.0.113.5",
    receiver: "gmail",
    enhancedCode: "5.7.25",
    findings: 1,
  },
  "exim-mainlog.log": { ...rdns, ip: "198.51.100.23", receiver: "gmail", smtpCode: 550, findings: 1 },
  "exim-defer.log": { ...rdns, ip: "203.0.113.61", smtpCode: 450, enhancedCode: "4.7.25" },
  "sendmail-maillog.log": { ...rdns, ip: "198.51.100.23", smtpCode: 450 },
  "qmail-send.log": { ...rdns, ip: "203.0.113.71", smtpCode: 550 },
  "folded-app.log": { ...rdns, ip: "2001:db8:1234::25", enhancedCode: "5.7.25", findings: 1 },
  "exchange-tracking.log": {
    ip: null,
    receiver: "microsoft",
    enhancedCode: "5.7.708",
    category: "reputation",
    findings: 1,
  },
  "m365-message-trace.csv": { ...rdns, ip: "2001:db8:5::10", enhancedCode: "5.7.25" },
  // Exports and webhooks: SES's remoteMtaIp is never the sender.
  "suppressions.csv": { ...rdns, ip: "203.0.113.9", recipient: "someone@example.org", findings: 2 },
  "bounces.tsv": { ip: null, category: "mailbox", recipient: "user@example.com", findings: 2 },
  "ses-sns.json": { ...rdns, ip: "203.0.113.5", receiver: "gmail", recipient: "someone@gmail.com" },
  "ses-no-ip.json": { ip: null, category: "mailbox", enhancedCode: "5.1.1" },
  "sendgrid-events.json": { ip: "198.51.100.44", receiver: "microsoft", category: "blocklist", findings: 1 },
  "mailgun-event.json": {
    ip: "203.0.113.44",
    smtpCode: 550,
    category: "blocklist",
    recipient: "user@example.net",
  },
  "postmark-bounce.json": { ip: null, category: "mailbox", recipient: "nobody@example.org" },
  "sparkpost-event.json": { ...rdns, ip: "198.51.100.77", recipient: "user@example.org" },
  "mandrill-events.json": { category: "mailbox", enhancedCode: "5.1.1", recipient: "user@example.com" },
  // Encodings: QP soft break inside the address, base64 parts, CRLF/LF/CR mixed with no-break spaces.
  "quoted-printable.eml": { ...rdns, ip: "203.0.113.5", receiver: "gmail", enhancedCode: "5.7.25" },
  "base64-report.eml": { ...rdns, enhancedCode: "5.7.1", recipient: "user@example.org" },
  "crlf-mixed-nbsp.txt": { ...rdns, ip: "203.0.113.88", smtpCode: 550, enhancedCode: "5.7.1" },
  // Provider and generic MTA texts.
  "yahoo-tss09.txt": { ip: "198.51.100.61", receiver: "yahoo", rdnsRelated: false },
  "microsoft-as-code.txt": { ip: "198.51.100.62", receiver: "microsoft", category: "blocklist" },
  "reverse-address-to-name.txt": { ...rdns, ip: "203.0.113.63" },
  // Advice to check PTR/HELO after a spam verdict is reputation, not rDNS.
  "advice-only.txt": { ip: null, category: "reputation", rdnsRelated: false },
};
const languages = ["de", "fr", "es", "pt", "it", "nl", "ru", "ja", "zh"];
for (const [index, lang] of languages.entries()) {
  cases[`notice-${lang}.txt`] = {
    ...rdns,
    ip: `203.0.113.${100 + index}`,
    smtpCode: 550,
    recipient: "user@example.org",
  };
}

describe("shapes of input", () => {
  it.each(Object.entries(cases))("%s", async (name, expected) => {
    const reading = await read(name);
    const { findings, ...fields } = expected;
    if (findings !== undefined) expect(reading.findings).toHaveLength(findings);
    const first = reading.findings[0] as BounceFinding;
    expect(first).toBeDefined();
    expect(first).toMatchObject(fields);
    expect(first.explanation).toMatch(/\w/);
    expect(first.diagnostic).not.toMatch(/[\n\r\u00a0]/);
  });

  it.each(["not-vacation.eml", "not-abuse-report.eml", "not-ordinary.eml", "not-dig-question.txt"])(
    "%s is not a bounce",
    async (name) => {
      expect((await read(name)).findings).toEqual([]);
    },
  );

  it("finds one bounce at the end of a 5 MB log, and cuts at maxBytes when told", async () => {
    const filler =
      "Nov 30 10:00:01 mta1 postfix/smtp[1]: 1A: to=<a@example.org>, relay=mx.example.org[198.51.100.9]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n";
    const log =
      filler.repeat(Math.ceil((5 * 1024 * 1024) / filler.length)) +
      readFileSync(join(dir, "postfix-maillog.log"), "utf8");
    const reading = await readBounce(log);
    expect(reading.truncated).toBe(false);
    expect(reading.findings).toHaveLength(1);
    expect(reading.findings[0]).toMatchObject({ ip: "203.0.113.5", category: "rdns" });
    const cut = await readBounce(log, { maxBytes: 1024 * 1024 });
    expect(cut.truncated).toBe(true);
    expect(cut.bytesRead).toBe(1024 * 1024);
    expect(cut.findings).toEqual([]);
  });

  it("explains who can fix each category", async () => {
    const rdnsFinding = (await read("ses-sns.json")).findings[0];
    expect(rdnsFinding?.explanation).toContain("rdns check 203.0.113.5");
    expect((await read("bounces.tsv")).findings[0]?.explanation).toMatch(/recipient/);
  });
  it("reads an export nested in a few more levels, not one nested past 64 (never parsed)", () => {
    const event = readFileSync(join(dir, "ses-sns.json"), "utf8");
    const wrapped = (levels: number) => `${"[".repeat(levels)}${event}${"]".repeat(levels)}`;
    // Brackets inside its strings ("[203.0.113.5]") do not count as nesting.
    expect(event).toMatch(/"[^"]*\[203\.0\.113\.5\]/);
    expect(jsonToDsn(event)).toContain("203.0.113.5");
    expect(jsonToDsn(wrapped(3))).toContain("203.0.113.5");
    expect(jsonToDsn(wrapped(70))).toBeNull();
  });
});

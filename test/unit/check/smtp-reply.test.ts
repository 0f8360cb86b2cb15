// Reading SMTP replies (src/check/sections/smtp/reply.ts): multi-line greetings, EHLO replies,
// garbage, and the names a greeting announces.
import { describe, expect, it } from "vitest";
import { analyseSmtp } from "../../../src/check/sections/smtp/analyse.js";
import { announcedName, offersStarttls, ReplyReader } from "../../../src/check/sections/smtp/reply.js";
import type { SmtpProbe } from "../../../src/check/types.js";

describe("ReplyReader", () => {
  it("reads a multi-line greeting that arrives in pieces, bare LF included", () => {
    const reader = new ReplyReader();
    expect(reader.push("220-mx.example.test ESMTP\r\n220-no UCE")).toEqual({ kind: "more" });
    expect(reader.push("\n220 ready\r\n")).toEqual({
      kind: "reply",
      reply: { code: 220, lines: ["mx.example.test ESMTP", "no UCE", "ready"] },
      raw: ["220-mx.example.test ESMTP", "220-no UCE", "220 ready"],
    });
  });

  it("a bare code is a reply", () => {
    expect(new ReplyReader().push("220\r\n")).toMatchObject({
      kind: "reply",
      reply: { code: 220, lines: [""] },
    });
  });

  it("calls anything else garbage: another protocol, a code that changes mid-reply, no line end", () => {
    expect(new ReplyReader().push("SSH-2.0-OpenSSH_9.6\r\n")).toEqual({
      kind: "garbage",
      raw: ["SSH-2.0-OpenSSH_9.6"],
    });
    expect(new ReplyReader().push("220-a.example.test\r\n250 b\r\n")).toMatchObject({ kind: "garbage" });
    expect(new ReplyReader().push("x".repeat(5000))).toMatchObject({ kind: "garbage" });
  });

  it("reads the EHLO reply's name and STARTTLS (RFC 3207)", () => {
    const reader = new ReplyReader();
    const read = reader.push(
      "250-mx.example.test Hello\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
    );
    if (read.kind !== "reply") throw new Error("no reply");
    expect(announcedName(read.reply.lines[0])).toBe("mx.example.test");
    expect(offersStarttls(read.reply)).toBe(true);
    const plain = new ReplyReader().push("250-mx.example.test\r\n250 SIZE 1000\r\n");
    if (plain.kind !== "reply") throw new Error("no reply");
    expect(offersStarttls(plain.reply)).toBe(false);
  });
});

describe("announcedName", () => {
  it("takes the first word when it is a domain or an address literal (RFC 5321 4.3.1)", () => {
    expect(announcedName("MX.Example.Test. ESMTP Postfix")).toBe("mx.example.test");
    expect(announcedName("[192.0.2.1] ESMTP")).toBe("[192.0.2.1]");
    expect(announcedName("ESMTP ready")).toBeNull();
    expect(announcedName("192.0.2.1 ESMTP")).toBeNull();
    expect(announcedName("<b>x</b>.example.test")).toBeNull();
    expect(announcedName("")).toBeNull();
  });
});

describe("analyseSmtp", () => {
  const probe: SmtpProbe = {
    outcome: "ok",
    server: "192.0.2.1:25",
    banner: "220 other.example.test ESMTP",
    bannerName: "other.example.test",
    ehloName: "other.example.test",
    starttls: true,
    note: null,
  };

  it("BANNER_MISMATCH when the greeting names another host than the PTR", () => {
    const { report, problems } = analyseSmtp(probe, ["mail.example.test"], "mail.example.test");
    expect(report.matchesPtr).toBe(false);
    expect(problems).toMatchObject([{ code: "BANNER_MISMATCH", severity: "warning" }]);
  });

  it("nothing to compare without a PTR name or a greeting name: no problem, matchesPtr null", () => {
    expect(analyseSmtp(probe, [], null)).toMatchObject({ report: { matchesPtr: null }, problems: [] });
    const refused = { ...probe, outcome: "refused" as const, banner: null, bannerName: null, ehloName: null };
    expect(analyseSmtp(refused, ["mail.example.test"], null)).toMatchObject({
      report: { matchesPtr: null },
      problems: [],
    });
    expect(analyseSmtp(probe, ["OTHER.example.test."], null).problems).toEqual([]);
  });
});

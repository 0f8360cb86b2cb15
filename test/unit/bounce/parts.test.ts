// The reader's pieces on the cases their rules exist for.
import { describe, expect, it } from "vitest";
import { extractHelo, extractRefusedAddress } from "../../../src/bounce/address.js";
import { categorise } from "../../../src/bounce/categorise.js";
import { readCodes } from "../../../src/bounce/codes.js";
import { parseDeliveryStatus } from "../../../src/bounce/dsn.js";
import { readBounce } from "../../../src/bounce/index.js";
import { MAX_INPUT_BYTES } from "../../../src/bounce/limits.js";
import { decodeInput, splitLines, unmanglePaste } from "../../../src/bounce/normalise.js";
import { unwrapReply } from "../../../src/bounce/unwrap.js";

describe("refused address", () => {
  it("skips the receiver's own MX in Postfix, Exim and qmail forms", () => {
    expect(
      extractRefusedAddress(
        "host mx.example.com[198.51.100.9] said: 554 5.7.1 Client host [192.0.2.5] blocked",
      ),
    ).toBe("192.0.2.5");
    expect(extractRefusedAddress("host mx.example.com [198.51.100.9]: 550 Rejected")).toBeNull();
    expect(extractRefusedAddress("Connected to 198.51.100.9 but sender was rejected.")).toBeNull();
    expect(
      extractRefusedAddress(
        "198.51.100.9 does not like recipient. Remote host said: 550 banned sending IP [192.0.2.8]",
      ),
    ).toBe("192.0.2.8");
  });

  it("never takes a code that looks like an address", () => {
    expect(
      extractRefusedAddress("421 4.7.0 [TSS04] Messages from [x] temporarily deferred - 4.16.55.1; see"),
    ).toBeNull();
    expect(extractRefusedAddress("421 4.7.0 [TSS04] Messages from 192.0.2.25 deferred - 4.16.55.1;")).toBe(
      "192.0.2.25",
    );
  });

  it("reads Gmail's leading bracket, ?ip= links, 'for' and IPv6 literals", () => {
    expect(extractRefusedAddress("said: [192.0.2.22 18] Our system has detected")).toBe("192.0.2.22");
    expect(extractRefusedAddress("Blocked - see https://example.net/lookup.cgi?ip=203.0.113.4")).toBe(
      "203.0.113.4",
    );
    expect(extractRefusedAddress("550 5.7.1 Fix reverse DNS for 198.51.100.3")).toBe("198.51.100.3");
    expect(
      extractRefusedAddress("the sending IPv6 address [IPv6:2001:DB8::0:1] must have a reverse DNS record"),
    ).toBe("2001:db8::1");
  });

  it("ignores a private hop unless the reply names it as the client", () => {
    expect(extractRefusedAddress("550 rejected, seen via 10.1.2.3 relay")).toBeNull();
    expect(extractRefusedAddress("550 not configured to relay mail for 127.0.0.1")).toBe("127.0.0.1");
  });

  it("does not read an invalid IPv6 literal as its embedded IPv4", () => {
    expect(
      extractRefusedAddress("[2401:2500:102:3032:192.0.2.222 13] Messages with multiple addresses"),
    ).toBeNull();
  });

  it("reads the HELO name when the text gives it", () => {
    expect(
      extractHelo("SMTP error from remote mail server after EHLO mail.sender.example: 550 Rejected"),
    ).toBe("mail.sender.example");
    expect(extractHelo("H=mail.example.com [192.0.2.11] HELO=[mail.example.com] F=[a@b]")).toBe(
      "mail.example.com",
    );
    expect(extractHelo("550 5.7.506 Access Denied, Bad HELO.")).toBeNull();
  });
});

describe("categories", () => {
  it("keeps blocklists, DMARC and mailbox failures off the rDNS path", () => {
    expect(
      categorise(
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
        "5.7.1",
      ).category,
    ).toBe("blocklist");
    expect(
      categorise("550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy", "5.7.26")
        .category,
    ).toBe("auth");
    expect(categorise("550 5.1.1 User unknown", "5.1.1").category).toBe("mailbox");
    expect(
      categorise(
        "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation",
        "4.7.650",
      ).category,
    ).toBe("reputation");
    expect(categorise("421 4.7.28 unusual rate of unsolicited mail", "4.7.28").category).toBe("ratelimit");
  });

  it("does not read 'rdns' in a link as the reason", () => {
    expect(categorise("554 Blocked, see http://postmaster.example/help?c=rdns#ptr", null).rdnsRelated).toBe(
      false,
    );
  });

  it("takes RFC 7372's x.7.25 as reverse DNS even without words", () => {
    expect(categorise("550 5.7.25 Access denied", "5.7.25")).toEqual({ category: "rdns", rdnsRelated: true });
  });
});

describe("input normalising", () => {
  it("cuts input over the limit and says so", () => {
    const decoded = decodeInput("5".repeat(MAX_INPUT_BYTES + 10));
    expect(decoded).toMatchObject({ truncated: true, bytesRead: MAX_INPUT_BYTES });
  });

  it("removes fences and > quotes, keeps Sendmail's >>> lines when not quoted", () => {
    expect(unmanglePaste(splitLines("```\n> > 550 5.7.1 x\n> more\n```"))).toEqual(["550 5.7.1 x", "more"]);
    const transcript = [
      "... while talking to mx.:",
      ">>> DATA",
      "<<< 550 5.7.1 no",
      "554 5.0.0 Service unavailable",
    ];
    expect(unmanglePaste(transcript)).toEqual(transcript);
  });

  it("splits CRLF and CR line ends", () => {
    expect(splitLines("a\r\nb\rc\nd")).toEqual(["a", "b", "c", "d"]);
  });

  it("unwraps repeated reply-code prefixes (RFC 5321 4.2.1)", () => {
    expect(
      unwrapReply([
        "554-mail.com Nemesis 554-No SMTP",
        "service 554-Bad DNS PTR resource record. 554 For explanation",
      ]),
    ).toBe("554-mail.com Nemesis No SMTP service Bad DNS PTR resource record. For explanation");
    expect(unwrapReply(["550-5.7.25 [192.0.2.1] The IP", "550-5.7.25 address", "550 5.7.25 end"])).toBe(
      "550-5.7.25 [192.0.2.1] The IP address end",
    );
  });
});

describe("codes and DSN fields", () => {
  it("reads codes without taking address parts for codes", () => {
    expect(readCodes("host mx[192.5.7.25] said: 550 5.7.1 no")).toEqual({
      smtpCode: 550,
      enhancedCode: "5.7.1",
    });
    expect(readCodes("deferred - 4.16.55.1; see")).toEqual({ smtpCode: null, enhancedCode: null });
  });

  it("reads folded Diagnostic-Code and several recipient groups", () => {
    const status = parseDeliveryStatus(
      splitLines(
        "Reporting-MTA: dns; a.example\n\nFinal-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.7.25\nRemote-MTA: dns; mx.y.example\nDiagnostic-Code: smtp; 550 5.7.25 one\n    two\n\nFinal-Recipient: rfc822; z@y.example\nOriginal-Recipient: rfc822; z@y.example\nAction: delayed\nStatus: 4.4.1\n",
      ),
    );
    expect(status.reportingMta).toBe("a.example");
    expect(status.recipients).toEqual([
      {
        finalRecipient: "x@y.example",
        action: "failed",
        status: "5.7.25",
        remoteMta: "mx.y.example",
        diagnosticCode: "550 5.7.25 one two",
      },
      {
        finalRecipient: "z@y.example",
        action: "delayed",
        status: "4.4.1",
        remoteMta: null,
        diagnosticCode: null,
      },
    ]);
  });

  it("reports nothing for a DSN of successful deliveries", async () => {
    const dsn =
      "Reporting-MTA: dns; a.example\n\nFinal-Recipient: rfc822; x@y.example\nAction: delivered\nStatus: 2.0.0\nDiagnostic-Code: smtp; 250 2.0.0 Ok\n";
    expect((await readBounce(dsn)).findings).toEqual([]);
  });
});

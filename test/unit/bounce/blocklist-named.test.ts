// A blocklist-category bounce names its list (src/bounce/blocklist-named.ts), read through the
// real bounce reader; and the report answering such a paste shows that list's state first.
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";
import { renderText } from "../../../src/render/text.js";
import { makeReport } from "../../fixtures/check-report.js";

const bounce = (diagnostic: string) =>
  `Delivery to the following recipient failed permanently:\n\n  user@example.com\n\nRemote server returned '${diagnostic}'\n`;

describe("the list a blocklist bounce names", () => {
  it.each([
    [
      "550 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org",
      "zen.spamhaus.org",
    ],
    [
      "553 5.7.1 [BL21] Connections will not be accepted from 203.0.113.5, because the ip is in Spamhaus's list",
      "zen.spamhaus.org",
    ],
    [
      "554 Service unavailable; Client host [203.0.113.5] blocked using Barracuda Reputation; http://bbl.barracudacentral.com/q.cgi?ip=203.0.113.5",
      "b.barracudacentral.org",
    ],
    ["550 5.7.1 Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5", "bl.spamcop.net"],
    [
      "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150)",
      "microsoft",
    ],
  ])("%s -> %s", async (diagnostic, list) => {
    const { findings } = await readBounce(bounce(diagnostic));
    expect(findings[0]?.category).toBe("blocklist");
    expect(findings[0]?.blocklist).toBe(list);
  });

  it("an rDNS bounce names no list", async () => {
    const { findings } = await readBounce(
      bounce(
        "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.",
      ),
    );
    expect(findings[0]?.blocklist ?? null).toBeNull();
  });
});

describe("the report answering it", () => {
  const report = makeReport({
    blocklists: [
      {
        zone: "zen.spamhaus.org",
        status: "listed",
        codes: ["127.0.0.2"],
        meaning: "SBL: a direct spam source (Spamhaus Block List)",
        txt: null,
        policy: false,
        removal: "Look 203.0.113.5 up at the Spamhaus Blocklist Removal Center (check.spamhaus.org).",
      },
    ],
  });

  it("shows the named list's state first", () => {
    const text = renderText({ kind: "report", report, focusList: "zen.spamhaus.org" });
    expect(text.split("\n")[0]).toMatch(
      /^The bounce names zen\.spamhaus\.org: for 203\.0\.113\.5 it says LISTED 127\.0\.0\.2/,
    );
  });

  it("Microsoft's own list: no DNSBL to ask, its portal", () => {
    const text = renderText({ kind: "report", report, focusList: "microsoft" });
    expect(text.split("\n")[0]).toContain("sender.office.com");
  });
});

// The "Request text" of NO_PTR, DANGLING_CNAME, BROKEN_PAIR and GENERIC_PTR answers, through the
// text, Slack and Discord renderers: the name from the HELO, else the PTR's name, else the
// placeholder the text points out; the provider's self-service instead of a message when it has
// one; hostile owner data (SOA RNAME, NS names, RDAP strings) inert on every platform.
import { describe, expect, it } from "vitest";
import type { CheckReport, ProblemCode } from "../../../src/check/types.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderReportText } from "../../../src/render/check-text.js";
import { NAME_PLACEHOLDER, reportRequest, requestText } from "../../../src/render/request-text.js";
import { reportView } from "../../../src/render/views.js";
import { makeReport } from "../../fixtures/check-report.js";

const problem = (code: ProblemCode) => ({ code, severity: "error" as const, message: `${code}.`, fix: "" });

function shape(code: ProblemCode, overrides: Partial<CheckReport> = {}): CheckReport {
  return makeReport({ problems: [problem(code)], ...overrides });
}

const allText = (report: CheckReport) => ({
  text: renderReportText(reportView(report)),
  slack: JSON.stringify(renderSlackMessage({ kind: "report", report: reportView(report) })),
  discord: JSON.stringify(renderMessage({ kind: "report", report: reportView(report) })),
});

describe("request text in every failure shape's answer", () => {
  it.each(["NO_PTR", "DANGLING_CNAME", "BROKEN_PAIR", "GENERIC_PTR"] as const)(
    "%s: text, Slack and Discord carry it, ready to copy",
    (code) => {
      const out = allText(shape(code));
      for (const rendered of Object.values(out)) {
        expect(rendered).toContain("Request text");
        expect(rendered).toContain(
          "please set the PTR (reverse DNS) record of 203.0.113.5 to mail.example.test.",
        );
        expect(rendered).toContain("hostmaster@example.net");
      }
      // A code block to copy on the chat platforms.
      expect(out.slack).toContain("```");
      expect(out.discord).toContain("```");
    },
  );

  it("a passing report, or another failure, carries none", () => {
    for (const report of [
      makeReport({ verdict: "pass", problems: [] }),
      shape("HELO_MISMATCH"),
      shape("DNS_ERROR"),
    ]) {
      expect(reportRequest(reportView(report))).toBeNull();
      expect(renderReportText(reportView(report))).not.toContain("Request text");
    }
  });

  it("the name: the HELO given, else the PTR's current name, else the placeholder", () => {
    const helo = reportRequest(reportView(shape("GENERIC_PTR")));
    expect(helo?.text).toContain("to mail.example.test.");
    const ptr = reportRequest(
      reportView(
        shape("BROKEN_PAIR", {
          helo: null,
          ptr: { status: "found", names: ["host.example.org"] },
          forward: [
            {
              name: "host.example.org",
              status: "found",
              addresses: ["198.51.100.7"],
              cnames: [],
              server: null,
              ttl: 5,
              confirms: false,
            },
          ],
        }),
      ),
    );
    expect(ptr?.text).toContain("to host.example.org.");
    expect(ptr?.text).toContain(
      "First publish the A record host.example.org -> 203.0.113.5 (it does not resolve to it now)",
    );
    const none = reportRequest(reportView(shape("NO_PTR", { helo: null })));
    expect(none?.placeholder).toBe(true);
    expect(none?.text).toContain(`Replace ${NAME_PLACEHOLDER}`);
    expect(none?.text).toContain(`to ${NAME_PLACEHOLDER}.`);
  });

  it("GENERIC_PTR without a HELO: the placeholder, never a request to set the generic name it already has", () => {
    const generic = "static.5.113.0.203.clients.your-server.de";
    const request = reportRequest(
      reportView(
        shape("GENERIC_PTR", {
          helo: null,
          ptr: { status: "found", names: [generic] },
          forward: [
            {
              name: generic,
              status: "found",
              addresses: ["203.0.113.5"],
              cnames: [],
              server: null,
              ttl: 5,
              confirms: true,
            },
          ],
        }),
      ),
    );
    expect(request?.placeholder).toBe(true);
    expect(request?.text).toContain(`to ${NAME_PLACEHOLDER}.`);
    expect(request?.text).not.toContain(`to ${generic}.`);
    expect(request?.text).not.toContain(`${generic} already resolves`);
  });

  it("a name that does not resolve to the IP yet: the first step is its A record", () => {
    const report = shape("NO_PTR", {
      helo: {
        name: "mail.example.test",
        fqdn: true,
        addressLiteral: false,
        resolves: false,
        resolvesToIp: false,
        matchesPtr: false,
        lookup: null,
      },
    });
    const request = reportRequest(reportView(report));
    expect(request?.text.split("\n")[0]).toBe(
      "First publish the A record mail.example.test -> 203.0.113.5 (it does not resolve to it now): providers refuse a PTR whose name does not resolve to the IP.",
    );
  });

  it("a name whose A/AAAA could not be asked (a timeout) is said to be unknown, not implied missing", () => {
    const request = requestText({
      ip: "203.0.113.5",
      family: 4,
      name: "mail.example.test",
      resolves: null,
      owner: { zone: null, nameservers: [], contact: null, provider: null, network: null },
    });
    expect(request.text.split("\n")[0]).toBe(
      "First publish the A record mail.example.test -> 203.0.113.5 unless it is there already (whether it resolves to it could not be checked now): providers refuse a PTR whose name does not resolve to the IP.",
    );
  });

  it("a provider with self-service: its procedure instead of a message", () => {
    const request = requestText({
      ip: "203.0.130.5",
      family: 4,
      name: "mail.example.com",
      resolves: true,
      owner: {
        zone: "130.0.203.in-addr.arpa",
        nameservers: [],
        contact: null,
        provider: "hetzner",
        network: null,
      },
    });
    expect(request.selfService).toBe(true);
    expect(request.text).toContain(
      "hcloud server set-rdns <server> --ip 203.0.130.5 --hostname mail.example.com",
    );
  });

  it("no contact in DNS: the RDAP abuse mailbox; none at all: says so", () => {
    const owner = { zone: null, nameservers: [], contact: null, provider: null, network: null };
    const facts = { ip: "203.0.113.5", family: 4 as const, name: "m.example.com", resolves: true };
    expect(
      requestText({
        ...facts,
        owner: { ...owner, network: { name: "N", org: null, abuse: "abuse@n.example", source: "rdap" } },
      }).to,
    ).toBe("abuse@n.example");
    const none = requestText({ ...facts, owner });
    expect(none.to).toBeNull();
    expect(none.text).toContain("no contact found in DNS or RDAP");
  });
});

describe("hostile owner data stays inert", () => {
  const hostile = "<!channel> @everyone \u202eevil\u202c `x` **b** <b>i</b>\u0007";
  const report = shape("NO_PTR", {
    owner: {
      zone: `${hostile}.in-addr.arpa`,
      nameservers: [`ns.${hostile}`],
      contact: `${hostile}@example.net`,
      provider: null,
      network: { name: hostile, org: hostile, abuse: `${hostile}@x.test`, source: "rdap" },
    },
  });
  const out = allText(report);

  it("no bidi override or bell reaches any renderer raw", () => {
    for (const rendered of Object.values(out)) {
      expect(rendered).not.toContain("\u202e");
      expect(rendered).not.toContain("\u0007");
    }
  });

  it("Slack: no live mention; Discord: no live @everyone", () => {
    expect(out.slack).not.toContain("<!channel>");
    expect(out.slack).not.toMatch(/(?<!\u200b)@everyone/);
    expect(out.discord).not.toMatch(/@everyone/);
  });
});

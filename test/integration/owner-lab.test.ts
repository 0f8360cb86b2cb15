// The owner section against the lab: reverse zones whose SOA and NS name real providers' servers
// (the lab's Knot answers for them), the RFC 2317 child with its own SOA, the delegated IPv6 /64,
// discovery through the resolvers (no extra question), and RDAP from a loopback server, whose
// failures change nothing but the owner section.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { query } from "../../src/check/dns-client.js";
import type { DnsQuestion, DnsTransport } from "../../src/check/dns-types.js";
import { runCheck } from "../../src/check/index.js";
import { OWNER_RDAP_GRACE_MS, OWNER_ZONE_GRACE_MS } from "../../src/check/sections/owner/index.js";
import { createRdapLookup } from "../../src/check/sections/owner/rdap.js";
import type { CheckOptions } from "../../src/check/types.js";
import { type FakeRdap, startFakeRdap } from "../fakes/rdap/server.js";
import { CASES, CHILD_ZONE, OWNER_ZONES } from "../lab/zones.js";

const lab = inject("lab");
const run = promisify(execFile);
let rdap: FakeRdap;

beforeAll(async () => {
  rdap = await startFakeRdap();
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});
afterAll(async () => {
  await rdap.close();
});

const check = (ip: string, options: Partial<CheckOptions> = {}, transport?: DnsTransport) =>
  runCheck(
    {
      ip,
      resolvers: [lab.resolver],
      authorities: [lab.authority, lab.childAuthority],
      timeoutMs: 1500,
      ...options,
    },
    transport === undefined ? {} : { transport },
  );

/** A fresh transport (its own zone cache) that records every question. */
function recording(): { transport: DnsTransport; asked: DnsQuestion[] } {
  const asked: DnsQuestion[] = [];
  return {
    asked,
    transport: (question) => {
      asked.push(question);
      return query(question);
    },
  };
}

describe("owner: reverse zones named by providers' servers", () => {
  it("Hetzner's zone, no PTR: zone, NS, contact, provider, and the fix names Hetzner's procedure", async () => {
    const report = await check(CASES.ownerHetzner);
    expect(report.verdict).toBe("fail");
    expect({ ...report.owner, nameservers: [...report.owner.nameservers].sort() }).toEqual({
      zone: OWNER_ZONES.hetzner.zone,
      nameservers: [...OWNER_ZONES.hetzner.ns].sort(),
      contact: "postmaster@your-server.de",
      provider: "hetzner",
      network: null,
    });
    expect(report.provider).toBe("hetzner");
    expect(report.fixSteps.join(" ")).toContain("hcloud server set-rdns");
  });

  it("AWS's zone: Route 53's servers and mailbox", async () => {
    const report = await check(CASES.ownerAws);
    expect(report.owner).toMatchObject({
      zone: OWNER_ZONES.aws.zone,
      contact: "awsdns-hostmaster@amazon.com",
      provider: "aws",
    });
    expect(report.owner.nameservers.sort()).toEqual([...OWNER_ZONES.aws.ns].sort());
  });

  it("OVH's zone: an escaped dot stays in the contact's local part", async () => {
    const report = await check(CASES.ownerOvh);
    expect(report.owner).toMatchObject({ contact: "first.last@ovh.net", provider: "ovh" });
  });

  it("the RFC 2317 child: its own zone, NS and SOA, not the parent's", async () => {
    const report = await check(CASES.rfc2317);
    expect(report.verdict).toBe("pass");
    expect(report.owner).toMatchObject({
      zone: CHILD_ZONE,
      nameservers: ["child-ns.test"],
      contact: "hostmaster@test",
    });
    const missing = await check(CASES.rfc2317Missing);
    expect(missing.owner.zone).toBe(CHILD_ZONE);
  });

  it("the delegated IPv6 /64: its own SOA and NS (a nibble zone)", async () => {
    const pass = await check(CASES.ownerIpv6);
    expect(pass.verdict).toBe("pass");
    expect(pass.owner).toMatchObject({
      zone: OWNER_ZONES.ipv6.zone,
      contact: "dns@hetzner.com",
      provider: "hetzner",
    });
    expect(pass.owner.nameservers.sort()).toEqual([...OWNER_ZONES.ipv6.ns].sort());
    const missing = await check(CASES.ownerIpv6Missing);
    expect(missing.problems.map((p) => p.code)).toContain("NO_PTR");
    expect(missing.owner.zone).toBe(OWNER_ZONES.ipv6.zone);
  });

  it("a non-public address: an empty owner, no question", async () => {
    const report = await check("10.1.2.3");
    expect(report.owner).toEqual({
      zone: null,
      nameservers: [],
      contact: null,
      provider: null,
      network: null,
    });
  });
});

describe("owner: what it costs", () => {
  it("discovered through the resolvers: no question beyond the PTR work's, for a negative and a positive answer", async () => {
    for (const ip of [CASES.nxdomain, CASES.pass]) {
      const { transport, asked } = recording();
      // The lab's NS are on loopback, asked only when the check is told to (issue 28).
      const report = await check(
        ip,
        { authorities: [], authorityPort: lab.authorityPort, askNonPublicNameServers: true },
        transport,
      );
      expect(report.owner).toMatchObject({
        zone: "113.0.203.in-addr.arpa",
        nameservers: ["ns.test"],
        contact: "hostmaster@test",
      });
      // Discovery's SOA and NS at the resolver, and the SOA the authority work asks beside the
      // PTR (its serial); the owner asked nothing of its own.
      const soa = asked.filter((q) => q.type === "SOA");
      expect(soa.filter((q) => q.recursion).map((q) => q.server)).toEqual([lab.resolver]);
      expect(soa.filter((q) => !q.recursion).map((q) => q.name)).toEqual([report.reverseName]);
      expect(asked.filter((q) => q.type === "NS").map((q) => q.recursion)).toEqual([true]);
    }
  });

  it("discovered NS at non-public addresses are never asked: the owner reads discovery's NS and SOA", async () => {
    for (const ip of [CASES.nxdomain, CASES.pass]) {
      const { transport, asked } = recording();
      const report = await check(ip, { authorities: [], authorityPort: lab.authorityPort }, transport);
      expect(report.authority?.notAsked?.map((entry) => entry.nameServer)).toEqual(["ns.test"]);
      expect(report.owner).toMatchObject({
        zone: "113.0.203.in-addr.arpa",
        nameservers: ["ns.test"],
        contact: "hostmaster@test",
      });
      // Only the resolver is asked (RD=1): nothing goes to the NS's loopback address, and the
      // owner asks nothing of its own beyond discovery's SOA and NS.
      expect(asked.every((q) => q.server === lab.resolver && q.recursion)).toBe(true);
      expect(asked.filter((q) => q.type === "SOA" || q.type === "NS").map((q) => q.type)).toEqual([
        "SOA",
        "NS",
      ]);
    }
  });

  it("an NS answer that is late does not hold the check: after OWNER_ZONE_GRACE_MS the owner keeps what the PTR work saw", async () => {
    // The NS waits 3 s (a sweep's --qps queue, a slow server); the deadline would allow it.
    const transport: DnsTransport = async (question) => {
      if (question.type === "NS") await new Promise((resolve) => setTimeout(resolve, 3000));
      return query(question);
    };
    const started = performance.now();
    const report = await check(CASES.nxdomain, { authorities: [lab.authority], deadlineMs: 6000 }, transport);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(OWNER_ZONE_GRACE_MS - 50);
    expect(elapsed).toBeLessThan(2500);
    expect(report.verdict).toBe("fail");
    // The zone and its contact came with the PTR work's SOA; the NS is left out, never invented.
    expect(report.owner).toMatchObject({
      zone: "113.0.203.in-addr.arpa",
      nameservers: [],
      contact: "hostmaster@test",
    });
  });

  it("listed authorities: the SOA of the reverse name goes out with the PTR, the NS with the forward lookups", async () => {
    for (const ip of [CASES.ownerHetzner, CASES.pass]) {
      const { transport, asked } = recording();
      const report = await check(ip, { authorities: [lab.authority] }, transport);
      expect(report.owner.contact).not.toBeNull();
      expect(report.owner.nameservers.length).toBeGreaterThan(0);
      // The SOA the authority work asks beside the PTR (its serial) names the zone and its
      // contact; the owner's only question is the NS (second round).
      expect(asked.filter((q) => q.type === "SOA").map((q) => q.name)).toEqual([report.reverseName]);
      expect(asked.filter((q) => q.type === "NS").map((q) => q.name)).toEqual([report.owner.zone]);
    }
  });
});

describe("owner: RDAP from a loopback server", () => {
  it("the network of an IPv4 and an IPv6 address", async () => {
    const rdapLookup = createRdapLookup({ baseUrl: rdap.base("ok") });
    const v4 = await check(CASES.ownerHetzner, { rdap: rdapLookup });
    expect(v4.owner.network).toEqual({
      name: "HETZNER-LAB",
      org: "Hetzner Online GmbH",
      abuse: "abuse@hetzner.com",
      source: "rdap",
    });
    const v6 = await check(CASES.ownerIpv6, { rdap: rdapLookup });
    expect(v6.owner.network?.name).toBe("HETZNER-LAB-V6");
  });

  it.each(["slow", "notfound", "ratelimited", "huge", "malformed", "redirect-off"] as const)(
    "%s: the verdict, problems and fix are those of RDAP off; only the network is missing",
    async (mode) => {
      // One clock for both, so the "clears by" times in the fix compare.
      const now = () => new Date("2026-12-07T10:00:00Z");
      // A short deadline where the wait is the point (slow); elsewhere room for a loaded machine.
      const deadlineMs = mode === "slow" ? 1500 : 4000;
      const off = await check(CASES.ownerHetzner, { deadlineMs, now });
      const started = performance.now();
      const bad = await check(CASES.ownerHetzner, {
        deadlineMs,
        now,
        rdap: createRdapLookup({ baseUrl: rdap.base(mode) }),
      });
      expect(performance.now() - started).toBeLessThan(deadlineMs + 300);
      expect(bad.verdict).toBe(off.verdict);
      expect(bad.problems).toEqual(off.problems);
      expect(bad.fixSteps).toEqual(off.fixSteps);
      expect(bad.owner).toEqual(off.owner);
    },
  );
  it("a silent RDAP server holds the check at most OWNER_RDAP_GRACE_MS after the PTR work, not its whole deadline", async () => {
    const deadlineMs = 6000;
    const started = performance.now();
    const report = await check(CASES.ownerHetzner, {
      deadlineMs,
      rdap: createRdapLookup({ baseUrl: rdap.base("slow") }),
    });
    const took = performance.now() - started;
    expect(report.owner.network).toBeNull();
    expect(report.owner.zone).not.toBeNull();
    // The PTR work against the lab takes milliseconds; the grace is 2 s; the deadline 6 s.
    expect(took).toBeLessThan(OWNER_RDAP_GRACE_MS + 1500);
  });
});

describe("rdns ticket (built CLI) against the lab", () => {
  const rdns = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run("node", ["bin/rdns.js", ...args], {
        env: { ...process.env, RESOLVERS: "", AUTHORITIES: "", RDAP: "off", ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const servers = ["--resolver", lab.resolver, "--authority", lab.authority];

  it("a message to the zone's contact, saying the A record comes first", async () => {
    const { code, stdout } = await rdns(["ticket", CASES.nxdomain, "mail.example.test", ...servers]);
    expect(code).toBe(0);
    expect(stdout).toContain("To: hostmaster@test");
    expect(stdout).toContain("First publish the A record mail.example.test -> 203.0.113.11");
    expect(stdout).toContain("please set the PTR (reverse DNS) record of 203.0.113.11 to mail.example.test.");
  });

  it("--json: a name that resolves, to the IP, with RDAP's abuse contact", async () => {
    const { code, stdout } = await rdns(["ticket", CASES.pass, "smtp.example.test", ...servers, "--json"], {
      RDAP: "on",
      RDAP_URL: rdap.base("ok"),
    });
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      ip: CASES.pass,
      name: "smtp.example.test",
      resolves: true,
      to: "hostmaster@test",
    });
    expect(out.owner.network).toMatchObject({ name: "EXAMPLE-NET", abuse: "abuse@example.net" });
    expect(out.text).toContain("smtp.example.test already resolves to 203.0.113.10");
  });

  it("a provider with self-service: its procedure", async () => {
    const { code, stdout } = await rdns([
      "ticket",
      CASES.ownerHetzner,
      "mail.example.test",
      ...servers,
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ selfService: true, provider: "hetzner", to: null });
  });

  it("bad input: exit 64 and one line", async () => {
    const { code, stderr } = await rdns(["ticket", CASES.nxdomain, "not a name"]);
    expect(code).toBe(64);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});

// Fix guidance: each provider's own PTR procedure, and the order of the steps.
import { describe, expect, it } from "vitest";
import { buildFixSteps, type FixStepsInput, setPtrInstruction } from "../../../src/check/fixes.js";
import type { ProviderId } from "../../../src/check/providers.js";
import type { ProblemCode } from "../../../src/check/types.js";

const IP = "203.0.113.5";

describe("setPtrInstruction", () => {
  const expected: Record<ProviderId, RegExp> = {
    aws: /aws ec2 modify-address-attribute --allocation-id <eipalloc-id> --domain-name mail\.example\.test/,
    azure: /reverseFqdn.*--reverse-fqdn mail\.example\.test\..*must already resolve to 203\.0\.113\.5/,
    gcp: /--public-ptr --public-ptr-domain=mail\.example\.test\./,
    hetzner: /hcloud server set-rdns <server> --ip 203\.0\.113\.5 --hostname mail\.example\.test/,
    digitalocean: /rename the Droplet to mail\.example\.test/,
    linode: /linode-cli linodes ip-update <linode-id> 203\.0\.113\.5 --rdns mail\.example\.test/,
    ovh: /POST \/ip\/\{ip\}\/reverse/,
    vultr:
      /vultr-cli instance reverse-dns set-ipv4 <instance-id> 203\.0\.113\.5 -e mail\.example\.test.*6-12 hours/,
    contabo: /ask Contabo .* set the PTR of 203\.0\.113\.5 to mail\.example\.test/,
    scaleway: /reverse DNS to mail\.example\.test.*already pointing at 203\.0\.113\.5/,
    ionos:
      /reverserecords` with name mail\.example\.test and ip 203\.0\.113\.5; the A record must exist first/,
    oracle: /support request .* 203\.0\.113\.5 .* mail\.example\.test/,
    alibaba: /ticket .* 203\.0\.113\.5 .* mail\.example\.test/,
    upcloud: /set the PTR of 203\.0\.113\.5 to mail\.example\.test/,
    leaseweb: /ask Leaseweb .* 203\.0\.113\.5 to mail\.example\.test/,
    hostinger: /ask Hostinger .* 203\.0\.113\.5 to mail\.example\.test/,
  };
  for (const [provider, pattern] of Object.entries(expected) as Array<[ProviderId, RegExp]>) {
    it(`names ${provider}'s own procedure`, () => {
      expect(setPtrInstruction({ ip: IP, family: 4, provider, intendedName: "mail.example.test" })).toMatch(
        pattern,
      );
    });
  }

  it("asks whoever assigned the IP when the provider is unknown", () => {
    expect(setPtrInstruction({ ip: IP, family: 4, provider: null, intendedName: null })).toBe(
      "Ask whoever assigned you 203.0.113.5 (your hosting provider or ISP) to set its PTR to mail.<your-domain>; only the IP's owner can.",
    );
  });
});

describe("buildFixSteps", () => {
  const base: Omit<FixStepsInput, "codes"> = {
    ctx: { ip: IP, family: 4, provider: "aws", intendedName: "mail.example.test" },
    ptrNames: [],
    blocklists: [],
    intendedConfirms: false,
    helo: null,
    smtp: null,
    negativeCache: { ttl: 5, clearsBy: "2026-11-27T12:00:05Z" },
    positiveTtl: null,
    failedServers: [],
    inconclusive: false,
  };
  const steps = (codes: ProblemCode[], extra: Partial<Omit<FixStepsInput, "codes">> = {}) =>
    buildFixSteps({ ...base, ...extra, codes: new Set(codes) });

  it("orders A record, PTR, HELO, wait", () => {
    const result = steps(["NO_PTR", "HELO_MISMATCH"]);
    expect(result).toHaveLength(4);
    expect(result[0]).toMatch(/^Create \(or correct\) the A record mail\.example\.test -> 203\.0\.113\.5/);
    expect(result[1]).toMatch(/^Set the PTR of 203\.0\.113\.5 to mail\.example\.test\. On AWS/);
    expect(result[2]).toMatch(/^Make the server announce HELO\/EHLO mail\.example\.test/);
    expect(result[3]).toMatch(/^Then wait/);
  });

  it("skips the A record when the name already resolves to the IP, and uses AAAA for IPv6", () => {
    expect(steps(["NO_PTR"], { intendedConfirms: true })[0]).toMatch(/^Set the PTR/);
    const v6 = buildFixSteps({
      ...base,
      ctx: { ...base.ctx, ip: "2001:db8::25", family: 6 },
      codes: new Set(["NO_PTR"]),
    });
    expect(v6[0]).toContain("AAAA record mail.example.test -> 2001:db8::25");
  });

  it("has nothing to do on a clean pass", () => {
    expect(steps([], { negativeCache: null })).toEqual([]);
  });
});

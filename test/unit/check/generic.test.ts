// Generic-name detection: names receivers take for end-user space, and the traps that are not.
import { describe, expect, it } from "vitest";
import { detectGenericName } from "../../../src/check/generic.js";
import { detectProvider, providerDefaultName } from "../../../src/check/providers.js";

const IP = "203.0.113.5";

describe("detectGenericName: generic", () => {
  const generic: Array<[string, string, RegExp]> = [
    ["203-0-113-5.dynamic.isp.example", IP, /dynamic/],
    ["5.113.0.203.dsl.isp.example", IP, /whole address/],
    ["dhcp-113-5.isp.example", IP, /dhcp/],
    ["ppp123.isp.example", IP, /ppp/],
    ["pool-203-0-113-5.isp.example", IP, /pool/],
    ["cpe-203-0-113-5.cable.isp.example", IP, /cpe/],
    ["host-113-5.isp.example", IP, /last two octets \(113-5\)/],
    ["ip203-0-113-5.isp.example", IP, /whole address/],
    ["static.5.113.0.203.clients.your-server.de", IP, /Hetzner/],
    ["203-0-113-5.ip.linodeusercontent.com", IP, /Linode/],
    ["ec2-203-0-113-5.compute-1.amazonaws.com", IP, /AWS/],
    ["ip-10-0-0-5.eu-west-1.compute.amazonaws.com", IP, /AWS/],
    ["5.113.0.203.bc.googleusercontent.com", IP, /Google Cloud/],
    ["203.0.113.5.vultrusercontent.com", IP, /Vultr/],
    ["ns3012345.ip-203-0-113.eu", IP, /OVH/],
    ["vps-1a2b3c4d.vps.ovh.net", IP, /OVH/],
    ["ubuntu-s-1vcpu-1gb-fra1-01", IP, /DigitalOcean/],
    ["localhost", IP, /single label/],
    ["203.0.113.5", IP, /an address, not a host name/],
    ["cm42.isp.example", IP, /cm42/],
    ["user-host.isp.example", IP, /host/],
  ];
  for (const [name, ip, reason] of generic) {
    it(`flags ${name}`, () => {
      const result = detectGenericName(name, ip);
      expect(result.generic).toBe(true);
      expect(result.reasons.join(" | ")).toMatch(reason);
    });
  }

  it("finds the address in hex", () => {
    // 203.0.113.5 = cb007105
    const result = detectGenericName("cb007105.isp.example", IP);
    expect(result).toMatchObject({ generic: true });
    expect(result.reasons[0]).toContain("hex (cb007105)");
  });

  it("finds zero-padded octets", () => {
    expect(detectGenericName("host203000113005.isp.example", IP).generic).toBe(true);
    expect(detectGenericName("203-000-113-005.isp.example", IP).generic).toBe(true);
  });

  it("flags static-with-IP names but explains the SpamAssassin exemption", () => {
    const result = detectGenericName("static-203-0-113-5.isp.example", IP);
    expect(result.generic).toBe(true);
    expect(result.reasons.join(" ")).toContain("SpamAssassin exempts that, rspamd does not");
    expect(result.reasons.join(" ")).toContain("Yahoo");
  });
});

describe("detectGenericName: not generic", () => {
  const clean = [
    "mail.example.test",
    "smtp1.example.com",
    "mx.example.co.uk",
    "outbound-mail.example.com",
    "mail.generaldynamics.com", // "dynamic" inside a word is not a token
    "dynamics.example.com", // "dynamics" is not "dynamic"
    "poolside.example.com",
    "national.example.com", // "nat" inside a word
    "cablecompany.example", // "cable" inside a word
    "mail.dsl-provider.example", // the token is in the organisational domain, not the host part
    "vps1.example.com", // one weak token (weight 1) is not enough
    "mail-113-5.example.com", // mail exemption (SpamAssassin) for IP-in-name
    "mx1-2.example.com", // two single-digit octets are too weak a match (192.0.1.2)
    "mo123.mail-out.ovh.net", // OVH's own outbound relays
    "example.com",
    "cm.example.com", // "cm" without digits is not the cable-modem token
  ];
  for (const name of clean) {
    it(`does not flag ${name}`, () => {
      const ip = name.startsWith("mx1-2") ? "192.0.1.2" : IP;
      expect(detectGenericName(name, ip).generic).toBe(false);
    });
  }

  it("does not treat an unrelated number as the IP", () => {
    expect(detectGenericName("web-42-7.example.com", IP).generic).toBe(false);
  });

  it("keeps the exemption note when it decides", () => {
    const result = detectGenericName("smtp-203-0-113-5.example.com", IP);
    expect(result.generic).toBe(false);
    expect(result.reasons.join(" ")).toContain("exempts");
  });

  it("does not look for IPv4 octets in IPv6 checks", () => {
    expect(detectGenericName("mail-2001-db8.example.com", "2001:db8::25").generic).toBe(false);
  });
});

describe("providers", () => {
  it("recognises providers from names", () => {
    expect(detectProvider(["ec2-203-0-113-5.compute-1.amazonaws.com"])).toBe("aws");
    expect(detectProvider(["myvm.westeurope.cloudapp.azure.com"])).toBe("azure");
    expect(detectProvider(["5.113.0.203.bc.googleusercontent.com"])).toBe("gcp");
    expect(detectProvider(["static.5.113.0.203.clients.your-server.de"])).toBe("hetzner");
    expect(detectProvider(["ns1.digitalocean.com"])).toBe("digitalocean");
    // A customer's name with a provider's word in it is not the provider's (providers.test.ts).
    expect(detectProvider(["droplet.digitalocean.example"])).toBeNull();
    expect(detectProvider(["203-0-113-5.ip.linodeusercontent.com"])).toBe("linode");
    expect(detectProvider(["ns1.ip-203-0-113.eu"])).toBe("ovh");
    expect(detectProvider(["203.0.113.5.vultrusercontent.com"])).toBe("vultr");
    expect(detectProvider(["mail.example.test"])).toBeNull();
    expect(detectProvider(["mail.linodes-fan.example"])).toBeNull();
  });

  it("knows a provider default from a customer's name at the same provider", () => {
    expect(providerDefaultName("mail.example.test")).toBeNull();
    expect(providerDefaultName("static.1.2.3.4.clients.your-server.de")).toContain("Hetzner");
  });
});

// The owner section's pure parts: the SOA RNAME as an e-mail address (RFC 1035 3.3.13, an escaped
// dot kept in the local part) and the provider its zone's names reveal.
import { describe, expect, it } from "vitest";
import { detectProvider } from "../../../../src/check/providers.js";
import { analyseOwner } from "../../../../src/check/sections/owner/analyse.js";
import { rnameToEmail } from "../../../../src/check/sections/owner/contact.js";

describe("rnameToEmail", () => {
  it.each([
    ["hostmaster.example.net", "hostmaster@example.net"],
    ["hostmaster.example.net.", "hostmaster@example.net"],
    ["first\\.last.example.net", "first.last@example.net"],
    ["a\\.b\\.c.ovh.net", "a.b.c@ovh.net"],
  ])("%s -> %s", (rname, email) => {
    expect(rnameToEmail(rname)).toBe(email);
  });

  it("a one-label RNAME is no mailbox", () => {
    expect(rnameToEmail("root")).toBeNull();
    expect(rnameToEmail("")).toBeNull();
  });
});

describe("providers from the reverse zone's names", () => {
  it.each([
    ["ns-1146.awsdns-15.org", "aws"],
    ["ns1-09.azure-dns.com", "azure"],
    ["ns1.your-server.de", "hetzner"],
    ["hydrogen.ns.hetzner.com", "hetzner"],
    ["dns10.ovh.net", "ovh"],
    ["ns1.linode.com", "linode"],
    ["ns1.digitalocean.com", "digitalocean"],
    ["ns1.contabo.net", "contabo"],
    ["ns0.online.net", "scaleway"],
    ["ns1045.ui-dns.com", "ionos"],
    ["ns1.oraclecloud.net", "oracle"],
    ["ns1.alibabadns.com", "alibaba"],
    ["ns1.upcloud.com", "upcloud"],
    ["ns1.leaseweb.net", "leaseweb"],
    ["ns1.dns-parking.com", "hostinger"],
    ["ns1.vultr.com", "vultr"],
  ])("%s -> %s", (name, id) => {
    expect(detectProvider([name])).toBe(id);
  });

  it("nothing for a name of nobody's", () => {
    expect(detectProvider(["ns1.example.net"])).toBeNull();
  });
});

describe("analyseOwner", () => {
  it("prefers the zone's servers to the PTR names, and writes the contact as an address", () => {
    const report = analyseOwner(
      {
        zone: "130.0.203.in-addr.arpa",
        nameservers: ["ns1.your-server.de"],
        soa: { mname: "ns1.your-server.de", rname: "postmaster.your-server.de" },
      },
      null,
      ["ec2-203-0-130-5.compute-1.amazonaws.com"],
    );
    expect(report).toEqual({
      zone: "130.0.203.in-addr.arpa",
      nameservers: ["ns1.your-server.de"],
      contact: "postmaster@your-server.de",
      provider: "hetzner",
      network: null,
    });
  });

  it("falls back to the PTR names when the zone's names reveal no one", () => {
    const report = analyseOwner({ zone: null, nameservers: [], soa: null }, null, ["x.vultrusercontent.com"]);
    expect(report.provider).toBe("vultr");
  });
});

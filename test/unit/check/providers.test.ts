// Provider recognition (src/check/providers.ts) is by the providers' own domains only: a
// customer's name that merely contains a provider's word (mail.azure-consulting.de) must not get
// that provider's self-service steps in its ticket. For every provider, names it really uses
// (NS hosts, SOA contacts, default PTR names) and look-alikes it does not own.
import { describe, expect, it } from "vitest";
import { detectProvider, PROVIDERS, type ProviderId } from "../../../src/check/providers.js";

const CASES: Record<ProviderId, { theirs: string[]; notTheirs: string[] }> = {
  aws: {
    theirs: ["ec2-203-0-113-5.compute-1.amazonaws.com", "ns-1146.awsdns-15.org", "ns-975.awsdns-57.co.uk"],
    notTheirs: [
      "mail.amazonaws.com.example.net",
      "mail.notamazonaws.com",
      "aws.example.com",
      "mail.aws-shop.de",
    ],
  },
  azure: {
    theirs: ["myvm.westeurope.cloudapp.azure.com", "legacy.cloudapp.net", "ns1-09.azure-dns.com"],
    notTheirs: ["mail.azure-consulting.de", "azure.example.com", "mx.azure.io", "mail.myazure-dns.com"],
  },
  gcp: {
    theirs: ["5.113.0.203.bc.googleusercontent.com", "ns-cloud-a1.googledomains.com"],
    notTheirs: ["mail.google-user-content.example", "gcp.example.com", "mail.notgoogleusercontent.com"],
  },
  hetzner: {
    theirs: [
      "static.5.113.0.203.clients.your-server.de",
      "ns1.your-server.de",
      "hydrogen.ns.hetzner.com",
      "helium.ns.hetzner.de",
      "ns.second-ns.com",
      "ns3.second-ns.de",
      "ns1.first-ns.de",
    ],
    notTheirs: ["mail.hetzner-fan.de", "hetzner.example.com", "mail.my-your-server.de", "mx.hetzner.io"],
  },
  digitalocean: {
    theirs: ["ns1.digitalocean.com", "ns3.digitalocean.com"],
    notTheirs: ["droplet.digitalocean.example", "mail.digitalocean-agency.com", "digitalocean.example.org"],
  },
  linode: {
    theirs: ["203-0-113-5.ip.linodeusercontent.com", "li123-45.members.linode.com", "ns1.linode.com"],
    notTheirs: [
      "mail.linodes-fan.example",
      "mail.linode-backup.net",
      "akamai.example.com",
      "mail.akamai-partner.de",
    ],
  },
  ovh: {
    theirs: [
      "dns10.ovh.net",
      "ns10.ovh.net",
      "ip5.ip-203-0-132.eu",
      "vps-1a2b3c4d.vps.ovh.ca",
      "ns1.ip-203-0-113.eu",
    ],
    notTheirs: ["mail.ovh-fans.example", "ovh.example.com", "mail.myovh.net", "ip-1-2-3.example.com"],
  },
  vultr: {
    theirs: ["203.0.113.5.vultrusercontent.com", "ns1.vultr.com"],
    notTheirs: ["mail.vultr-hosting.de", "vultr.example.com", "mail.notvultr.com"],
  },
  contabo: {
    theirs: ["ns1.contabo.net", "vmi123.contaboserver.net"],
    notTheirs: ["mail.contabo-kunde.de", "contabo.example.com"],
  },
  scaleway: {
    theirs: ["ns0.online.net", "ns0.dom.scw.cloud", "x.scaleway.com"],
    notTheirs: ["mail.scaleway-partner.fr", "scaleway.example.com"],
  },
  ionos: {
    theirs: ["ns1045.ui-dns.com", "ns1.ionos.de", "x.1and1.com"],
    notTheirs: ["mail.ionos-reseller.de", "ionos.example.com", "mail.myui-dns.com"],
  },
  oracle: {
    theirs: ["ns1.oraclecloud.net", "x.oraclevcn.com"],
    notTheirs: ["mail.oracle-consulting.de", "oracle.example.com"],
  },
  alibaba: {
    theirs: ["ns1.alibabadns.com", "dns9.hichina.com.alidns.com", "x.aliyun.com"],
    notTheirs: ["mail.alibaba-trade.example", "aliyun.example.com"],
  },
  upcloud: {
    theirs: ["ns1.upcloud.com", "x.upcloud.host"],
    notTheirs: ["mail.upcloud-fan.de", "upcloud.example.com"],
  },
  leaseweb: {
    theirs: ["ns1.leaseweb.net", "x.leaseweb.nl"],
    notTheirs: ["mail.leaseweb-customer.de", "leaseweb.example.com"],
  },
  hostinger: {
    theirs: ["ns1.dns-parking.com", "x.hostinger.com"],
    notTheirs: ["mail.hostinger-tips.example", "hostinger.example.com"],
  },
};

describe("providers are recognised by their own domains only", () => {
  it("covers every provider", () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(PROVIDERS).sort());
  });

  for (const [id, { theirs, notTheirs }] of Object.entries(CASES)) {
    it(`${id}: its names match`, () => {
      for (const name of theirs) expect(detectProvider([name]), name).toBe(id);
      // Case and a trailing dot as DNS gives them.
      expect(detectProvider([`${theirs[0]?.toUpperCase()}.`])).toBe(id);
    });

    it(`${id}: names that only contain its word do not`, () => {
      for (const name of notTheirs) expect(detectProvider([name]), name).toBeNull();
    });
  }
});

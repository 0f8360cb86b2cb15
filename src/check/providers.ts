// Hosting providers recognised from reverse-DNS names, and how each one sets a PTR.
//
// Exports:
//   type ProviderId                the 16 ids of docs/cli.md ("aws" ... "hostinger")
//   PROVIDERS                      label and PTR procedure of each (docs/sources.md "Setting a PTR, by provider")
//   detectProvider(names)          the provider a set of names (PTR names, CNAMEs) reveals, or null
//   providerDefaultName(name)      a description when the name is a provider's default PTR, else null
//
// Only names are used: PTR names, and the reverse zone's NS and SOA names (the owner section),
// so an IP whose PTR is missing still reveals the provider that runs its reverse zone. The name
// patterns are the providers' own DNS names (NS hosts, default PTR domains) as they appear in DNS;
// the procedures cite the provider's page where one was read, and say so where none was found.

import { normaliseName } from "./name-parts.js";

export type ProviderId =
  | "aws"
  | "azure"
  | "gcp"
  | "hetzner"
  | "digitalocean"
  | "linode"
  | "ovh"
  | "vultr"
  | "contabo"
  | "scaleway"
  | "ionos"
  | "oracle"
  | "alibaba"
  | "upcloud"
  | "leaseweb"
  | "hostinger";

export interface ProviderInfo {
  label: string;
  /** How to set the PTR, one sentence; `<ip>` and `<name>` are replaced by the caller. */
  setPtr: string;
  /** The customer sets the PTR (panel, API, CLI); false: a request to the provider is the way. */
  selfService: boolean;
}

export const PROVIDERS: Record<ProviderId, ProviderInfo> = {
  aws: {
    label: "AWS EC2",
    selfService: true,
    setPtr:
      'On AWS, only Elastic IPs take a PTR: console "Update reverse DNS", or `aws ec2 modify-address-attribute --allocation-id <eipalloc-id> --domain-name <name>` (the A record must exist first; port 25 limits are lifted through the "remove email sending limitations" request).',
  },
  azure: {
    label: "Azure",
    selfService: true,
    setPtr:
      "On Azure, set the public IP's `dnsSettings.reverseFqdn` to <name> (`az network public-ip update -g <group> -n <public-ip-name> --reverse-fqdn <name>.`, PowerShell or ARM); <name> must already resolve to <ip>, it is validated when set.",
  },
  gcp: {
    label: "Google Cloud",
    selfService: true,
    setPtr:
      "On Google Cloud, set the instance's public PTR: `gcloud compute instances update-access-config <instance> --public-ptr --public-ptr-domain=<name>.` (primary interface only).",
  },
  hetzner: {
    label: "Hetzner",
    selfService: true,
    setPtr:
      "On Hetzner Cloud: `hcloud server set-rdns <server> --ip <ip> --hostname <name>` (dedicated servers: Robot, IPs, reverse DNS).",
  },
  digitalocean: {
    label: "DigitalOcean",
    selfService: true,
    setPtr:
      "On DigitalOcean the PTR follows the Droplet's name: rename the Droplet to <name> (IPv6: first address only).",
  },
  linode: {
    label: "Linode / Akamai",
    selfService: true,
    setPtr:
      "On Linode/Akamai: Cloud Manager, Network, Edit RDNS, or `linode-cli linodes ip-update <linode-id> <ip> --rdns <name>` (the A/AAAA must resolve at that moment).",
  },
  ovh: {
    label: "OVHcloud",
    selfService: true,
    setPtr: 'On OVHcloud: control panel, IP, "Modify reverse", or the API `POST /ip/{ip}/reverse` for <ip>.',
  },
  vultr: {
    label: "Vultr",
    selfService: true,
    setPtr:
      "On Vultr: instance Settings, IPv4/IPv6, Reverse DNS, or `vultr-cli instance reverse-dns set-ipv4 <instance-id> <ip> -e <name>` (Vultr says it may take 6-12 hours).",
  },
  // No Contabo page on setting a PTR was found here (no internet; the search corpus holds only
  // its reseller platform's docs, docs.contaboreseller.com/dns-resellerclub.html, about forward
  // records): no procedure is claimed.
  contabo: {
    label: "Contabo",
    selfService: false,
    setPtr:
      "On Contabo, ask Contabo (customer panel or support) to set the PTR of <ip> to <name>; publish the A/AAAA record first.",
  },
  // Scaleway's own documentation was not found here; the Scaleway provider's reference
  // (https://www.pulumi.com/registry/packages/scaleway/api-docs/instance/ipreversedns, read)
  // shows an Instance IP's reverse set through the API (`reverse` on the IP), its example
  // creating the A record first. Elastic Metal flexible IPs carry a `reverse` too
  // (https://www.pulumi.com/registry/packages/scaleway/api-docs/elasticmetal/ip).
  scaleway: {
    label: "Scaleway",
    selfService: true,
    setPtr:
      "On Scaleway, set the IP's reverse DNS to <name> (console: the Instance's or flexible IP's reverse DNS; API: the IP's `reverse` field), with <name>'s A/AAAA already pointing at <ip>.",
  },
  // https://docs.ionos.com/cloud/network-services/cloud-dns/api-how-tos/create-and-manage-reverse-dns
  // (read): "Before creating a Reverse DNS record, you must create an A record"; POST
  // /reverserecords with the name and the IP; IPv4 from a reserved IP block only; IPv6 inside the
  // VDC's /56. Also https://docs.ionos.com/cloud/network-services/cloud-dns/dcd-how-tos/reverse-dns.
  ionos: {
    label: "IONOS",
    selfService: true,
    setPtr:
      "On IONOS Cloud: Cloud DNS, Reverse DNS (DCD), or the API `POST https://dns.de-fra.ionos.com/reverserecords` with name <name> and ip <ip>; the A record must exist first, and an IPv4 address must be a reserved one.",
  },
  // No Oracle Cloud page on PTRs was found here (the search corpus returned only its forward DNS
  // and Email Delivery pages): no procedure is claimed.
  oracle: {
    label: "Oracle Cloud",
    selfService: false,
    setPtr:
      "On Oracle Cloud, open a support request asking for the PTR of <ip> to be set to <name>; publish the A/AAAA record first.",
  },
  // No Alibaba Cloud page on PTRs was found here: no procedure is claimed.
  alibaba: {
    label: "Alibaba Cloud",
    selfService: false,
    setPtr:
      "On Alibaba Cloud, open a ticket asking for the PTR of <ip> to be set to <name>; publish the A/AAAA record first.",
  },
  // No UpCloud page on PTRs was found here (only https://upcloud.com/blog/domain-name-system, on
  // forward DNS): no procedure is claimed.
  upcloud: {
    label: "UpCloud",
    selfService: false,
    setPtr:
      "On UpCloud, set the PTR of <ip> to <name> where the server's IP addresses are managed, or ask UpCloud's support; publish the A/AAAA record first.",
  },
  // No Leaseweb page on PTRs was found here: no procedure is claimed.
  leaseweb: {
    label: "Leaseweb",
    selfService: false,
    setPtr:
      "On Leaseweb, ask Leaseweb (customer portal or support) to set the PTR of <ip> to <name>; publish the A/AAAA record first.",
  },
  // No Hostinger page on PTRs was found here: no procedure is claimed.
  hostinger: {
    label: "Hostinger",
    selfService: false,
    setPtr:
      "On Hostinger, ask Hostinger (hPanel or support) to set the PTR of <ip> to <name>; publish the A/AAAA record first.",
  },
};

/**
 * The domains each provider's own DNS names live under: its name servers (NS, SOA MNAME), its
 * hostmaster's mailbox (SOA RNAME) and its default PTR names. A name is the provider's only when
 * it is one of these domains or ends in "." plus one: a word alone is not enough, since customers
 * name their own hosts after providers (mail.azure-consulting.de is nobody's at Azure), and the
 * ticket would then hand them another company's self-service steps.
 */
const PROVIDER_DOMAINS: Record<ProviderId, readonly string[]> = {
  // Default PTRs (ec2-X-X-X-X.compute-1.amazonaws.com); Route 53's NS names are matched below.
  aws: ["amazonaws.com"],
  // cloudapp.azure.com (cloudapp.net for classic deployments) holds the names Azure gives public
  // IPs; Azure DNS's name servers are ns1-NN.azure-dns.com/.net/.org/.info.
  azure: [
    "cloudapp.azure.com",
    "cloudapp.net",
    "azure-dns.com",
    "azure-dns.net",
    "azure-dns.org",
    "azure-dns.info",
  ],
  gcp: ["googleusercontent.com", "googledomains.com"],
  // clients.your-server.de default PTRs; robot DNS ns1.your-server.de, ns1.first-ns.de,
  // robotns2.second-ns.de, robotns3.second-ns.com; Hetzner DNS hydrogen/oxygen/helium.ns.hetzner.com/.de.
  hetzner: [
    "your-server.de",
    "first-ns.de",
    "second-ns.de",
    "second-ns.com",
    "hetzner.com",
    "hetzner.de",
    "hetzner.cloud",
  ],
  // A Droplet's PTR is its own name (the customer's); only the name servers are DigitalOcean's.
  digitalocean: ["digitalocean.com"],
  // ip.linodeusercontent.com defaults (members.linode.com before them); ns1-5.linode.com.
  linode: ["linodeusercontent.com", "linode.com"],
  ovh: ["ovh.net", "ovh.ca", "ovh.us"],
  vultr: ["vultrusercontent.com", "vultr.com"],
  contabo: [
    "contabo.net",
    "contabo.com",
    "contabo.de",
    "contaboserver.net",
    "contaboserver.com",
    "contaboserver.de",
  ],
  scaleway: ["scaleway.com", "scw.cloud", "online.net"],
  ionos: [
    "ui-dns.com",
    "ui-dns.de",
    "ui-dns.org",
    "ui-dns.biz",
    "ionos.com",
    "ionos.de",
    "1and1.com",
    "1and1.de",
  ],
  oracle: ["oraclecloud.com", "oraclecloud.net", "oraclevcn.com"],
  alibaba: ["alibabadns.com", "alidns.com", "aliyun.com", "alibabacloud.com"],
  upcloud: ["upcloud.com", "upcloud.host"],
  leaseweb: ["leaseweb.net", "leaseweb.com", "leaseweb.nl", "leaseweb.de"],
  hostinger: ["hostinger.com", "hostinger.io", "dns-parking.com"],
};

/** Providers' names that are a family of registered domains rather than names under one. */
const PROVIDER_PATTERNS: ReadonlyArray<{ id: ProviderId; pattern: RegExp }> = [
  // Route 53 name servers: ns-N.awsdns-NN.com/.net/.org/.co.uk, each awsdns-NN its own domain.
  { id: "aws", pattern: /(^|\.)awsdns-\d+\.(com|net|org|co\.uk)$/ },
  // OVH's default PTR domains: ip-A-B-C.eu (Europe), .net (Canada), .us (US), one per /24.
  { id: "ovh", pattern: /(^|\.)ip-\d{1,3}-\d{1,3}-\d{1,3}\.(eu|net|us)$/ },
];

function underDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

export function detectProvider(names: Iterable<string>): ProviderId | null {
  for (const raw of names) {
    const name = normaliseName(raw);
    for (const [id, domains] of Object.entries(PROVIDER_DOMAINS) as Array<[ProviderId, readonly string[]]>) {
      if (domains.some((domain) => underDomain(name, domain))) return id;
    }
    for (const { id, pattern } of PROVIDER_PATTERNS) {
      if (pattern.test(name)) return id;
    }
  }
  return null;
}

/** Default PTR names a provider hands out before the customer sets one (docs/sources.md "How filters score names"). */
const DEFAULT_NAMES: ReadonlyArray<{ pattern: RegExp; description: string }> = [
  {
    pattern: /(^|\.)your-server\.de$/,
    description: "Hetzner's default name (static.X.X.X.X.clients.your-server.de)",
  },
  {
    pattern: /(^|\.)(ip\.linodeusercontent\.com|members\.linode\.com)$/,
    description: "Linode's default name (*.ip.linodeusercontent.com)",
  },
  {
    pattern: /^ec2-[\d-]+\..*amazonaws\.com$|(^|\.)compute(-\d+)?\.amazonaws\.com$/,
    description: "AWS's default name (ec2-X-X-X-X.compute-1.amazonaws.com / *.compute.amazonaws.com)",
  },
  {
    pattern: /(^|\.)googleusercontent\.com$/,
    description: "Google Cloud's default name (X.X.X.X.bc.googleusercontent.com)",
  },
  { pattern: /(^|\.)vultrusercontent\.com$/, description: "Vultr's default name (*.vultrusercontent.com)" },
  {
    pattern: /(^|\.)ip-\d{1,3}-\d{1,3}-\d{1,3}\.(eu|net|us)$|(^|\.)vps\.ovh\.(net|ca|us)$/,
    description: "OVH's default name (ip-X-X-X.eu / *.vps.ovh.net)",
  },
  {
    pattern: /(^|\.)(cloudapp\.azure\.com|cloudapp\.net)$/,
    description: "a name under Azure's cloudapp domain",
  },
  {
    // DigitalOcean's PTR is the Droplet's name; its suggested names look like this.
    pattern: /^[a-z]+(-[a-z0-9]+)*-s-\d+vcpu-\d+gb(-[a-z0-9]+)*$/,
    description: "DigitalOcean's suggested Droplet name (e.g. ubuntu-s-1vcpu-1gb-fra1-01)",
  },
];

export function providerDefaultName(name: string): string | null {
  const lower = normaliseName(name);
  // OVH's own outbound relays (mo1.mail-out.ovh.net) live under ovh.net too: mail names are not defaults.
  if (/(^|\.)ovh\.(net|ca|us)$/.test(lower) && !/(^|[.-])mail(-out)?([.-]|$)/.test(lower)) {
    return "a name under OVH's ovh.net domain (*.ovh.net)";
  }
  for (const { pattern, description } of DEFAULT_NAMES) {
    if (pattern.test(lower)) return description;
  }
  return null;
}

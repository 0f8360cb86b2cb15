// Hosting providers recognised from reverse-DNS names, and how each one sets a PTR.
//
// Exports:
//   type ProviderId                "aws" | "azure" | "gcp" | "hetzner" | "digitalocean" | "linode" | "ovh" | "vultr"
//   PROVIDERS                      label and PTR procedure of each (docs/sources.md "Setting a PTR, by provider")
//   detectProvider(names)          the provider a set of names (PTR names, CNAMEs) reveals, or null
//   providerDefaultName(name)      a description when the name is a provider's default PTR, else null
//
// Only names are used: the check has no address-to-network table, so an IP whose PTR is missing
// reveals no provider and the fix falls back to "ask whoever assigned you the IP".

import { normaliseName } from "./name-parts.js";

export type ProviderId = "aws" | "azure" | "gcp" | "hetzner" | "digitalocean" | "linode" | "ovh" | "vultr";

export interface ProviderInfo {
  label: string;
  /** How to set the PTR, one sentence; `<ip>` and `<name>` are replaced by the caller. */
  setPtr: string;
}

export const PROVIDERS: Record<ProviderId, ProviderInfo> = {
  aws: {
    label: "AWS EC2",
    setPtr:
      'On AWS, only Elastic IPs take a PTR: console "Update reverse DNS", or `aws ec2 modify-address-attribute --allocation-id <eipalloc-id> --domain-name <name>` (the A record must exist first; port 25 limits are lifted through the "remove email sending limitations" request).',
  },
  azure: {
    label: "Azure",
    setPtr:
      "On Azure, set the public IP's `dnsSettings.reverseFqdn` to <name> (`az network public-ip update -g <group> -n <public-ip-name> --reverse-fqdn <name>.`, PowerShell or ARM); <name> must already resolve to <ip>, it is validated when set.",
  },
  gcp: {
    label: "Google Cloud",
    setPtr:
      "On Google Cloud, set the instance's public PTR: `gcloud compute instances update-access-config <instance> --public-ptr --public-ptr-domain=<name>.` (primary interface only).",
  },
  hetzner: {
    label: "Hetzner",
    setPtr:
      "On Hetzner Cloud: `hcloud server set-rdns <server> --ip <ip> --hostname <name>` (dedicated servers: Robot, IPs, reverse DNS).",
  },
  digitalocean: {
    label: "DigitalOcean",
    setPtr:
      "On DigitalOcean the PTR follows the Droplet's name: rename the Droplet to <name> (IPv6: first address only).",
  },
  linode: {
    label: "Linode / Akamai",
    setPtr:
      "On Linode/Akamai: Cloud Manager, Network, Edit RDNS, or `linode-cli linodes ip-update <linode-id> <ip> --rdns <name>` (the A/AAAA must resolve at that moment).",
  },
  ovh: {
    label: "OVHcloud",
    setPtr: 'On OVHcloud: control panel, IP, "Modify reverse", or the API `POST /ip/{ip}/reverse` for <ip>.',
  },
  vultr: {
    label: "Vultr",
    setPtr:
      "On Vultr: instance Settings, IPv4/IPv6, Reverse DNS, or `vultr-cli instance reverse-dns set-ipv4 <instance-id> <ip> -e <name>` (Vultr says it may take 6-12 hours).",
  },
};

/** Name patterns per provider; words matched at label/dash boundaries. */
const PROVIDER_PATTERNS: ReadonlyArray<{ id: ProviderId; pattern: RegExp }> = [
  { id: "aws", pattern: /(^|\.)amazonaws\.com$/ },
  { id: "azure", pattern: /(^|\.)(cloudapp\.azure\.com|cloudapp\.net)$|(^|[.-])azure([.-]|$)/ },
  { id: "gcp", pattern: /(^|\.)googleusercontent\.com$/ },
  { id: "hetzner", pattern: /(^|\.)your-server\.de$|(^|[.-])hetzner([.-]|$)/ },
  { id: "digitalocean", pattern: /(^|[.-])digitalocean([.-]|$)/ },
  { id: "linode", pattern: /(^|\.)linodeusercontent\.com$|(^|[.-])(linode|akamai)([.-]|$)/ },
  { id: "ovh", pattern: /(^|\.)ovh\.(net|ca|us)$|(^|\.)ip-\d{1,3}-\d{1,3}-\d{1,3}\.(eu|net|us)$/ },
  { id: "vultr", pattern: /(^|\.)vultrusercontent\.com$|(^|[.-])vultr([.-]|$)/ },
];

export function detectProvider(names: Iterable<string>): ProviderId | null {
  for (const raw of names) {
    const name = normaliseName(raw);
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

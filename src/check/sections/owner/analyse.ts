// The owner report from what was asked (pure): the SOA RNAME as an e-mail address and the
// provider the zone's NS and SOA names reveal (the operator of the reverse zone), else the PTR
// names' (src/check/providers.ts).
import { detectProvider } from "../../providers.js";
import type { OwnerNetwork, OwnerReport } from "../../types.js";
import { rnameToEmail } from "./contact.js";
import type { OwnerZone } from "./zone.js";

export function analyseOwner(zone: OwnerZone, network: OwnerNetwork | null, ptrNames: string[]): OwnerReport {
  const contact = zone.soa === null ? null : rnameToEmail(zone.soa.rname);
  const contactDomain = contact === null ? [] : [contact.slice(contact.lastIndexOf("@") + 1)];
  const provider =
    detectProvider([...zone.nameservers, ...(zone.soa === null ? [] : [zone.soa.mname]), ...contactDomain]) ??
    detectProvider(ptrNames);
  return { zone: zone.zone, nameservers: zone.nameservers, contact, provider, network };
}

/** The owner of a report that asked nothing (a non-public address). */
export const NO_OWNER: OwnerReport = {
  zone: null,
  nameservers: [],
  contact: null,
  provider: null,
  network: null,
};

// The request to the IP's owner ("Request text"): a message the user can send as it is, asking
// for the PTR of the IP to be set to a name, with the checked state of that name's A/AAAA, whom
// to send it to (the reverse zone's SOA contact, else the network's abuse mailbox from RDAP), or
// the provider's self-service procedure instead when it has one (src/check/providers.ts). Pure:
// `rdns ticket` (src/cli/ticket.ts) and every chat renderer make it from the same facts.
import type { ReportView } from "../chat/views.js";
import { PROVIDERS, type ProviderId } from "../check/providers.js";
import type { OwnerReport, ProblemCode } from "../check/types.js";
import { escapeInvisible } from "./inert-text.js";

/** The codes whose answer carries the request (docs/chat-commands.md "Request text"). */
export const REQUEST_CODES: ReadonlySet<ProblemCode> = new Set([
  "NO_PTR",
  "DANGLING_CNAME",
  "BROKEN_PAIR",
  "GENERIC_PTR",
]);

/** Where no name is known: the text points it out. */
export const NAME_PLACEHOLDER = "<your-mail-host-name>";

export interface RequestFacts {
  ip: string;
  family: 4 | 6;
  /** The name the PTR should carry; null: the placeholder. */
  name: string | null;
  /** `name`'s A/AAAA holds the IP (checked now); null when not known. */
  resolves: boolean | null;
  owner: OwnerReport;
}

export interface RequestText {
  /** Whom to send it to (an e-mail address), or null when none is known. */
  to: string | null;
  /** The message itself, ready to send (or the self-service procedure). */
  text: string;
  /** True when `text` is the provider's own procedure instead of a message. */
  selfService: boolean;
  /** The name was not known: the text carries NAME_PLACEHOLDER. */
  placeholder: boolean;
}

export function requestText(unsafe: RequestFacts): RequestText {
  // Names and contacts come from DNS and RDAP: each stays on its line (a line break or control
  // character inside one is written out), so only the text's own lines break it.
  const facts = oneLine(unsafe);
  const name = facts.name ?? NAME_PLACEHOLDER;
  const type = facts.family === 4 ? "A" : "AAAA";
  const provider = knownProvider(facts.owner.provider);
  const notes: string[] = [];
  if (facts.name === null) {
    notes.push(`Replace ${NAME_PLACEHOLDER} with your mail server's name (the name it gives in HELO).`);
  }
  if (facts.resolves !== true) {
    // A look-up that timed out or failed is "could not tell", never "does not resolve".
    const state =
      facts.resolves === false
        ? " (it does not resolve to it now)"
        : facts.name === null
          ? ""
          : " unless it is there already (whether it resolves to it could not be checked now)";
    notes.push(
      `First publish the ${type} record ${name} -> ${facts.ip}${state}: providers refuse a PTR whose name does not resolve to the IP.`,
    );
  }
  if (provider !== null && PROVIDERS[provider].selfService) {
    const how = PROVIDERS[provider].setPtr.replaceAll("<ip>", facts.ip).replaceAll("<name>", name);
    return {
      to: null,
      text: [
        ...notes,
        `${PROVIDERS[provider].label} sets PTRs by self-service, no request needed: ${how}`,
      ].join("\n"),
      selfService: true,
      placeholder: facts.name === null,
    };
  }
  const to = facts.owner.contact ?? facts.owner.network?.abuse ?? null;
  const zone = facts.owner.zone;
  const servers =
    facts.owner.nameservers.length > 0 ? ` (name servers ${facts.owner.nameservers.join(", ")})` : "";
  const message = [
    `Subject: PTR record for ${facts.ip}`,
    "",
    "Hello,",
    "",
    `please set the PTR (reverse DNS) record of ${facts.ip} to ${name}.`,
    facts.resolves === true
      ? `${name} already resolves to ${facts.ip} (${type} record), so the pair will be forward-confirmed once the PTR is set.`
      : `${name}'s ${type} record will point at ${facts.ip} before you set it.`,
    ...(zone === null ? [] : [`The reverse zone is ${zone}${servers}.`]),
    "Receivers such as Gmail refuse mail from an address without a matching PTR.",
    "",
    "Thank you.",
  ];
  const head =
    to === null
      ? ["To: your hosting provider's or ISP's support (no contact found in DNS or RDAP)"]
      : [`To: ${to}`];
  return {
    to,
    text: [...notes, ...(notes.length > 0 ? [""] : []), ...head, ...message].join("\n"),
    selfService: false,
    placeholder: facts.name === null,
  };
}

function oneLine(facts: RequestFacts): RequestFacts {
  const flat = (text: string) => escapeInvisible(text);
  const owner = facts.owner;
  return {
    ...facts,
    name: facts.name === null ? null : flat(facts.name),
    owner: {
      ...owner,
      zone: owner.zone === null ? null : flat(owner.zone),
      nameservers: owner.nameservers.map(flat),
      contact: owner.contact === null ? null : flat(owner.contact),
      network:
        owner.network === null
          ? null
          : { ...owner.network, abuse: owner.network.abuse === null ? null : flat(owner.network.abuse) },
    },
  };
}

function knownProvider(id: string | null): ProviderId | null {
  return id !== null && Object.hasOwn(PROVIDERS, id) ? (id as ProviderId) : null;
}

/**
 * The request a report's answer carries, when one of REQUEST_CODES is among its problems: the
 * name is the HELO given (when an FQDN), else the PTR's current name (not a generic one), else
 * the placeholder.
 */
export function reportRequest(report: ReportView): RequestText | null {
  if (!report.problems.some((problem) => REQUEST_CODES.has(problem.code))) return null;
  const owner = report.owner ?? EMPTY_OWNER;
  const helo = report.helo?.fqdn ? report.helo : null;
  if (helo !== null) {
    return requestText({
      ip: report.ip,
      family: report.family,
      name: helo.name,
      resolves: helo.resolvesToIp,
      owner,
    });
  }
  // A generic PTR name is what the request is to replace: asking for it again would be a ticket
  // for the provider's default, so the text carries the placeholder instead.
  const generic = report.problems.some((problem) => problem.code === "GENERIC_PTR");
  const ptrName = generic ? null : (report.ptr.names[0] ?? null);
  const resolves =
    ptrName === null ? null : (report.forward.find((lookup) => lookup.name === ptrName)?.confirms ?? null);
  return requestText({ ip: report.ip, family: report.family, name: ptrName, resolves, owner });
}

/** A report stored or queued before the owner section existed. */
export const EMPTY_OWNER: OwnerReport = {
  zone: null,
  nameservers: [],
  contact: null,
  provider: null,
  network: null,
};

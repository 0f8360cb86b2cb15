// DNS messages on the wire with dns-packet: encoding a question, decoding and matching an answer
// (RFC 5452 9.1: the id AND the question, name, type and class, must match; the address and
// port are the connected socket's, udp-channel.ts), and the empty responses and error texts for
// questions that got no answer.
//
// No 0x20 case randomisation (draft-vixie-dnsext-dns0x20) of the names asked: it adds a bit per
// letter only if every server echoes the name's case, and authoritative servers that do not
// exist (resolvers that use it, like Unbound's use-caps-for-id, keep a fallback and a list of
// exceptions for them); here a mismatch would turn a real answer into "could not tell". The
// names asked are mostly reverse names, whose only letters are the fixed "in-addr.arpa" or
// "ip6.arpa" and the hex digits a-f: few bits for that risk. Most questions go to a recursive
// resolver on the operator's own network, which does its own spoofing defence upstream.
import dnsPacket from "dns-packet";
import type { DnsOutcome, DnsQuestion, DnsRecord, DnsResponse } from "./dns-types.js";

export function encodeQuery(question: DnsQuestion, id: number): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: question.recursion ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type: question.type, name: question.name, class: "IN" }],
  });
}

/**
 * Decodes an answer and checks it belongs to the question (id and question section, RFC 5452
 * 9.1); returns null for anything else. The response is built whole, in one object literal:
 * adding the server, round trip and transport to it afterwards (a spread, then three more
 * properties) made V8 create fresh hidden classes for every answer, which showed in a sweep's
 * profile (Factory::NewMap, Map::TransitionToDataProperty under the socket's message handler).
 */
export function decodeResponse(
  message: Buffer,
  question: Pick<DnsQuestion, "name" | "type"> & { server?: string },
  ids: ReadonlySet<number> | readonly number[],
  rttMs = 0,
  transport: "udp" | "tcp" = "udp",
): DnsResponse | null {
  let packet: dnsPacket.DecodedPacket & { rcode?: string };
  try {
    packet = dnsPacket.decode(message);
  } catch {
    return null;
  }
  if (!packet.flag_qr || packet.id === undefined) return null;
  if (!(Array.isArray(ids) ? ids.includes(packet.id) : (ids as ReadonlySet<number>).has(packet.id)))
    return null;
  const asked = packet.questions?.[0];
  if (
    asked === undefined ||
    asked.type !== question.type ||
    asked.class !== "IN" ||
    normaliseName(asked.name) !== normaliseName(question.name)
  ) {
    return null;
  }
  const authorities = packet.authorities ?? [];
  const soaAnswer = (authorities.find((record) => record.type === "SOA") ??
    (question.type === "SOA"
      ? (packet.answers ?? []).find((record) => record.type === "SOA" && record.class === "IN")
      : undefined)) as dnsPacket.SoaAnswer | undefined;
  return {
    server: question.server ?? "",
    outcome: "answer",
    rcode: packet.rcode ?? "NOERROR",
    aa: packet.flag_aa,
    truncated: packet.flag_tc,
    answers: toRecords(packet.answers ?? []),
    authorityNs: toRecords(authorities.filter((record) => record.type === "NS")),
    soa:
      soaAnswer === undefined
        ? null
        : {
            zone: normaliseName(soaAnswer.name),
            ttl: soaAnswer.ttl ?? 0,
            minimum: soaAnswer.data.minimum ?? 0,
            mname: normaliseName(soaAnswer.data.mname),
            rname: normaliseName(soaAnswer.data.rname),
            serial: soaAnswer.data.serial ?? 0,
          },
    glue: toRecords(
      (packet.additionals ?? []).filter((record) => record.type === "A" || record.type === "AAAA"),
    ),
    rttMs,
    error: null,
    transport,
  };
}

function toRecords(answers: dnsPacket.Answer[]): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (const answer of answers) {
    // OPT's class field is a payload size; records of another class (CH, HS) are not ours.
    if (answer.type === "OPT" || answer.class !== "IN") continue;
    const data = (answer as { data: unknown }).data;
    const text =
      answer.type === "TXT"
        ? txtText(data)
        : typeof data === "string"
          ? answer.type === "A" || answer.type === "AAAA"
            ? data
            : normaliseName(data)
          : answer.type === "SOA"
            ? normaliseName((data as dnsPacket.SoaData).mname)
            : "";
    const record: DnsRecord = {
      name: normaliseName(answer.name),
      type: answer.type,
      ttl: answer.ttl ?? 0,
      data: text,
    };
    if (answer.type === "SOA") record.rname = normaliseName((data as dnsPacket.SoaData).rname);
    records.push(record);
  }
  return records;
}

/**
 * A TXT record's character-strings (RFC 1035 3.3.14) joined, as the server sent them: a DNSBL's
 * reason text (RFC 5782 2.2). Renderers make it inert; nothing here trusts it.
 */
function txtText(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  return parts
    .map((part) => (Buffer.isBuffer(part) ? part.toString("utf8") : typeof part === "string" ? part : ""))
    .join("");
}

/** Lower-case, no trailing dot: how names are compared and reported. */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** A response for a question that got no answer at all ("could not tell"), e.g. a broken transport. */
export function failedResponse(server: string, error: string): DnsResponse {
  return emptyResponse(server, "error", error, 0, "udp");
}

export function emptyResponse(
  server: string,
  outcome: DnsOutcome,
  error: string,
  rttMs: number,
  transport: "udp" | "tcp",
): DnsResponse {
  return {
    server,
    outcome,
    rcode: null,
    aa: false,
    truncated: false,
    answers: [],
    authorityNs: [],
    soa: null,
    glue: [],
    rttMs,
    error,
    transport,
  };
}

/**
 * Errors that mean this host has no way to the server (connect(2)/sendto(2)): no route, an
 * address family or source address it lacks, a link-local address without an interface
 * (EINVAL). The server was never asked: "could not tell", like a refused connection.
 */
const NO_PATH = new Map([
  ["EHOSTUNREACH", "no route to it"],
  ["ENETUNREACH", "no route to its network"],
  ["EADDRNOTAVAIL", "no local address to send from"],
  ["EAFNOSUPPORT", "this host has no such address family (IPv6?)"],
  ["EINVAL", "the kernel refused the address"],
]);

export function errorOutcome(err: NodeJS.ErrnoException): DnsOutcome {
  return err.code === "ECONNREFUSED" || NO_PATH.has(err.code ?? "") ? "unreachable" : "error";
}

export function describeError(err: NodeJS.ErrnoException, server: string): string {
  if (err.code === "ECONNREFUSED") return `connection refused by ${server} (nothing listening there)`;
  const reason = NO_PATH.get(err.code ?? "");
  if (reason !== undefined) {
    // fe80::/10 is only meaningful with an interface (RFC 4007 zone id: [fe80::1%eth0]:53).
    const linkLocal = /^\[fe80:/i.test(server);
    const why = !linkLocal
      ? reason
      : server.includes("%")
        ? "the interface after % is not on this host"
        : "a link-local address needs an interface, e.g. [fe80::1%eth0]:53";
    return `${server} cannot be reached from this host (${err.code}: ${why}); it was not asked`;
  }
  return `${err.code ?? "error"} talking to ${server}: ${err.message}`;
}

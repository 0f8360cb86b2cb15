// A small DNS client on dns-packet: one question to one named server (host:port), over UDP with
// TCP fallback on truncation (RFC 1035 4.2, RFC 7766). Node's resolver cannot do this job: it
// folds timeout, SERVFAIL and REFUSED into ENOTFOUND like a real NXDOMAIN, cannot ask one
// server with RD=0, and hides the authority-section SOA and TTLs the negative-cache maths needs.
import { randomInt } from "node:crypto";
import net from "node:net";
import dnsPacket from "dns-packet";
import { parseServer, type ServerAddress } from "./server.js";
import { acquireChannel, type Waiter } from "./udp-channel.js";

export type RecordType = "A" | "AAAA" | "PTR" | "CNAME" | "SOA" | "NS";

export interface DnsQuestion {
  name: string;
  type: RecordType;
  /** host:port, e.g. "127.0.0.1:5300" or "[::1]:5300"; port 53 when omitted. */
  server: string;
  /** RD=1 for recursive resolvers, RD=0 for authoritative servers. */
  recursion: boolean;
  /** Budget for the whole query, ms (all UDP tries, or the TCP exchange). */
  timeoutMs: number;
  /** UDP retransmissions after the first try, spread evenly inside the budget. */
  retries?: number;
}

export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  /** Text form: a name (PTR, CNAME, NS) without the trailing dot, or an address. */
  data: string;
}

export interface SoaRecord {
  /** Owner of the SOA: the zone's apex. */
  zone: string;
  ttl: number;
  minimum: number;
  mname: string;
}

/**
 * What happened: an answer (with its rcode), or one of the ways of getting none. These stay
 * distinct all the way to the report: none of the failures means "no record".
 */
export type DnsOutcome = "answer" | "timeout" | "unreachable" | "error";

export interface DnsResponse {
  server: string;
  outcome: DnsOutcome;
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... when outcome is "answer". */
  rcode: string | null;
  aa: boolean;
  truncated: boolean;
  answers: DnsRecord[];
  /** NS records of the authority section (a referral, or the zone's NS next to an answer). */
  authorityNs: DnsRecord[];
  /** The authority-section SOA of a negative answer (RFC 2308 3). */
  soa: SoaRecord | null;
  /** A/AAAA records of the additional section (glue). */
  glue: DnsRecord[];
  rttMs: number;
  /** Why there is no answer, in words, for failures. */
  error: string | null;
  transport: "udp" | "tcp";
}

export type DnsTransport = (question: DnsQuestion) => Promise<DnsResponse>;

/** Asks one server one question; never throws for network trouble (it is an outcome). */
export async function query(question: DnsQuestion): Promise<DnsResponse> {
  const started = performance.now();
  let server: ServerAddress;
  try {
    server = parseServer(question.server);
  } catch (err) {
    return emptyResponse(question.server, "error", (err as Error).message, 0, "udp");
  }
  const udp = await queryUdp(question, server, started);
  if (udp.outcome !== "answer" || !udp.truncated) return udp;
  const left = question.timeoutMs - (performance.now() - started);
  return queryTcp(question, server, started, Math.max(left, Math.min(question.timeoutMs, 1000)));
}

export function encodeQuery(question: DnsQuestion, id: number): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: question.recursion ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type: question.type, name: question.name, class: "IN" }],
  });
}

async function queryUdp(question: DnsQuestion, server: ServerAddress, started: number): Promise<DnsResponse> {
  const tries = 1 + Math.max(0, question.retries ?? 1);
  const interval = question.timeoutMs / tries;
  const channel = acquireChannel(server);
  try {
    await channel.ready;
  } catch (err) {
    // The socket could not even be connected: this host has no way to that server.
    channel.unhold();
    const error = err as NodeJS.ErrnoException;
    return emptyResponse(
      question.server,
      errorOutcome(error),
      describeError(error, question.server),
      performance.now() - started,
      "udp",
    );
  }
  return new Promise((resolve) => {
    const ids = new Set<number>();
    const timers: NodeJS.Timeout[] = [];
    let done = false;
    const finish = (response: DnsResponse) => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      for (const id of ids) channel.release(id);
      channel.unhold();
      resolve(response);
    };
    const failure = (outcome: DnsOutcome, error: string) =>
      finish(emptyResponse(question.server, outcome, error, performance.now() - started, "udp"));
    const waiter: Waiter = {
      onMessage: (message) => {
        const response = decodeResponse(message, question, ids);
        if (response === null) return; // not ours or malformed: keep waiting, as resolvers do
        finish({
          ...response,
          server: question.server,
          rttMs: performance.now() - started,
          transport: "udp",
        });
      },
      onError: (err) => failure(errorOutcome(err), describeError(err, question.server)),
    };
    const send = () => {
      if (done) return;
      // A fresh random id per try (RFC 5452 9.2); an answer to any of them is accepted.
      try {
        const id = channel.register(waiter);
        ids.add(id);
        channel.send(encodeQuery(question, id), (err) => {
          if (err) failure(errorOutcome(err), describeError(err, question.server));
        });
      } catch (err) {
        // Defensive: query() never throws, whatever the socket layer does (a throw here would
        // escape from a timer or the Promise executor).
        const error = err as NodeJS.ErrnoException;
        failure(errorOutcome(error), describeError(error, question.server));
      }
    };
    send();
    for (let attempt = 1; attempt < tries; attempt++) timers.push(setTimeout(send, interval * attempt));
    timers.push(
      setTimeout(() => failure("timeout", `no answer within ${question.timeoutMs} ms`), question.timeoutMs),
    );
  });
}

function queryTcp(
  question: DnsQuestion,
  server: ServerAddress,
  started: number,
  timeoutMs: number,
): Promise<DnsResponse> {
  const id = randomInt(0, 65_536);
  return new Promise((resolve) => {
    let done = false;
    let buffered = Buffer.alloc(0);
    const socket = net.connect({ host: server.host, port: server.port });
    const finish = (response: DnsResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    const failure = (outcome: DnsOutcome, error: string) =>
      finish(emptyResponse(question.server, outcome, error, performance.now() - started, "tcp"));
    const timer = setTimeout(
      () =>
        failure(
          "timeout",
          `no answer over TCP within ${Math.round(timeoutMs)} ms (UDP answer was truncated)`,
        ),
      timeoutMs,
    );
    socket.on("connect", () => {
      const body = encodeQuery(question, id);
      const frame = Buffer.alloc(2 + body.length);
      frame.writeUInt16BE(body.length, 0);
      body.copy(frame, 2);
      socket.write(frame);
    });
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const response = decodeResponse(buffered.subarray(2, 2 + length), question, new Set([id]));
      if (response === null) return failure("error", "malformed or mismatched answer over TCP");
      finish({ ...response, server: question.server, rttMs: performance.now() - started, transport: "tcp" });
    });
    socket.on("error", (err) => failure(errorOutcome(err), describeError(err, question.server)));
    socket.on("close", () => failure("error", "TCP connection closed before an answer"));
  });
}

/**
 * Decodes an answer and checks it belongs to the question (id and question section, RFC 5452
 * 9.1); returns null for anything else.
 */
export function decodeResponse(
  message: Buffer,
  question: Pick<DnsQuestion, "name" | "type">,
  ids: ReadonlySet<number>,
): Omit<DnsResponse, "server" | "rttMs" | "transport"> | null {
  let packet: dnsPacket.DecodedPacket & { rcode?: string };
  try {
    packet = dnsPacket.decode(message);
  } catch {
    return null;
  }
  if (!packet.flag_qr || packet.id === undefined || !ids.has(packet.id)) return null;
  const asked = packet.questions?.[0];
  if (
    asked === undefined ||
    asked.type !== question.type ||
    normaliseName(asked.name) !== normaliseName(question.name)
  ) {
    return null;
  }
  const authorities = packet.authorities ?? [];
  const soaAnswer = authorities.find((record) => record.type === "SOA") as dnsPacket.SoaAnswer | undefined;
  return {
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
          },
    glue: toRecords(
      (packet.additionals ?? []).filter((record) => record.type === "A" || record.type === "AAAA"),
    ),
    error: null,
  };
}

function toRecords(answers: dnsPacket.Answer[]): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (const answer of answers) {
    if (answer.type === "OPT") continue;
    const data = (answer as { data: unknown }).data;
    const text =
      typeof data === "string"
        ? answer.type === "A" || answer.type === "AAAA"
          ? data
          : normaliseName(data)
        : answer.type === "SOA"
          ? normaliseName((data as dnsPacket.SoaData).mname)
          : "";
    records.push({ name: normaliseName(answer.name), type: answer.type, ttl: answer.ttl ?? 0, data: text });
  }
  return records;
}

/** Lower-case, no trailing dot: how names are compared and reported. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** A response for a question that got no answer at all ("could not tell"), e.g. a broken transport. */
export function failedResponse(server: string, error: string): DnsResponse {
  return emptyResponse(server, "error", error, 0, "udp");
}

function emptyResponse(
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

// Small misbehaving DNS servers on loopback (dns-packet over UDP), for what Knot and Unbound will
// not serve: answers that loop, hold the wrong records, or arrive one slow CNAME at a time.
// Each test starts its own on a free port and closes it; nothing listens on port 53.
import dgram from "node:dgram";
import dnsPacket from "dns-packet";

export interface FakeQuestion {
  name: string;
  type: string;
  /** RD flag of the query: a resolver is asked with RD=1, an authority with RD=0. */
  recursion: boolean;
}

export interface FakeReply {
  rcode?: "NOERROR" | "NXDOMAIN" | "SERVFAIL" | "REFUSED";
  /** AA flag; default true (an authoritative answer). */
  aa?: boolean;
  answers?: dnsPacket.Answer[];
  authorities?: dnsPacket.Answer[];
  /** Wait this long before answering. */
  delayMs?: number;
}

/** null: drop the query (the client times out). */
export type FakeHandler = (question: FakeQuestion) => FakeReply | null;

export interface FakeDnsServer {
  /** "127.0.0.1:port" */
  address: string;
  questions: FakeQuestion[];
  close(): Promise<void>;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** `at`: another loopback address (127.0.0.2) and a given port, for a second "name server" on one port. */
export async function startFakeDns(
  handler: FakeHandler,
  at: { host?: string; port?: number } = {},
): Promise<FakeDnsServer> {
  const socket = dgram.createSocket("udp4");
  const questions: FakeQuestion[] = [];
  const timers = new Set<NodeJS.Timeout>();
  socket.on("message", (message, remote) => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const asked = query.questions?.[0];
    if (asked === undefined) return;
    const question: FakeQuestion = {
      name: asked.name.toLowerCase(),
      type: asked.type,
      recursion: ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) !== 0,
    };
    questions.push(question);
    const reply = handler(question);
    if (reply === null) return;
    const packet = dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags:
        (reply.aa === false ? 0 : dnsPacket.AUTHORITATIVE_ANSWER) |
        (question.recursion ? dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE : 0) |
        RCODES[reply.rcode ?? "NOERROR"],
      questions: query.questions ?? [],
      answers: reply.answers ?? [],
      authorities: reply.authorities ?? [],
    });
    const send = () => socket.send(packet, remote.port, remote.address);
    if (!reply.delayMs) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, reply.delayMs);
    timers.add(timer);
  });
  const host = at.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(at.port ?? 0, host, () => resolve());
  });
  return {
    address: `${host}:${socket.address().port}`,
    questions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        socket.close(() => resolve());
      }),
  };
}

/** A CNAME record, TTL 30. */
export function cname(name: string, target: string): dnsPacket.Answer {
  return { type: "CNAME", name, ttl: 30, data: target };
}

/** A PTR record, TTL 30. */
export function ptr(name: string, target: string): dnsPacket.Answer {
  return { type: "PTR", name, ttl: 30, data: target };
}

/** An A record, TTL 30. */
export function a(name: string, address: string): dnsPacket.Answer {
  return { type: "A", name, ttl: 30, data: address };
}

/** The zone's SOA for a negative answer's authority section (RFC 2308 3). */
export function soa(zone: string, minimum = 3, serial = 1): dnsPacket.Answer {
  return {
    type: "SOA",
    name: zone,
    ttl: minimum,
    data: { mname: "ns.example.test", rname: "hostmaster.example.test", serial, minimum },
  };
}

/**
 * A handler serving `records` the way DNS would: asked with RD=0 (as an authority) it answers
 * with what sits at the name, one CNAME hop at a time; asked with RD=1 (as a resolver) it chases
 * the CNAMEs itself and answers with the whole chain (stopping where a name repeats, so a loop
 * is sent as the loop). Names that do not exist get NXDOMAIN with `zone`'s SOA (its serial
 * `serial`, 1 unless given: two handlers with different serials are a zone's servers out of step).
 */
export function zoneHandler(
  zone: string,
  records: dnsPacket.Answer[],
  { serial = 1 }: { serial?: number } = {},
): FakeHandler {
  const at = (name: string) => records.filter((record) => record.name === name);
  const negative = (rcode: "NOERROR" | "NXDOMAIN", answers: dnsPacket.Answer[] = []): FakeReply => ({
    rcode,
    answers,
    authorities: [soa(zone, 3, serial)],
  });
  return (question) => {
    if (!question.recursion) {
      const here = at(question.name);
      if (here.length === 0) return negative("NXDOMAIN");
      const alias = here.filter((record) => record.type === "CNAME");
      if (alias.length > 0) return { answers: alias };
      const data = here.filter((record) => record.type === question.type);
      return data.length > 0 ? { answers: data } : negative("NOERROR");
    }
    const answers: dnsPacket.Answer[] = [];
    const seen = new Set<string>();
    let name = question.name;
    for (;;) {
      seen.add(name);
      const alias = at(name).find((record) => record.type === "CNAME");
      if (alias === undefined) break;
      answers.push(alias);
      name = String((alias as { data: unknown }).data);
      if (seen.has(name)) return { answers, aa: false };
    }
    const here = at(name);
    if (here.length === 0) return { ...negative("NXDOMAIN", answers), aa: false };
    const data = here.filter((record) => record.type === question.type);
    return data.length > 0
      ? { answers: [...answers, ...data], aa: false }
      : { ...negative("NOERROR", answers), aa: false };
  };
}

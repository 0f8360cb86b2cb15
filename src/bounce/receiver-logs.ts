// The receiver's side of the story: a partner's own MTA log, where the client that was refused is
// the sender. Each MTA logs its refusals in one documented line shape, and the client address and
// the HELO it gave are fields of that line, so they are read from those fields, never guessed from
// the text (the receiver's own interface address, `I=[ip]` or Exchange's local endpoint, sits on
// the same line):
// - Postfix smtpd and postscreen (postfix.org/postconf.5.html, smtpd_*_restrictions):
//   `NOQUEUE: reject: RCPT from name[ip]: 450 4.7.25 Client host rejected: ...; from=<s> to=<r>
//   proto=ESMTP helo=<name>`, postscreen's `... from [ip]:port: 550 ...`, `milter-reject:`.
// - Exim mainlog/rejectlog (exim.org spec, "Log files"): `H=name (helo) [ip]:port I=[own]:25
//   F=<s> rejected RCPT <r>: text`, `rejected after DATA: text`, `rejected EHLO from [ip]: ...`.
// - Sendmail (op.me, "Log file"): `ruleset=check_rcpt, arg1=<r>, relay=name [ip], reject=550 ...`.
// - Exchange SmtpReceive protocol logs: `date,connector,session,seq,local-endpoint,
//   remote-endpoint,event,data,context`; `<` is what the client sent (its EHLO), `>` the reply.
// A refused client in a private or loopback range is the receiver's own hop (a content filter's
// re-injection, an internal relay), never the sender: such lines are skipped.
import ipaddr from "ipaddr.js";
import { normaliseHelo } from "./address.js";

export interface ReceiverRefusal {
  ip: string;
  helo: string | null;
  /** The reply the receiver gave (or its log's reason), one line. */
  diagnostic: string;
  recipient: string | null;
  /** The MTA whose log line this was. */
  mta: "postfix" | "exim" | "sendmail" | "exchange";
  /** True when the receiver logged the client with no verified name (Postfix `unknown[ip]`). */
  unverifiedName: boolean;
}

const ADDRESS = "(?:IPv6:)?([0-9A-Fa-f:.]{3,45})";
const POSTFIX_REJECT = new RegExp(
  String.raw`\b(?:milter-)?reject: [A-Z][A-Z-]{1,20} from ([^\s[\]]{0,253})\[${ADDRESS}\](?::\d{1,5})?: (.{1,1500})`,
);
const EXIM_HOST = new RegExp(
  String.raw`\bH=(?:([^\s()[\]]{1,253}) )?(?:\(([^\s()]{0,253})\) )?\[${ADDRESS}\](?::\d{1,5})?`,
);
const EXIM_REJECT =
  /\brejected (?:(RCPT|MAIL|after DATA|connection|VRFY|EXPN|ETRN|DATA|\(by local_scan\))\b([^:]{0,300}):?\s?(.{0,1500})$)/;
const EXIM_BAD_HELO = new RegExp(
  String.raw`\brejected [EH][HE]LO from (?:[^\s[\]]{1,253} )?\[${ADDRESS}\]: (.{1,1000}?)(?:: (\S{1,253}))?$`,
);
const SENDMAIL_REJECT = new RegExp(
  String.raw`\brelay=(?:([^\s,[\]]{1,253}) )?\[${ADDRESS}\](?: \(may be forged\))?,.*?\breject=(.{1,1500})$`,
);
// `2026-12-07T10:00:01.123Z,connector,session,seq,local,remote,event,data`: local and remote are `ip:port`.
const EXCHANGE_ROW =
  /^\d{4}-\d\d-\d\dT[\d:.]{8,16}Z,[^,]{0,200},([0-9A-Fa-f]{1,32}),\d{1,9},\[?[0-9A-Fa-f:.]{3,45}\]?:\d{1,5},\[?([0-9A-Fa-f:.]{3,45}?)\]?:\d{1,5},([<>*+-]),(.{0,1500})$/;

/** The address normalised, or null when it is no address or the receiver's own hop (private, loopback). */
export function publicAddress(text: string): string | null {
  const bare = text.replace(/^IPv6:/i, "");
  if (!ipaddr.isValid(bare)) return null;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  // The receiver's own hops; documentation ranges stay (they are what examples and tests use).
  if (["private", "loopback", "linkLocal", "uniqueLocal", "unspecified", "carrierGradeNat"].includes(range))
    return null;
  return parsed.toString();
}

/** The logged HELO as a check takes it: an address literal stays one (`helo=<[192.0.2.1]>`). */
function cleanHelo(name: string | undefined): string | null {
  if (name === undefined || name === "") return null;
  return normaliseHelo(name, true);
}

/** Postfix: the reply up to the `; from=<...>` fields it appends, the recipient and HELO from those fields. */
function postfixRefusal(line: string): ReceiverRefusal | null {
  const match = POSTFIX_REJECT.exec(line);
  if (match === null) return null;
  const ip = publicAddress(match[2] ?? "");
  if (ip === null) return null;
  const rest = match[3] ?? "";
  const fields = rest.search(/; (?:from|to|proto|helo)=/);
  return {
    ip,
    helo: cleanHelo(/\bhelo=<([^>\s]{1,253})>/.exec(rest)?.[1]),
    diagnostic: (fields < 0 ? rest : rest.slice(0, fields)).trim(),
    recipient: /\bto=<([^>\s]{1,320})>/.exec(rest)?.[1] ?? null,
    mta: "postfix",
    unverifiedName: match[1] === "unknown" || match[1] === "",
  };
}

// Exim's own delivery lines (`** ` failed, `== ` deferred, `T=transport`) quote the remote
// server's reply, which may say "rejected": there `H=` is the remote server, not a client.
const EXIM_DELIVERY = /(?:^|\s)(?:\*\*|==|=>|->) \S|\bT=\S/;

function eximRefusal(line: string): ReceiverRefusal | null {
  if (!line.includes("rejected") || EXIM_DELIVERY.test(line)) return null;
  const badHelo = EXIM_BAD_HELO.exec(line);
  if (badHelo !== null) {
    const ip = publicAddress(badHelo[1] ?? "");
    if (ip === null) return null;
    const reason = `rejected EHLO: ${badHelo[2] ?? ""}`;
    return {
      ip,
      helo: cleanHelo(badHelo[3]),
      diagnostic: reason,
      recipient: null,
      mta: "exim",
      unverifiedName: false,
    };
  }
  const host = EXIM_HOST.exec(line);
  const reject = EXIM_REJECT.exec(line);
  if (host === null || reject === null || reject.index < host.index) return null;
  const ip = publicAddress(host[3] ?? "");
  if (ip === null) return null;
  const recipient = reject[1] === "RCPT" ? (/<([^>\s]{1,320})>/.exec(reject[2] ?? "")?.[1] ?? null) : null;
  const reason = (reject[3] ?? "").trim();
  return {
    ip,
    // Exim shows the HELO in parentheses when it differs from the verified name, else the name alone.
    helo: cleanHelo(host[2] ?? host[1]),
    diagnostic: reason === "" ? `rejected ${reject[1]}${reject[2] ?? ""}`.trim() : reason,
    recipient,
    mta: "exim",
    unverifiedName: host[1] === undefined,
  };
}

function sendmailRefusal(line: string): ReceiverRefusal | null {
  if (!line.includes("reject=")) return null;
  const match = SENDMAIL_REJECT.exec(line);
  if (match === null) return null;
  const ip = publicAddress(match[2] ?? "");
  if (ip === null) return null;
  return {
    ip,
    helo: null,
    diagnostic: (match[3] ?? "").trim(),
    recipient: /\barg1=<([^>\s]{1,320})>/.exec(line)?.[1] ?? null,
    mta: "sendmail",
    unverifiedName: match[1] === undefined,
  };
}

/** True when the line is a receiver's refusal of a client (Postfix, Exim or Sendmail shape). */
export function isReceiverRefusal(line: string): boolean {
  return (
    line.includes("reject") && (postfixRefusal(line) ?? eximRefusal(line) ?? sendmailRefusal(line)) !== null
  );
}

/** Reads receiver-side refusals line by line; `sessions` carries Exchange's EHLO per session id. */
export class ReceiverLogReader {
  readonly refusals: ReceiverRefusal[] = [];
  private readonly heloBySession = new Map<string, string>();

  constructor(private readonly max: number) {}

  /** Reads one log line; cheap substring tests first, so a long log of other lines costs little. */
  read(line: string): void {
    if (this.refusals.length >= this.max) return;
    if (line.includes(",<,") || line.includes(",>,")) {
      this.exchange(line);
      return;
    }
    if (!line.includes("reject")) return;
    const refusal = postfixRefusal(line) ?? eximRefusal(line) ?? sendmailRefusal(line);
    if (refusal !== null) this.refusals.push(refusal);
  }

  private exchange(line: string): void {
    const row = EXCHANGE_ROW.exec(line);
    if (row === null) return;
    const [, session = "", remote = "", event, data = ""] = row;
    const command = /^(?:EHLO|HELO) ([^\s,]{1,253})/i.exec(data);
    if (event === "<" && command?.[1] !== undefined) {
      if (this.heloBySession.size > 10_000) this.heloBySession.clear();
      this.heloBySession.set(session, command[1]);
      return;
    }
    if (event !== ">" || !/^[45]\d\d[ -]/.test(data)) return;
    const ip = publicAddress(remote);
    if (ip === null) return;
    this.refusals.push({
      ip,
      helo: cleanHelo(this.heloBySession.get(session)),
      diagnostic: data.replace(/,+$/, "").replace(/^"|"$/g, ""),
      recipient: null,
      mta: "exchange",
      unverifiedName: false,
    });
  }
}

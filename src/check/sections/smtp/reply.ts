// Reading SMTP replies (RFC 5321 4.2): pure, no I/O. ./probe.ts feeds it the bytes a server sends.
//
//   reply      "250-first line" ... "250 last line": a three-digit code, "-" on every line but
//              the last (4.2.1); anything else on the first line is not SMTP
//   greeting   "220 SP (Domain / address-literal) [SP text]" (4.3.1 and the Greeting rule in 4.2):
//              its first word is the name the server announces
//   EHLO       "250-Domain [SP text]" then one extension keyword a line (4.1.1.1): STARTTLS is
//              RFC 3207's

/** A reply line is at most 512 octets with its CRLF (RFC 5321 4.5.3.1.5); anything longer is cut. */
export const MAX_REPLY_LINE = 512;
/** A whole reply longer than this (an EHLO reply lists a few dozen extensions) is not a server's. */
export const MAX_REPLY_BYTES = 8192;

export interface Reply {
  code: number;
  /** Each line's text after the code and its separator. */
  lines: string[];
}

export type ReadResult =
  | { kind: "more" }
  | { kind: "reply"; reply: Reply; raw: string[] }
  | { kind: "garbage"; raw: string[] };

const REPLY_LINE = /^(\d{3})([ -]|$)(.*)$/;

/**
 * Collects lines until one reply is complete. Lines end at LF (a CR before it is dropped: some
 * servers send bare LF). A first line that is not `ddd[ -]` or a code that changes mid-reply is
 * garbage: the peer is not an SMTP server (or not speaking SMTP to us).
 */
export class ReplyReader {
  private pending = "";
  private lines: string[] = [];
  private bytes = 0;

  /** Feeds received text; returns the reply once its last line arrived. */
  push(chunk: string): ReadResult {
    this.bytes += chunk.length;
    this.pending += chunk;
    for (let end = this.pending.indexOf("\n"); end >= 0; end = this.pending.indexOf("\n")) {
      const line = this.pending.slice(0, end).replace(/\r$/, "").slice(0, MAX_REPLY_LINE);
      this.pending = this.pending.slice(end + 1);
      const result = this.take(line);
      if (result.kind !== "more") return result;
    }
    if (this.bytes > MAX_REPLY_BYTES || this.pending.length > MAX_REPLY_LINE * 2) {
      return { kind: "garbage", raw: [...this.lines, this.pending.slice(0, MAX_REPLY_LINE)] };
    }
    return { kind: "more" };
  }

  /** What arrived so far (for a reply cut short by the deadline or a closed connection). */
  partial(): string[] {
    const tail = this.pending.replace(/\r$/, "").slice(0, MAX_REPLY_LINE);
    return tail === "" ? [...this.lines] : [...this.lines, tail];
  }

  private take(line: string): ReadResult {
    this.lines.push(line);
    const raw = [...this.lines];
    const parsed = REPLY_LINE.exec(line);
    const first = REPLY_LINE.exec(this.lines[0] ?? "");
    if (parsed === null || first === null || parsed[1] !== first[1]) return { kind: "garbage", raw };
    if (parsed[2] === "-") return { kind: "more" };
    this.lines = [];
    this.bytes = this.pending.length;
    return {
      kind: "reply",
      reply: { code: Number(parsed[1]), lines: raw.map((text) => text.slice(4)) },
      raw,
    };
  }
}

/** RFC 5321 4.1.3 address literal, or a dotted name of LDH labels (a trailing dot allowed). */
const DOMAIN = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
const ADDRESS_LITERAL = /^\[(?:IPv6:[0-9a-f:.]+|[0-9.]+)\]$/i;

/**
 * The name a reply's first line announces (the greeting's or the EHLO reply's first word), or
 * null when that word is neither a domain nor an address literal ("220 ESMTP ready" from a server
 * that does not say who it is, or nothing at all).
 */
export function announcedName(firstLine: string | undefined): string | null {
  const word = (firstLine ?? "").trim().split(/\s+/)[0] ?? "";
  if (word === "" || word.length > 255) return null;
  if (ADDRESS_LITERAL.test(word)) return word;
  // A bare word like "ESMTP" or "Service" is not a name a receiver could compare with a PTR.
  if (!word.includes(".") || !DOMAIN.test(word) || /^[\d.]+$/.test(word)) return null;
  return word.toLowerCase().replace(/\.$/, "");
}

/** RFC 3207: the server offers STARTTLS when an EHLO reply line (after the first) is that keyword. */
export function offersStarttls(reply: Reply): boolean {
  return reply.lines.slice(1).some((line) => line.trim().split(/\s+/)[0]?.toUpperCase() === "STARTTLS");
}

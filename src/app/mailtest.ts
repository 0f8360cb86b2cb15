// Test mail (`/rdns mailtest`): a fresh address `check-<token>@<SMTP_DOMAIN>` whose token maps to
// the thread that asked (src/store/mail-tokens.ts), and what a message to it turns into: a notice
// with the connection's facts, then the full check of the connecting IP with the HELO as sent,
// through the same check queue and deliveries as `/rdns <ip> <helo>` (requestCheck). Any process
// running the listener (src/mail/listener.ts) may accept the message: the thread is in Redis.
import { randomBytes, randomUUID } from "node:crypto";
import ipaddr from "ipaddr.js";
import type { Origin } from "../chat/types.js";
import { parseIp } from "../check/ip.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import { ECHO_MAX, shorten } from "../render/echo.js";
import { escapeInvisible } from "../render/inert-text.js";
import { type MailToken, readMailToken, saveMailToken } from "../store/mail-tokens.js";
import type { AppContext } from "./context.js";
import { requestCheck } from "./request-check.js";
import { parseHelo } from "./targets.js";

/** How long an address takes mail. */
export const MAILTEST_TTL_MS = 30 * 60_000;
/** 16 random bytes: 128 bits, well over the 80 an address must carry to be unguessable. */
const TOKEN_BYTES = 16;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** RFC 4648 base32, lower case and unpadded: safe in a local part, whatever case a sender uses. */
export function newMailToken(bytes: Buffer = randomBytes(TOKEN_BYTES)): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 8) / 5);
const LOCAL_PART = new RegExp(`^check-([a-z2-7]{${TOKEN_LENGTH}})$`);

/** The token of `check-<token>@<domain>`, or null for any other address (case-insensitive). */
export function mailTokenOf(address: string, domain: string): string | null {
  const at = address.lastIndexOf("@");
  if (at < 0) return null;
  const addressDomain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "");
  if (addressDomain !== domain.toLowerCase()) return null;
  return LOCAL_PART.exec(address.slice(0, at).toLowerCase())?.[1] ?? null;
}

export interface MailTestAddress {
  address: string;
  expiresAt: Date;
}

/** Makes an address for this thread; `askedIp` is the IP the asker expects the mail from. */
export async function createMailTestAddress(
  ctx: AppContext,
  domain: string,
  origin: Origin,
  askedIp: string | null,
  now = new Date(),
): Promise<MailTestAddress> {
  // The report goes into the thread only: the parent keeps the instructions (a verdict would
  // replace them, and a second message's verdict the first's).
  const record: MailToken = { origin: { ...origin, parent: null }, askedIp, createdAt: now.toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = newMailToken();
    if (await saveMailToken(ctx.redis, ctx.keys, token, record, MAILTEST_TTL_MS))
      return { address: `check-${token}@${domain}`, expiresAt: new Date(now.getTime() + MAILTEST_TTL_MS) };
  }
  throw new Error("could not store a new test-mail address");
}

/** What the listener answers a recipient (the shape src/mail/listener.ts takes). */
export type TestRecipient =
  | { accept: true; value: MailToken }
  | { accept: false; code: number; message: string };

/**
 * A recipient of a message to the listener: a known token is accepted with its thread; another
 * address at the domain is unknown or expired (550 5.1.1, RFC 3463: bad destination mailbox);
 * any other domain is a relay attempt (550 5.7.1): the listener delivers nowhere.
 */
export async function decideTestRecipient(
  ctx: AppContext,
  domain: string,
  address: string,
): Promise<TestRecipient> {
  const at = address.lastIndexOf("@");
  const addressDomain =
    at < 0
      ? ""
      : address
          .slice(at + 1)
          .toLowerCase()
          .replace(/\.$/, "");
  if (addressDomain !== domain.toLowerCase())
    return {
      accept: false,
      code: 550,
      message: `5.7.1 relaying denied: this server takes mail for ${domain} only`,
    };
  const token = mailTokenOf(address, domain);
  const record = token === null ? null : await readMailToken(ctx.redis, ctx.keys, token);
  if (record === null)
    return {
      accept: false,
      code: 550,
      message: "5.1.1 no such test address (unknown or expired); ask /rdns mailtest for a new one",
    };
  return { accept: true, value: record };
}

/** The connection's facts as the listener saw them. */
export interface TestMailConnection {
  ip: string;
  /** The HELO/EHLO argument as sent. */
  helo: string;
  tls: boolean;
}

function sameIp(a: string, b: string): boolean {
  try {
    return ipaddr.process(a).toNormalizedString() === ipaddr.process(b).toNormalizedString();
  } catch {
    return a === b;
  }
}

/**
 * Why receivers never see `ip`, by the check's one rule (src/check/ip.ts notPublicReason), or
 * null when they can: the notice must not call 6to4, Teredo or documentation addresses "not
 * public" while the report below checks them as public (or the other way round).
 */
function notPublicLine(ip: string): string | null {
  try {
    return parseIp(ip).notPublic;
  } catch {
    return `${ip} is not an IP address`;
  }
}

/**
 * The notice before the report (pure): where the message came from, the HELO as sent (made
 * inert: a sender chooses it), TLS or not, and plainly when the IP is not the one asked about.
 */
export function testMailNotice(
  connection: TestMailConnection,
  askedIp: string | null,
  heloProblem: string | null,
): string {
  const helo =
    connection.helo === "" ? "no name" : `"${shorten(escapeInvisible(connection.helo), ECHO_MAX)}"`;
  const lines = [
    `Test mail received from ${connection.ip}: HELO/EHLO ${helo} as sent, ${connection.tls ? "over TLS (STARTTLS)" : "without TLS"}. The full check of ${connection.ip}${heloProblem === null && connection.helo !== "" ? " with that HELO" : ""} follows.`,
  ];
  if (askedIp !== null && !sameIp(askedIp, connection.ip))
    lines.push(
      `This is not ${askedIp}, the address you asked about: your mail leaves from ${connection.ip}, so ${connection.ip} is the address whose PTR receivers check.`,
    );
  if (heloProblem !== null) lines.push(`The HELO is not checked: ${heloProblem}.`);
  const notPublic = notPublicLine(connection.ip);
  if (notPublic !== null)
    lines.push(
      `${connection.ip} is not a public address: ${notPublic}. The listener sees a proxy's or a private network's address, not the sender's (its operator can set SMTP_PROXY_FROM for a load balancer that sends a PROXY header).`,
    );
  return lines.join("\n");
}

/**
 * One message: for each thread it was addressed to, the notice, then the check of the IP with
 * the HELO as sent (a new check even when one just ran: every message is its own report).
 * Throws when a check could not be queued: the listener then answers 451 and the sender retries.
 */
export async function reportTestMail(
  ctx: AppContext,
  connection: TestMailConnection,
  tokens: readonly MailToken[],
): Promise<void> {
  const parsed = connection.helo === "" ? null : parseHelo(connection.helo);
  const helo = parsed?.ok === true ? parsed.value : null;
  const heloProblem = parsed !== null && !parsed.ok ? parsed.problem : null;
  const seen = new Set<string>();
  for (const token of tokens) {
    const threadKey = `${token.origin.platform}\u0000${token.origin.thread}`;
    if (seen.has(threadKey)) continue;
    seen.add(threadKey);
    const origin: Origin = { ...token.origin, parent: null };
    const text = testMailNotice(connection, token.askedIp, heloProblem);
    await enqueueDeliveries(ctx.queues, [
      threadReply(`mail-${randomUUID()}`, origin, { kind: "notice", text }, "mail-received"),
    ]);
    await requestCheck(ctx, { ip: connection.ip, helo, origin, reason: "command", fresh: true });
  }
}

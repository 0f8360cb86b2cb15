// Which receiver refused: from the remote MTA's name (DSN Remote-MTA, or `host NAME[ip]` in the
// reply) and the receiver's own markers in its text (gsmtp, Microsoft's (S3150) tags, Yahoo's [TSS04]).
import type { BounceReceiver } from "./types.js";

const GMAIL = /google\.com|googlemail\.com|gmail\.com|\bgsmtp\b|support\.google\.com\/mail/i;
const MICROSOFT =
  /outlook\.com|hotmail\.com|\bhotmail\b|office365\.com|microsoft\.com|sender\.office\.com|postmaster\.live\.com|mail\.live\.com|\bmsn\.com|\(S3\d{3}\)|\b5\.7\.6[0-4]\d\b|\b5\.7\.506\b/i;
const YAHOO = /yahoo|yahoodns\.net|yahooinc\.com|verizonmedia\.com|\baol\.com|\[TSS\d\d\]|\[BL2[13]\]/i;

function byName(text: string): BounceReceiver | null {
  if (GMAIL.test(text)) return "gmail";
  if (MICROSOFT.test(text)) return "microsoft";
  if (YAHOO.test(text)) return "yahoo";
  return null;
}

/** Host names the reply gives for the remote MTA (`host mx.example.com[ip]`, `host mx [ip]`). */
export function remoteHostInText(diagnostic: string): string | null {
  const match = /\bhost\s+([A-Za-z0-9][A-Za-z0-9.-]{0,252}\.[A-Za-z]{2,63})\.?\s?\[/.exec(diagnostic);
  return match?.[1] ?? null;
}

/**
 * `remoteMta` first (the DSN says who answered), then the reply's markers. "other" when a remote
 * host is known and is none of the three; "unknown" when nothing names the receiver.
 */
export function detectReceiver(remoteMta: string | null, diagnostic: string): BounceReceiver {
  const host = remoteMta ?? remoteHostInText(diagnostic);
  if (host !== null) {
    const fromHost = byName(host);
    if (fromHost !== null) return fromHost;
  }
  const fromText = byName(diagnostic);
  if (fromText !== null) return fromText;
  return host !== null || diagnostic.length > 0 ? "other" : "unknown";
}

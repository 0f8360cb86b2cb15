// Which receiver refused: from the remote MTA's name (DSN Remote-MTA, or `host NAME[ip]` in the
// reply) and the receiver's own markers in its text (gsmtp, Microsoft's (S3150) tags, Yahoo's [TSS04]).
import type { BounceReceiver } from "./types.js";

// Host names (Remote-MTA, `host NAME[ip]`, Reporting-MTA).
const GMAIL_HOST =
  /(?:^|[.\s])(?:google\.com|googlemail\.com|gmail\.com)\.?$|aspmx\.l\.google\.com|gmail-smtp-in/i;
const MICROSOFT_HOST =
  /outlook\.com|hotmail\.com|office365\.com|microsoft\.com|\bmsn\.com|exchangelabs\.com|live\.com|hotmail\./i;
const YAHOO_HOST = /yahoo|yahoodns\.net|\baol\.com|ymail/i;
// The receivers' own marks in a reply: Gmail's servers sign with "gsmtp"; Microsoft's tags such
// as (S3150) and its 5.7.6xx / 5.7.506 codes and postmaster links; Yahoo's [TSS04] / [BL21] tags.
// Google's help links are not a mark: Google also links them when it reports another receiver.
const GMAIL_TEXT = /\bgsmtp\b|gmail-smtp-in\.l\.google\.com|aspmx\.l\.google\.com/i;
const MICROSOFT_TEXT =
  /protection\.outlook\.com|sender\.office\.com|postmaster\.live\.com|mail\.live\.com|\(S3\d{3}\)|\b5\.7\.6[0-4]\d\b|\b5\.7\.506\b|\bhotmail\b|outlook\.com/i;
const YAHOO_TEXT = /yahoodns\.net|yahooinc\.com|verizonmedia\.com|\[TSS\d\d\]|\[BL2[13]\]|yahoo\.com/i;

const RELAYED =
  /other (?:server|email provider)|recipient (?:domain|server)|remote (?:server|host)|dns error|lookup of|domain name not found|host not found|no mx/i;

function byHost(host: string): BounceReceiver | null {
  if (GMAIL_HOST.test(host)) return "gmail";
  if (MICROSOFT_HOST.test(host)) return "microsoft";
  if (YAHOO_HOST.test(host)) return "yahoo";
  return null;
}

function byText(text: string): BounceReceiver | null {
  if (GMAIL_TEXT.test(text)) return "gmail";
  if (MICROSOFT_TEXT.test(text)) return "microsoft";
  if (YAHOO_TEXT.test(text)) return "yahoo";
  return null;
}

/** Host names the reply gives for the remote MTA (`host mx.example.com[ip]`, `host mx [ip]`). */
export function remoteHostInText(diagnostic: string): string | null {
  const match = /\bhost\s+([A-Za-z0-9][A-Za-z0-9.-]{0,252}\.[A-Za-z]{2,63})\.?\s?\[/.exec(diagnostic);
  return match?.[1] ?? null;
}

/**
 * `remoteMta` first (the DSN says who answered), then the reply's own marks, then the reporting
 * MTA when no remote host is named (a receiver reporting its own mailbox failure). "other" when a
 * host is known and is none of the three; "unknown" when nothing names the receiver.
 */
export function detectReceiver(
  remoteMta: string | null,
  diagnostic: string,
  reportingMta: string | null = null,
): BounceReceiver {
  const host = remoteMta ?? remoteHostInText(diagnostic);
  if (host !== null) {
    const fromHost = byHost(host);
    if (fromHost !== null) return fromHost;
  }
  const fromText = byText(diagnostic);
  if (fromText !== null) return fromText;
  // A reporter that relayed to someone else says so ("the other server returned", "rejected by
  // the recipient domain"), or reached no one (DNS errors); then it is not the receiver.
  const relayed = RELAYED.test(diagnostic);
  if (host === null && reportingMta !== null && !relayed) {
    const fromReporter = byHost(reportingMta);
    if (fromReporter !== null) return fromReporter;
  }
  return host !== null || diagnostic.length > 0 ? "other" : "unknown";
}

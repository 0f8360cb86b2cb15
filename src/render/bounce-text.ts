// Plain-text rendering of a bounce reading, shared by `rdns bounce` and the console chat. It says
// first what was refused and whether reverse DNS is the cause, then the receiver's own words.
import { MAX_INPUT_BYTES } from "../bounce/limits.js";
import type { BounceCategory, BounceFinding, BounceReceiver } from "../bounce/types.js";
import { mapStrings, terminalText } from "./inert-text.js";

const RECEIVER_NAMES: Record<BounceReceiver, string> = {
  gmail: "Gmail / Google Workspace",
  microsoft: "Microsoft 365 / Outlook.com",
  yahoo: "Yahoo / AOL",
  other: "another receiver",
  unknown: "unknown",
};

const CATEGORY_NOTES: Record<BounceCategory, string> = {
  rdns: "reverse DNS: the receiver says the sending IP's PTR, its forward match, or the HELO name is wrong",
  blocklist: "blocklist: the IP or domain is listed; fixing reverse DNS will not help, ask for delisting",
  auth: "authentication: SPF, DKIM or DMARC failed; fix the sending domain's records",
  reputation: "reputation: the receiver distrusts the IP or domain; slow down and clean the list",
  ratelimit: "rate limit: too much mail or too many complaints; retry later and send slower",
  mailbox: "mailbox: the recipient address is unknown, full or disabled",
  policy: "policy: the receiver refused by its own rules",
  other: "other: no known cause in the text",
};

function codeText(finding: BounceFinding): string {
  const parts = [finding.smtpCode?.toString(), finding.enhancedCode].filter((part) => part != null);
  return parts.length === 0 ? "none given" : parts.join(" ");
}

function byteSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MB`
    : `${Math.round(bytes / 1024)} KB`;
}

/**
 * One block per finding; a closing note when the input was cut (after `bytesRead` bytes).
 * Every value from the pasted text goes through terminalText (control and bidi characters, line
 * breaks too, written out: the diagnostic is one line, unwrapped by the reader).
 */
export function renderBounceText(
  unsafe: BounceFinding[],
  truncated: boolean,
  bytesRead: number = MAX_INPUT_BYTES,
): string {
  const findings = mapStrings(unsafe, (text) => terminalText(text));
  const lines: string[] = [];
  if (findings.length === 0) {
    lines.push("No bounce found: the text holds no SMTP rejection or delivery-status report.");
  }
  for (const [index, finding] of findings.entries()) {
    if (index > 0) lines.push("");
    const where = finding.file === null ? "" : ` in ${finding.file}`;
    const count = findings.length > 1 ? ` ${index + 1} of ${findings.length}` : "";
    lines.push(
      `Bounce${count}${where}: ${finding.rdnsRelated ? "reverse DNS is the cause" : "not a reverse-DNS problem"}`,
    );
    lines.push(`  refused address: ${finding.ip ?? "not named in the text"}`);
    if (finding.helo !== null) lines.push(`  HELO: ${finding.helo}`);
    lines.push(`  receiver: ${RECEIVER_NAMES[finding.receiver]}`);
    lines.push(`  code: ${codeText(finding)}`);
    lines.push(`  category: ${CATEGORY_NOTES[finding.category]}`);
    if (finding.explanation) lines.push(`  what it means: ${finding.explanation}`);
    if (finding.recipient !== null) lines.push(`  recipient: ${finding.recipient}`);
    lines.push(`  diagnostic: ${finding.diagnostic}`);
    if (finding.rdnsRelated && finding.ip !== null) {
      const helo = finding.helo === null ? "" : ` --helo ${finding.helo}`;
      lines.push(`  next: rdns check ${finding.ip}${helo}`);
    }
  }
  if (truncated) {
    lines.push("");
    lines.push(
      `Note: the input was longer than the limit (BOUNCE_MAX_BYTES); only its first ${byteSize(bytesRead)} was read.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

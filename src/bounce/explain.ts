// One line per finding: what the refusal means and who can fix it. Pure text from the facts the
// reader found; the reverse-DNS line names the next step (`rdns check`).
import type { BounceCategory, BounceFinding } from "./types.js";

const WHO: Record<Exclude<BounceCategory, "rdns">, string> = {
  blocklist:
    "The sending IP or domain is on a blocklist named in the reply; reverse DNS is not the cause: the sender's mail admin asks that list for delisting after fixing what got it listed.",
  auth: "SPF, DKIM or DMARC failed for the sending domain; the domain's DNS admin fixes its records (reverse DNS is not the cause).",
  reputation:
    "The receiver distrusts this IP, domain or message (spam verdict, complaints, poor reputation); the sender slows down and cleans the list; fixing reverse DNS alone will not help.",
  ratelimit:
    "The receiver limits how fast it accepts mail from this sender; the sender retries later and sends slower.",
  mailbox:
    "The recipient's mailbox is unknown, full or disabled; only the recipient or their admin can fix it: correct or remove the address.",
  policy:
    "The receiver's own rules refused the mail (sender address, size, content, relaying, a list's rules); the sender changes what the reply names or asks the receiver's postmaster.",
  other:
    "The receiving system failed or could not be reached (timeouts, unknown host, expired queue); usually temporary, and nothing in the sender's reverse DNS to fix.",
};

// Postfix's two client-name restrictions (postconf(5): reject_unknown_reverse_client_hostname,
// reject_unknown_client_hostname) differ in what they ask, so the fix differs too.
function postfixCause(diagnostic: string, ip: string): string | null {
  const lower = diagnostic.toLowerCase();
  if (lower.includes("cannot find your reverse hostname"))
    return `Postfix found no PTR record for ${ip} at all (reject_unknown_reverse_client_hostname: a PTR is all it asks; the name need not resolve back); the IP's owner (the hosting provider) adds the PTR.`;
  if (lower.includes("cannot find your hostname"))
    return `Postfix could not confirm a name for ${ip} (reject_unknown_client_hostname, forward-confirmed reverse DNS): either there is no PTR, or the PTR's name has no A/AAAA record pointing back to ${ip}; the IP's owner sets the PTR, the sender's admin the name's A/AAAA record.`;
  return null;
}

export function explainFinding(
  finding: Pick<BounceFinding, "category" | "ip" | "helo"> & { diagnostic?: string },
): string {
  if (finding.category !== "rdns") return WHO[finding.category];
  const ip = finding.ip ?? "the sending IP";
  const helo = finding.helo === null ? "" : ` --helo ${finding.helo}`;
  const next = finding.ip === null ? "" : ` Next: rdns check ${finding.ip}${helo}.`;
  const postfix = postfixCause(finding.diagnostic ?? "", ip);
  if (postfix !== null) return `${postfix}${next}`;
  return `The receiver refused ${ip} for its reverse DNS (no PTR, a PTR whose name does not resolve back, or a bad HELO name); the IP's owner (the hosting provider) sets the PTR, the sender's admin sets the name's A/AAAA record and the HELO.${next}`;
}

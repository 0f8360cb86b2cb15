// A pasted non-delivery notice without its headers (no MAILER-DAEMON sender, no subject to go by)
// and without a reply code: a connection that timed out, a domain with a null MX (RFC 7505), a
// delay. Its own opening words say it is a bounce: Postfix's "This is the mail system at host"
// and "I'm sorry to have to inform you that your message could not be delivered" (its bounce(5)
// templates), Gmail's "** Delivery incomplete **" and "Delivery to the following recipient
// failed". Then the text after the intro is the diagnostic, read like an envelope's own words.

const NOTICE_INTRO =
  /^(?:this is the mail system at host|this is the postfix program at host|i'm sorry to have to inform you that (?:your|the) message|\*\* delivery (?:incomplete|failed)|\*\* address not found|delivery to the following recipients? (?:failed|has been delayed))/i;

// Lines read for the intro: a paste may start with a line or two of the user's own words.
const INTRO_LINES = 8;
// The recipient line Postfix puts each failure on: `<a@example.org>: reason ...`.
const RECIPIENT_LINE = /^\s{0,8}<[^\s<>@]{1,64}@[^\s<>]{1,253}>(?: \(expanded from <[^>]{1,320}>\))?:/;

/**
 * The lines that hold the failure when the text opens as a non-delivery notice: from the first
 * recipient line on (Postfix), else the whole notice; null when it does not open as one.
 */
export function noticeByWords(lines: readonly string[]): string[] | null {
  let intro = -1;
  for (let i = 0, seen = 0; i < lines.length && seen < INTRO_LINES; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") continue;
    seen++;
    if (NOTICE_INTRO.test(line)) {
      intro = i;
      break;
    }
  }
  if (intro < 0) return null;
  const rest = lines.slice(intro);
  const first = rest.findIndex((line) => RECIPIENT_LINE.test(line));
  return first < 0 ? rest : rest.slice(first);
}

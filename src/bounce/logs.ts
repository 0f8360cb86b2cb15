// Mail logs (Postfix, Exim, Sendmail, qmail, app logs with one reply line per log line) of any
// size, read in one pass that keeps only the lines that matter. Each log line is one record, so
// each kept line becomes its own block; a reply folded over several log lines (`550-5.7.25 ...`
// continuation lines, each with the log's own prefix) is joined back into one.

import { linesCarryReply } from "./codes.js";

// syslog (`Nov 30 10:00:01 host proc[pid]: `, RFC 3164; RFC 5424 `<34>1 2026-...`), ISO 8601 and
// Exim's `2026-11-30 10:00:01 ` timestamps, qmail's TAI64N `@4000...`.
const LOG_PREFIX =
  /^(?:<\d{1,3}>\d?\s?)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?|@[0-9a-f]{24})\s+/;
// After the timestamp, syslog's `host proc[pid]: ` and a queue id (`4ABC123DEF: `).
const SYSLOG_SOURCE = /^[\w.-]{1,253} [\w./-]{1,64}(?:\[\d{1,10}\])?:\s/;
const QUEUE_ID = /^[0-9A-Za-z]{6,20}:\s/;

// Lines of a delivery failure: Postfix `status=bounced|deferred|undeliverable`, Exim `** ` (failed)
// and `== ` (deferred), Sendmail `stat=` other than Sent, qmail `delivery N: failure|deferral`.
const FAILURE_MARK =
  /\bstatus=(?:bounced|deferred|undeliverable|expired)\b|(?:^|\s)(?:\*\*|==) \S|\bstat=(?!sent\b)|\bdelivery \d{1,12}: (?:failure|deferral):|\b(?:fail|defer|dsn)\b/i;
const SUCCESS_MARK = /\bstatus=sent\b|\bstat=sent\b|(?:^|\s)=> \S|delivery \d{1,12}: success:/i;
// Words that make a line worth keeping even without a code (the receivers' rDNS texts first).
const WORTH_KEEPING =
  /ptr record|reverse dns|reverse hostname|cannot find your hostname|helo command rejected|client host rejected|access denied|blocked|rejected|refused|user unknown|mailbox (?:is )?full|does not exist/i;

// The recipient a log line names: Postfix's `to=<a@b>` (smtp/lmtp delivery lines, and smtpd's
// `NOQUEUE: reject: RCPT ...; from=<...> to=<a@b>`), Sendmail's `to=<a@b>` or `to=a@b,`. Not
// `orig_to=` (the address before aliasing) nor any other `...to=` field.
const LOG_RECIPIENT = /(?:^|[\s,;])to=<?([^\s<>@(),;]{1,64}@[A-Za-z0-9.-]{1,253}[A-Za-z0-9])>?(?=[\s,;]|$)/;

/** The recipient a log line's `to=` field names, or null. */
export function logRecipient(line: string): string | null {
  return LOG_RECIPIENT.exec(line)?.[1] ?? null;
}

/** True when the line opens a log record (a timestamp of a syslog, ISO 8601, Exim or qmail log). */
export function startsLogRecord(line: string): boolean {
  return LOG_PREFIX.test(line);
}

/** True when the text's first lines look like a log: most start with a timestamp. */
export function looksLikeLog(lines: string[]): boolean {
  let stamped = 0;
  let seen = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    if (LOG_PREFIX.test(line)) stamped++;
    if (++seen >= 40) break;
  }
  return seen >= 2 && stamped * 2 >= seen;
}

/** The log line without its timestamp, syslog source and queue id. */
export function stripLogPrefix(line: string): string {
  const stamp = LOG_PREFIX.exec(line);
  if (stamp === null) return line;
  let rest = line.slice(stamp[0].length);
  const source = SYSLOG_SOURCE.exec(rest);
  if (source !== null) rest = rest.slice(source[0].length);
  const queue = QUEUE_ID.exec(rest);
  if (queue !== null) rest = rest.slice(queue[0].length);
  return rest;
}

/**
 * qmail-send logs write the reply with `_` for spaces and `/` for line breaks; Exim writes a
 * multi-line reply's line breaks as the two characters `\n`. Both are turned back into text.
 */
export function unescapeLogLine(line: string): string[] {
  let text = line;
  if (/\bdelivery \d{1,12}: (?:failure|deferral):/.test(text))
    text = text.replace(/_/g, " ").replace(/\//g, " ");
  if (!text.includes("\\n")) return [text];
  return text.split(/\\n(?=\s{0,4}[45]\d\d[ -])/);
}

/**
 * A reply line that continues the previous one: `550-5.7.25 ...` after a `550-` line with the
 * same text before the code (an app log's level and tag). Returns the line from its code on, or
 * null when it does not continue.
 */
function continuation(previous: string | undefined, line: string): string | null {
  if (previous === undefined) return null;
  const match = /(?:^|\s|:)([45]\d\d)-\S/.exec(previous);
  if (match?.[1] === undefined) return null;
  const prefix = previous.slice(0, match.index + match[0].length - match[1].length - 2);
  // Exim's `\n`-separated lines start with the code; an app log repeats its own prefix.
  if (/^[45]\d\d[ -]/.test(line)) return line.startsWith(match[1]) ? line : null;
  const at = line.indexOf(match[1], prefix.length > 0 ? prefix.length - 1 : 0);
  if (at < 0 || at > prefix.length + 1 || line.slice(0, at).trim() !== prefix.trim()) return null;
  return line.slice(at);
}

/**
 * Keeps the lines of a log that matter, each as its own block (blank line between), at most
 * `maxLines` of them; successful deliveries are dropped. Work per line is a few anchored tests.
 */
export function filterLogLines(lines: Iterable<string>, maxLines: number): { lines: string[]; cut: boolean } {
  const kept: string[] = [];
  // The first line of the current reply, whose prefix its continuation lines repeat.
  let previous: string | undefined;
  for (const raw of lines) {
    if (SUCCESS_MARK.test(raw)) {
      previous = undefined;
      continue;
    }
    for (const piece of unescapeLogLine(raw)) {
      const line = stripLogPrefix(piece).trim();
      if (line === "") continue;
      const continued = continuation(previous, line);
      if (
        continued === null &&
        !(FAILURE_MARK.test(line) || linesCarryReply([line]) || WORTH_KEEPING.test(line))
      ) {
        previous = undefined;
        continue;
      }
      if (kept.length >= maxLines) return { lines: kept, cut: true };
      if (continued === null && kept.length > 0) kept.push("");
      kept.push(continued ?? line);
      if (continued === null) previous = line;
    }
  }
  return { lines: kept, cut: false };
}

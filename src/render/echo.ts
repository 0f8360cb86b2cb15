// Bounds on user text that a message repeats back. Commands quote what a person typed
// (`"<text>" is not an IP address`), and a 6,000-character Slack command text or Discord option
// would otherwise come back as a wall of text, or as several messages. Shortening works on the
// plain text, before any platform escaping, so it can never cut an escape sequence (`&amp;`, a
// backslash escape) in half; it cuts between graphemes, never inside an emoji or a combining mark.

/** At most this many characters of a quoted echo of user input. */
export const ECHO_MAX = 80;
/** At most this many characters of a usage error's problem line as a whole. */
export const PROBLEM_MAX = 300;

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** `text` if it has at most `max` graphemes, else its first `max - 1` and an ellipsis. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text; // a grapheme is at least one UTF-16 unit
  let kept = "";
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (count === max - 1) {
      // One more grapheme would still fit exactly: only cut when there is more than that.
      return text.length - kept.length > segment.length ? `${kept}…` : text;
    }
    kept += segment;
    count += 1;
  }
  return text;
}

/** Shortens every double-quoted stretch (what commands quote from the user) to ECHO_MAX. */
export function shortenQuotedEchoes(text: string): string {
  return text.replace(/"([^"\n]*)"/g, (_match, inner: string) => `"${shorten(inner, ECHO_MAX)}"`);
}

/** A usage error's problem line, ready to escape: quoted echoes shortened, the whole bounded. */
export function boundedProblem(problem: string): string {
  return shorten(shortenQuotedEchoes(problem), PROBLEM_MAX);
}

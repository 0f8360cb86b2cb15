// Small pieces of markup shared by the pages: verdict badges (a colour and a text label, never
// colour alone), times (relative text, exact time in the datetime attribute and tooltip).
import { formatDuration } from "../../render/duration.js";
import { html, type SafeHtml } from "../html.js";
import type { RowVerdict } from "../rows.js";

export const VERDICT_LABEL: Record<RowVerdict, string> = {
  pass: "PASS",
  fail: "FAIL",
  inconclusive: "COULD NOT TELL",
  pending: "PENDING",
};

/** Sort order of verdicts on the page: the ones needing attention first. */
export const VERDICT_RANK: Record<RowVerdict, number> = { fail: 0, inconclusive: 1, pending: 2, pass: 3 };

export function badge(verdict: RowVerdict): SafeHtml {
  return html`<span class="badge badge-${verdict}">${VERDICT_LABEL[verdict]}</span>`;
}

/** "3 h 5 min ago", "2 d ago" (a day and more in days). */
export function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  if (seconds < 5) return "just now";
  if (seconds >= 2 * 86_400) return `${Math.floor(seconds / 86_400)} d ago`;
  return `${formatDuration(seconds)} ago`;
}

/** `missing` is what a time that is not there says ("never" checked, "—" for no state yet). */
export function timeTag(iso: string | null, now: Date, missing = "never"): SafeHtml {
  if (iso === null) return html`<span class="muted">${missing}</span>`;
  return html`<time datetime="${iso}" title="${iso}">${ago(iso, now)}</time>`;
}

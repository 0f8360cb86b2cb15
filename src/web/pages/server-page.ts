// GET /servers/<ip>: one address, as two labelled things that need not agree: each watch's state
// (what the checks made with that watch's parameters found: the rows of the servers page), and the
// latest report of the address by any check, as `rdns check` prints it (a one-off
// `/rdns <ip> <helo>` with another HELO does not change a watch: docs/architecture.md,
// "Watches"). Then each watching channel's history of changes (newest first).

import type { ServerRow } from "../../app/server-rows.js";
import type { CheckReport } from "../../check/types.js";
import { renderReportText } from "../../render/check-text.js";
import type { HistoryEntry } from "../../store/history.js";
import { html } from "../html.js";
import { badge, timeTag } from "./format.js";
import { page } from "./layout.js";

export interface ServerPageData {
  ip: string;
  /** The address's rows (one per watch covering it). */
  rows: ServerRow[];
  report: CheckReport | null;
  /** channel -> that channel's history of the address, oldest first. */
  histories: Map<string, HistoryEntry[]>;
}

function historyTable(channel: string, entries: HistoryEntry[], now: Date) {
  if (entries.length === 0) return html`<h3>${channel}</h3><p class="muted">No changes recorded yet.</p>`;
  return html`<h3>${channel}</h3>
<table class="history"><thead><tr><th scope="col">When</th><th scope="col">Verdict</th><th scope="col">PTR</th><th scope="col">Problems</th></tr></thead>
<tbody>${[...entries]
    .reverse()
    .map(
      (entry) =>
        html`<tr><td data-label="When">${timeTag(entry.at, now)} <span class="detail">${entry.at}</span></td><td data-label="Verdict">${badge(entry.verdict)}</td><td data-label="PTR">${
          entry.names.length > 0
            ? entry.names.map((name) => html`<span class="name">${name}</span>`)
            : html`<span class="muted">none</span>`
        }</td><td data-label="Problems"><span class="codes">${entry.problems.join(" ") || "—"}</span></td></tr>`,
    )}</tbody></table>`;
}

function heloCell(row: ServerRow) {
  return row.helo === null
    ? html`<span class="muted">none</span>`
    : html`<span class="name">${row.helo.name}</span>`;
}

/** Each watch's own state: one line per watch covering the address. */
function watchStates(rows: readonly ServerRow[], now: Date) {
  if (rows.length === 0) return html`<p class="muted">No channel watches this address.</p>`;
  return html`<table class="history watch-state"><thead><tr><th scope="col">Channel</th><th scope="col">Watch</th><th scope="col">HELO</th><th scope="col">Verdict</th><th scope="col">Problems</th><th scope="col">Since</th><th scope="col">Checked</th></tr></thead>
<tbody>${rows.map(
    (row) =>
      html`<tr><td data-label="Channel"><span class="channel">${row.channel}</span></td><td data-label="Watch"><span class="watch">watch ${row.watch}</span>${row.paused ? html` <span class="muted">(paused)</span>` : ""}</td><td data-label="HELO">${heloCell(row)}</td><td data-label="Verdict">${badge(row.verdict)}</td><td data-label="Problems"><span class="codes">${row.problems.join(" ") || "—"}</span></td><td data-label="Since">${timeTag(row.since, now, "—")}</td><td data-label="Checked">${timeTag(row.checkedAt, now)}</td></tr>`,
  )}</tbody></table>`;
}

/** The latest report of the address by any check, saying which check it was. */
function latestReport(report: CheckReport | null, now: Date) {
  if (report === null)
    return html`<p class="muted">No report kept for this address (none yet, or it expired).</p>`;
  const helo = report.helo === null ? "no HELO" : html`HELO <span class="name">${report.helo.name}</span>`;
  return html`<p class="muted latest-check">The last check of this address by anyone (a watch run or a one-off command), ${timeTag(report.checkedAt, now)}, with ${helo}. A check made with other parameters than a watch's does not change that watch's state.</p>
<pre class="report">${renderReportText(report)}</pre>`;
}

export function renderServerPage(data: ServerPageData, now: Date): string {
  const body = html`<header class="top">
<p class="back"><a href="/">← all watched servers</a></p>
<h1>${data.ip}</h1>
</header>
<main>
<section class="watch-states"><h2>Watch state</h2>${watchStates(data.rows, now)}</section>
<section class="latest-report"><h2>Latest report (any check)</h2>${latestReport(data.report, now)}</section>
<section><h2>History</h2>${[...data.histories].map(([channel, entries]) => historyTable(channel, entries, now))}</section>
</main>`;
  return page(`${data.ip} · rdns`, body);
}

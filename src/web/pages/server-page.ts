// GET /servers/<ip>: one address: the watches that cover it, its latest report as `rdns check`
// prints it, and each watching channel's history of changes (newest first).
import type { CheckReport } from "../../check/types.js";
import { renderReportText } from "../../render/check-text.js";
import type { HistoryEntry } from "../../store/history.js";
import { html } from "../html.js";
import type { ServerRow } from "../rows.js";
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

export function renderServerPage(data: ServerPageData, now: Date): string {
  const first = data.rows[0];
  const watches = data.rows.map(
    (row) =>
      html`<li><span class="channel">${row.channel}</span> <span class="watch">watch ${row.watch}</span></li>`,
  );
  const body = html`<header class="top">
<p class="back"><a href="/">← all watched servers</a></p>
<h1>${data.ip} ${first ? badge(first.verdict) : ""}</h1>
<p class="muted">since ${timeTag(first?.since ?? null, now, "—")} · last checked ${timeTag(first?.checkedAt ?? null, now)}</p>
</header>
<main>
<section><h2>Watched by</h2>${data.rows.length > 0 ? html`<ul class="watches">${watches}</ul>` : html`<p class="muted">No channel watches this address.</p>`}</section>
<section><h2>Latest report</h2>${
    data.report === null
      ? html`<p class="muted">No report kept for this address (none yet, or it expired).</p>`
      : html`<pre class="report">${renderReportText(data.report)}</pre>`
  }</section>
<section><h2>History</h2>${[...data.histories].map(([channel, entries]) => historyTable(channel, entries, now))}</section>
</main>`;
  return page(`${data.ip} · rdns`, body);
}

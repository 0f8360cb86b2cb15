// GET /: one row per watched address, grouped by channel (a range's rows name their watch). Sorting, filtering and the
// 30 s refresh are done by /assets/servers.js on this markup: each sortable cell carries its sort
// value in data-value, each row its filterable text in data-search.

import {
  type Histories,
  historyKey,
  ipSortKey,
  type RowVerdict,
  type ServerRow,
} from "../../app/server-rows.js";
import { SECTION_IDS, type SectionId } from "../../check/sections/index.js";
import { blocklistRank, blocklistRowText } from "../../render/blocklist-row.js";
import { formatDuration } from "../../render/duration.js";
import { providerLabel } from "../../render/sections/owner.js";
import type { HistoryEntry } from "../../store/history.js";
import { html, type SafeHtml } from "../html.js";
import { ago, badge, timeTag, VERDICT_LABEL, VERDICT_RANK } from "./format.js";
import { page } from "./layout.js";

/** History entries drawn in each row's strip. */
export const STRIP_LENGTH = 12;

const COLUMNS = [
  ["ip", "IP"],
  ["ptr", "PTR"],
  ["fcrdns", "FCrDNS"],
  ["helo", "HELO"],
  ["owner", "Owner"],
  ["smtp", "SMTP"],
  ["blocklists", "Blocklists"],
  ["verdict", "Verdict"],
  ["since", "Since"],
  ["checked", "Last checked"],
  ["history", "History"],
] as const;

function serverPath(ip: string): string {
  return `/servers/${encodeURIComponent(ip)}`;
}

function ptrCell(row: ServerRow): SafeHtml {
  if (row.ptr.length > 0) return html`${row.ptr.map((name) => html`<span class="name">${name}</span>`)}`;
  // Never say "no PTR" unless the check said so (a DNS failure is not an answer).
  if (row.problems.includes("NO_PTR")) return html`<span class="warn-text">no PTR</span>`;
  return html`<span class="muted">—</span>`;
}

const FCRDNS_TEXT = { pass: "✓ pass", fail: "✗ fail", unknown: "? unknown" } as const;

function heloCell(row: ServerRow): SafeHtml {
  if (row.helo === null) return html`<span class="muted">not checked</span>`;
  const match =
    row.helo.matchesPtr === true
      ? "✓ matches PTR"
      : row.helo.matchesPtr === false
        ? "✗ differs from PTR"
        : "";
  const resolves =
    row.helo.resolvesToIp === true
      ? "✓ resolves to IP"
      : row.helo.resolvesToIp === false
        ? "✗ does not resolve to IP"
        : "";
  return html`<span class="name">${row.helo.name}</span><span class="detail">${[match, resolves].filter(Boolean).join(" · ")}</span>`;
}

/** The greeting's name of a probing watch (the html tag escapes it: it is the remote server's). */
function smtpCell(row: ServerRow): SafeHtml {
  const smtp = row.smtp ?? null;
  if (smtp === null) return html`<span class="muted">not probed</span>`;
  if (smtp.outcome !== "ok") return html`<span class="detail">${smtp.outcome}</span>`;
  const match =
    smtp.matchesPtr === true ? "✓ matches PTR" : smtp.matchesPtr === false ? "✗ differs from PTR" : "";
  return html`<span class="name">${smtp.bannerName ?? "no name"}</span><span class="detail">${match}</span>`;
}

/**
 * Each check section's cell (src/check/sections), read from the row: a new section is a compile
 * error until it has one (its header goes in COLUMNS, its row fields in src/app/server-rows.ts).
 */
const SECTION_CELLS: Record<
  SectionId,
  { label: string; value(row: ServerRow): string; cell(row: ServerRow): SafeHtml }
> = {
  helo: { label: "HELO", value: (row) => row.helo?.name ?? "", cell: heloCell },
  owner: { label: "Owner", value: (row) => row.owner?.provider ?? row.owner?.zone ?? "", cell: ownerCell },
  smtp: { label: "SMTP", value: (row) => row.smtp?.bannerName ?? "", cell: smtpCell },
  blocklists: {
    label: "Blocklists",
    value: (row) => String(blocklistRank(row.blocklists)),
    cell: blocklistCell,
  },
};

function blocklistCell(row: ServerRow): SafeHtml {
  const text = blocklistRowText(row.blocklists);
  if (text === "") return html`<span class="muted">not asked</span>`;
  const listed = row.blocklists.some((entry) => entry.status === "listed");
  return listed ? html`<span class="warn-text">${text}</span>` : html`<span class="detail">${text}</span>`;
}

/** Who controls the PTR: the provider (or the zone), the SOA contact beneath. */
function ownerCell(row: ServerRow): SafeHtml {
  const owner = row.owner ?? null;
  if (owner === null) return html``;
  const who = providerLabel(owner.provider) ?? owner.zone ?? "";
  return html`<span class="name">${who}</span><span class="detail">${owner.contact ?? ""}</span>`;
}

function sectionCells(row: ServerRow): SafeHtml[] {
  return SECTION_IDS.map((id) => {
    const entry = SECTION_CELLS[id];
    return html`<td data-label="${entry.label}" data-value="${entry.value(row)}">${entry.cell(row)}</td>`;
  });
}

function entryTitle(entry: HistoryEntry): string {
  const names = entry.names.length > 0 ? entry.names.join(", ") : "no PTR name";
  const problems = entry.problems.length > 0 ? ` (${entry.problems.join(", ")})` : "";
  return `${entry.at} ${entry.verdict.toUpperCase()}: ${names}${problems}`;
}

function strip(entries: readonly HistoryEntry[]): SafeHtml {
  if (entries.length === 0) return html`<span class="muted">—</span>`;
  const shown = entries.slice(-STRIP_LENGTH);
  // The tooltips carry the detail; screen readers get the sequence once, on the list (the
  // address's own page has the full history as a table).
  const sequence = shown.map((entry) => entry.verdict).join(", ");
  return html`<ol class="strip" aria-label="last ${shown.length} changes, oldest first: ${sequence}">${shown.map(
    (entry) => html`<li class="tick tick-${entry.verdict}" title="${entryTitle(entry)}"></li>`,
  )}</ol>`;
}

function rowMarkup(row: ServerRow, history: readonly HistoryEntry[], now: Date): SafeHtml {
  const search = [
    row.channel,
    row.watch,
    row.ip,
    ...row.ptr,
    row.helo?.name ?? "",
    row.verdict,
    VERDICT_LABEL[row.verdict],
    row.fcrdns,
    ...row.problems,
    row.paused ? "paused" : "",
  ].join(" ");
  return html`<tr class="row verdict-${row.verdict}" data-search="${search.toLowerCase()}">
<td data-label="IP" data-value="${ipSortKey(row.ip)}"><a href="${serverPath(row.ip)}">${row.ip}</a>${
    row.watch === row.ip ? "" : html`<span class="detail">watch ${row.watch}</span>`
  }${row.paused ? html`<span class="detail paused">paused: the channel is gone</span>` : ""}${
    row.everySeconds === null
      ? ""
      : html`<span class="detail">every ${formatDuration(row.everySeconds)}</span>`
  }${
    row.mutedUntil !== null && row.mutedUntil > now.toISOString()
      ? html`<span class="detail muted">muted until ${row.mutedUntil.slice(0, 16).replace("T", " ")} UTC</span>`
      : ""
  }</td>
<td data-label="PTR" data-value="${row.ptr.join(" ")}">${ptrCell(row)}</td>
<td data-label="FCrDNS" data-value="${row.fcrdns}" class="fcrdns-${row.fcrdns}">${FCRDNS_TEXT[row.fcrdns]}</td>
${sectionCells(row)}
<td data-label="Verdict" data-value="${VERDICT_RANK[row.verdict]}">${badge(row.verdict)}${
    row.problems.length > 0 ? html`<span class="codes">${row.problems.join(" ")}</span>` : ""
  }</td>
<td data-label="Since" data-value="${row.since ?? ""}">${timeTag(row.since, now, "—")}</td>
<td data-label="Last checked" data-value="${row.checkedAt ?? ""}">${timeTag(row.checkedAt, now)}</td>
<td data-label="History" data-value="${history.length}">${strip(history)}</td>
</tr>`;
}

interface Group {
  channel: string;
  watches: number;
  rows: ServerRow[];
}

/** Rows arrive grouped by channel, then watch (buildServerRows); one group per channel. */
function groupRows(rows: readonly ServerRow[]): Group[] {
  const groups: Group[] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last?.channel === row.channel) {
      if (last.rows.at(-1)?.watch !== row.watch) last.watches += 1;
      last.rows.push(row);
    } else groups.push({ channel: row.channel, watches: 1, rows: [row] });
  }
  return groups;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function counts(rows: readonly ServerRow[]): SafeHtml {
  const by = (verdict: RowVerdict) => rows.filter((row) => row.verdict === verdict).length;
  const parts = (["fail", "inconclusive", "pending", "pass"] as const)
    .filter((verdict) => by(verdict) > 0)
    .map(
      (verdict) =>
        html`<span class="count count-${verdict}">${by(verdict)} ${VERDICT_LABEL[verdict].toLowerCase()}</span>`,
    );
  return html`<span class="count">${rows.length} ${rows.length === 1 ? "address" : "addresses"}</span>${parts}`;
}

/** The table's parts the refresh swaps in (summary and groups), also used for the first render. */
export function serversTable(rows: readonly ServerRow[], histories: Histories, now: Date): SafeHtml {
  if (rows.length === 0) {
    return html`<p id="summary" class="summary">No watched addresses yet. In a channel, type <code>/rdns watch 203.0.113.5</code> (or a range such as 203.0.113.0/28).</p>`;
  }
  const header = html`<thead><tr>${COLUMNS.map(
    ([key, label]) =>
      html`<th scope="col" data-key="${key}"${key === "history" ? "" : html` aria-sort="none"`}>${
        key === "history" ? label : html`<button type="button" class="sort">${label}</button>`
      }</th>`,
  )}</tr></thead>`;
  const groups = groupRows(rows).map(
    (
      group,
    ) => html`<tbody class="group-head"><tr><th colspan="${COLUMNS.length}" scope="rowgroup"><span class="channel">${group.channel}</span> <span class="muted">${plural(group.watches, "watch", "watches")}, ${plural(group.rows.length, "address", "addresses")}</span></th></tr></tbody>
<tbody class="group">${group.rows.map((row) => rowMarkup(row, histories.get(historyKey(row.channel, row.ip)) ?? [], now))}</tbody>`,
  );
  return html`<p id="summary" class="summary">${counts(rows)}</p>
<table id="servers">${header}${groups}</table>`;
}

export function renderServersPage(
  rows: readonly ServerRow[],
  histories: Histories,
  now: Date,
  refreshSeconds = 30,
): string {
  const body = html`<header class="top">
<h1>Watched servers</h1>
<div class="tools">
<label for="filter">Filter</label>
<input id="filter" type="search" placeholder="IP, name, verdict or problem" autocomplete="off" spellcheck="false">
<span id="filter-status" class="muted" aria-live="polite"></span>
<span class="links"><a href="/servers.csv">CSV</a> <a href="/api/servers">JSON</a></span>
<span id="updated" class="muted">updated ${ago(now.toISOString(), now)}, refreshes every ${refreshSeconds} s</span>
</div>
</header>
<main id="content" data-refresh-seconds="${refreshSeconds}">
${serversTable(rows, histories, now)}
</main>`;
  return page("Watched servers · rdns", body, { script: true });
}

// GET /servers.csv: the API's rows as CSV for a spreadsheet, every cell made inert (formulas,
// control and bidi characters: src/render/inert-csv.ts).
import { blocklistRowText } from "../render/blocklist-row.js";
import { inertCsv } from "../render/inert-csv.js";
import type { ServerRow } from "./server-rows.js";

const HEADER = [
  "ip",
  "watch",
  "channel",
  "ptr",
  "fcrdns",
  "helo",
  "helo_matches_ptr",
  "helo_resolves_to_ip",
  "verdict",
  "problems",
  "since",
  "checked_at",
  "paused",
  "every_seconds",
  "muted_until",
  // A probing watch's SMTP greeting (`/rdns watch <ip> probe`); empty for the others. Last, so
  // the columns before keep their places.
  "blocklists",
  "smtp_greeting",
  "smtp_matches_ptr",
  "owner_zone",
  "owner_provider",
  "owner_contact",
];

const flag = (value: boolean | null | undefined) => (value === true ? "yes" : value === false ? "no" : "");

export function rowsToCsv(rows: readonly ServerRow[]): string {
  return inertCsv(
    HEADER,
    rows.map((row) => [
      row.ip,
      row.watch,
      row.channel,
      row.ptr.join(" "),
      row.fcrdns,
      row.helo?.name ?? "",
      flag(row.helo?.matchesPtr),
      flag(row.helo?.resolvesToIp),
      row.verdict,
      row.problems.join(" "),
      row.since ?? "",
      row.checkedAt ?? "",
      row.paused ? "yes" : "no",
      row.everySeconds === null ? "" : String(row.everySeconds),
      row.mutedUntil ?? "",
      blocklistRowText(row.blocklists ?? []),
      row.smtp?.bannerName ?? "",
      flag(row.smtp?.matchesPtr),
      row.owner?.zone ?? "",
      row.owner?.provider ?? "",
      row.owner?.contact ?? "",
    ]),
  );
}

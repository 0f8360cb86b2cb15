// GET /servers.csv: the API's rows as CSV (RFC 4180) for a spreadsheet. Names from DNS can start
// with "=", "+", "-" or "@", which a spreadsheet runs as a formula (CSV injection): csv-stringify's
// escape_formulas prefixes such cells with a quote. Control, bidi and other invisible characters
// are written out (`\u202e`) as the page writes them (src/render/inert-text.ts), so a PTR name
// cannot reorder or hide a cell's text in a spreadsheet, or a terminal's `cat`.
import { stringify } from "csv-stringify/sync";
import { blocklistRowText } from "../render/blocklist-row.js";
import { escapeInvisible } from "../render/inert-text.js";
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
  return stringify(
    rows.map((row) =>
      [
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
      ].map((cell) => escapeInvisible(cell)),
    ),
    { header: true, columns: HEADER, escape_formulas: true, record_delimiter: "windows" },
  );
}

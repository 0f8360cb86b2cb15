// CSV (RFC 4180, by csv-stringify) whose cells cannot act in a spreadsheet or a terminal: names
// from DNS can start with "=", "+", "-" or "@", which a spreadsheet runs as a formula (CSV
// injection), so escape_formulas prefixes such cells with a quote; control, bidi and other
// invisible characters are written out (`\u202e`) as the servers page writes them
// (./inert-text.ts), so a PTR name cannot reorder or hide a cell's text. GET /servers.csv and a
// watch run's summary attachment both write through here.
import { stringify } from "csv-stringify/sync";
import { escapeInvisible } from "./inert-text.js";

/** `rows` under `header`, CRLF line ends (RFC 4180 2.1), every cell made inert. */
export function inertCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => row.map((cell) => escapeInvisible(cell))),
    { header: true, columns: [...header], escape_formulas: true, record_delimiter: "windows" },
  );
}

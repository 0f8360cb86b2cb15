// DMARC aggregate reports (RFC 7489 appendix C): report files' bytes in, records and one row per
// source IP out. Pure: no I/O, no DNS (`rdns dmarc --check` asks DNS in the CLI layer).
import { isAscii } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import { MAX_RECORDS, MAX_UNCOMPRESSED_BYTES } from "./limits.js";
import { ReportParser } from "./parse-xml.js";
import { type DmarcReading, DmarcRefusedError } from "./types.js";
import { unpackReport } from "./unpack.js";

export { MAX_RECORDS, MAX_UNCOMPRESSED_BYTES } from "./limits.js";
export { rowsBySource } from "./rows.js";
export { type DmarcReading, type DmarcRecord, DmarcRefusedError, type DmarcRow } from "./types.js";

/** Text is decoded and parsed in slices, so no second copy of a large document is built at once. */
const SLICE_BYTES = 1024 * 1024;

function looksLikeReport(document: Uint8Array): boolean {
  // `<feedback` (or `<prefix:feedback`) within the first 16 KB: anything else is no report.
  const head = Buffer.from(document.buffer, document.byteOffset, Math.min(document.length, 16384)).toString(
    "latin1",
  );
  return /<(?:[A-Za-z_][\w.-]{0,40}:)?feedback[\s>]/.test(head);
}

function parseDocument(document: Uint8Array): ReturnType<ReportParser["end"]> {
  const parser = new ReportParser();
  // Reports are nearly always ASCII: then each slice is read as latin1, byte for character, which
  // is several times faster than UTF-8 decoding. Otherwise StringDecoder keeps a character split
  // across two slices whole (and is several times faster than TextDecoder on large input).
  if (isAscii(document)) {
    const bytes = Buffer.from(document.buffer, document.byteOffset, document.length);
    for (let at = 0; at < bytes.length; at += SLICE_BYTES)
      parser.write(bytes.toString("latin1", at, Math.min(bytes.length, at + SLICE_BYTES)));
    return parser.end();
  }
  const decoder = new StringDecoder("utf8");
  for (let at = 0; at < document.length; at += SLICE_BYTES)
    parser.write(decoder.write(document.subarray(at, Math.min(document.length, at + SLICE_BYTES))));
  parser.write(decoder.end());
  return parser.end();
}

/**
 * Reads one input file (plain XML, .gz or .zip). Throws DmarcRefusedError for an input over the
 * bounds or unreadable; resolves with `reports: 0` when it holds no aggregate report.
 */
export function readDmarcReport(bytes: Uint8Array): DmarcReading {
  const reading: DmarcReading = { reports: 0, records: [], organisations: [], skipped: 0 };
  let total = 0;
  let records = 0;
  for (const document of unpackReport(bytes)) {
    total += document.length;
    if (total > MAX_UNCOMPRESSED_BYTES)
      throw new DmarcRefusedError("holds more than 50 MiB of XML: not read");
    if (!looksLikeReport(document)) continue;
    const parsed = parseDocument(document);
    reading.reports += parsed.reports;
    records += parsed.recordCount;
    if (records > MAX_RECORDS)
      throw new DmarcRefusedError(`holds more than ${MAX_RECORDS.toLocaleString("en")} records: not read`);
    for (const record of parsed.records) reading.records.push(record);
    reading.skipped += parsed.skipped;
    if (parsed.organisation !== null) reading.organisations.push(parsed.organisation);
  }
  return reading;
}

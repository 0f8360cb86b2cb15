// Records -> one row per source IP, sorted by messages, most first (ties by address, so the
// output is the same on every run).
import type { DmarcRecord, DmarcRow } from "./types.js";

function tallyAdd(tally: Record<string, number>, key: string, count: number): void {
  tally[key] = (tally[key] ?? 0) + count;
}

/** The one value when all agree, else "mixed". */
function single(tally: Record<string, number>): string {
  const keys = Object.keys(tally);
  return keys.length === 1 ? (keys[0] ?? "none") : "mixed";
}

function byCount(tally: Record<string, number>): string[] {
  return Object.entries(tally)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key]) => key);
}

export function rowsBySource(records: Iterable<DmarcRecord>): DmarcRow[] {
  const bySource = new Map<
    string,
    {
      count: number;
      spf: Record<string, number>;
      dkim: Record<string, number>;
      disposition: Record<string, number>;
      from: Record<string, number>;
    }
  >();
  for (const record of records) {
    let entry = bySource.get(record.ip);
    if (entry === undefined) {
      entry = { count: 0, spf: {}, dkim: {}, disposition: {}, from: {} };
      bySource.set(record.ip, entry);
    }
    entry.count += record.count;
    tallyAdd(entry.spf, record.spf, record.count);
    tallyAdd(entry.dkim, record.dkim, record.count);
    tallyAdd(entry.disposition, record.disposition, record.count);
    tallyAdd(entry.from, record.headerFrom, record.count);
  }
  const rows: DmarcRow[] = [];
  for (const [ip, entry] of bySource) {
    const domains = byCount(entry.from);
    rows.push({
      ip,
      count: entry.count,
      spf: single(entry.spf),
      dkim: single(entry.dkim),
      disposition: single(entry.disposition),
      headerFrom: domains[0] ?? "",
      spfByResult: entry.spf,
      dkimByResult: entry.dkim,
      dispositionByResult: entry.disposition,
      headerFromDomains: domains,
    });
  }
  return rows.sort((a, b) => b.count - a.count || a.ip.localeCompare(b.ip));
}

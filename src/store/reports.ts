// The last report per IP, kept for a while so a watch can compare and a person can ask again.

import type { CheckReport } from "../check/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { parseStoredReport } from "./report-schema.js";
import { withScripts } from "./scripts.js";

// Keeps the newer report: checks of one IP overlap (a watch run, a person's command, a re-check),
// and a slow one that finishes last must not replace a newer answer, or the servers page and
// `/rdns status` would show the older state. Compare and write in one script
// (src/store/lua/report-set-if-newer.lua), so two writers cannot both read the old value and then
// write in the wrong order.

/**
 * Saves `report` as its IP's last report unless the stored one was checked later. Returns false
 * when the stored report was newer and stays.
 */
export async function saveLastReport(
  redis: RedisClient,
  keys: StoreKeys,
  report: CheckReport,
  ttlSeconds: number,
): Promise<boolean> {
  const written = await withScripts(redis).rdnsReportSetIfNewer(
    keys.lastReport(report.ip),
    JSON.stringify(report),
    report.checkedAt,
    String(ttlSeconds),
  );
  return written === 1;
}

/**
 * saveLastReport for many reports in one pipeline (one write to the socket, one round trip): a
 * watch chunk saves up to 256 at once, and a write per command cost more CPU than the script
 * itself. Each is still its own compare-by-checkedAt script; the result is in the order of
 * `reports` (false where the stored report was newer and stays).
 */
export async function saveLastReports(
  redis: RedisClient,
  keys: StoreKeys,
  reports: readonly CheckReport[],
  ttlSeconds: number,
): Promise<boolean[]> {
  if (reports.length === 0) return [];
  const pipeline = withScripts(redis).pipeline();
  for (const report of reports)
    pipeline.rdnsReportSetIfNewer(
      keys.lastReport(report.ip),
      JSON.stringify(report),
      report.checkedAt,
      String(ttlSeconds),
    );
  return ((await pipeline.exec()) ?? []).map(([error, written]) => {
    if (error) throw error;
    return written === 1;
  });
}

export async function getLastReport(
  redis: RedisClient,
  keys: StoreKeys,
  ip: string,
): Promise<CheckReport | null> {
  const text = await redis.get(keys.lastReport(ip));
  return text === null ? null : parseStoredReport(text);
}

/** Many last reports' stored texts in one round trip (ip -> JSON text; an IP without one is left out). */
async function getLastReportTexts(
  redis: RedisClient,
  keys: StoreKeys,
  ips: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (ips.length === 0) return found;
  // One GET per key in a pipeline rather than MGET: the keys are in different cluster slots.
  const pipeline = redis.pipeline();
  for (const ip of ips) pipeline.get(keys.lastReport(ip));
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([error, text], index) => {
    if (error) throw error;
    const ip = ips[index];
    if (typeof text === "string" && ip !== undefined) found.set(ip, text);
  });
  return found;
}

/** Many last reports in one round trip (ip -> report; an IP without one is left out). */
export async function getLastReports(
  redis: RedisClient,
  keys: StoreKeys,
  ips: readonly string[],
): Promise<Map<string, CheckReport>> {
  const found = new Map<string, CheckReport>();
  for (const [ip, text] of await getLastReportTexts(redis, keys, ips)) {
    const report = parseStoredReport(text);
    if (report !== null) found.set(ip, report);
  }
  return found;
}

/**
 * Reads the same addresses' last reports again and again (the servers page and GET /api/servers
 * read every watched address per request, and an open page refreshes every 30 s): a report whose
 * stored text is what it was at the last read is not parsed again (parsing them all was about
 * half of loading the snapshot at 1,024 addresses). It keeps only the addresses of its latest read, so it
 * never outgrows the watched set. The reports it returns are shared between reads: read-only.
 */
export class LastReportReader {
  private parsed = new Map<string, { text: string; report: CheckReport }>();

  async read(redis: RedisClient, keys: StoreKeys, ips: readonly string[]): Promise<Map<string, CheckReport>> {
    const next = new Map<string, { text: string; report: CheckReport }>();
    const found = new Map<string, CheckReport>();
    for (const [ip, text] of await getLastReportTexts(redis, keys, ips)) {
      const known = this.parsed.get(ip);
      const report = known !== undefined && known.text === text ? known.report : parseStoredReport(text);
      if (report === null) continue;
      next.set(ip, { text, report });
      found.set(ip, report);
    }
    this.parsed = next;
    return found;
  }
}

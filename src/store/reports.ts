// The last report per IP, kept for a while so a watch can compare and a person can ask again.
import type { Redis } from "ioredis";
import type { CheckReport } from "../check/types.js";
import type { StoreKeys } from "../keys.js";

// Keeps the newer report: checks of one IP overlap (a watch run, a person's command, a re-check),
// and a slow one that finishes last must not replace a newer answer, or the servers page and
// `/rdns status` would show the older state. Compare and write in one script, so two writers
// cannot both read the old value and then write in the wrong order. checkedAt is an ISO 8601 UTC
// time; both sides are brought to one width (fraction padded to 9 digits) so string order is time
// order whether or not a writer gave milliseconds. An equal time is written (the same report saved
// again by a retried job); a stored value that does not parse is replaced.
const SET_IF_NEWER = `
local function norm(t)
  if type(t) ~= 'string' then return nil end
  local head, frac = string.match(t, '^(%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d)%.?(%d*)Z$')
  if not head then return nil end
  return head .. '.' .. string.sub(frac .. '000000000', 1, 9)
end
local current = redis.call('GET', KEYS[1])
local incoming = norm(ARGV[2])
if current and incoming then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' then
    local storedAt = norm(stored.checkedAt)
    if storedAt and storedAt > incoming then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
`;

/**
 * Saves `report` as its IP's last report unless the stored one was checked later. Returns false
 * when the stored report was newer and stays.
 */
export async function saveLastReport(
  redis: Redis,
  keys: StoreKeys,
  report: CheckReport,
  ttlSeconds: number,
): Promise<boolean> {
  const written = await redis.eval(
    SET_IF_NEWER,
    1,
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
  redis: Redis,
  keys: StoreKeys,
  reports: readonly CheckReport[],
  ttlSeconds: number,
): Promise<boolean[]> {
  if (reports.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const report of reports)
    pipeline.eval(
      SET_IF_NEWER,
      1,
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

export async function getLastReport(redis: Redis, keys: StoreKeys, ip: string): Promise<CheckReport | null> {
  const text = await redis.get(keys.lastReport(ip));
  return text === null ? null : (JSON.parse(text) as CheckReport);
}

/** Many last reports' stored texts in one round trip (ip -> JSON text; an IP without one is left out). */
async function getLastReportTexts(
  redis: Redis,
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
  redis: Redis,
  keys: StoreKeys,
  ips: readonly string[],
): Promise<Map<string, CheckReport>> {
  const found = new Map<string, CheckReport>();
  for (const [ip, text] of await getLastReportTexts(redis, keys, ips))
    found.set(ip, JSON.parse(text) as CheckReport);
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

  async read(redis: Redis, keys: StoreKeys, ips: readonly string[]): Promise<Map<string, CheckReport>> {
    const next = new Map<string, { text: string; report: CheckReport }>();
    const found = new Map<string, CheckReport>();
    for (const [ip, text] of await getLastReportTexts(redis, keys, ips)) {
      const known = this.parsed.get(ip);
      const report =
        known !== undefined && known.text === text ? known.report : (JSON.parse(text) as CheckReport);
      next.set(ip, { text, report });
      found.set(ip, report);
    }
    this.parsed = next;
    return found;
  }
}

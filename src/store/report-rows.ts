// The servers page's row facts: for each watched IP and each HELO name a watch of it checks with
// ("" for none), the few fields a row shows, taken from the newest report made with exactly those
// parameters. Written when the report is saved (workers/settle.ts), so the page, GET
// /api/servers, /servers.csv and `/rdns status` read ~200 bytes per address instead of every
// full report (a few KB each), and a check made with other parameters (a one-off
// `/rdns <ip> <helo>`) never lands in a watch's row.
import type { Redis } from "ioredis";
import type { CheckReport, HeloReport, Problem } from "../check/types.js";
import type { StoreKeys } from "../keys.js";

/**
 * What a row shows of a report. A CheckReport is one (structurally), so the row builder takes
 * either; what is stored is only these fields.
 */
export interface ReportRow {
  checkedAt: string;
  verdict: CheckReport["verdict"];
  ptr: { names: string[] };
  fcrdns: CheckReport["fcrdns"];
  helo: Pick<HeloReport, "name" | "matchesPtr" | "resolvesToIp"> | null;
  problems: Pick<Problem, "code">[];
}

/** The report's row facts, every other field left out. */
export function reportRowOf(report: CheckReport): ReportRow {
  return {
    checkedAt: report.checkedAt,
    verdict: report.verdict,
    ptr: { names: [...report.ptr.names] },
    fcrdns: report.fcrdns,
    helo:
      report.helo === null
        ? null
        : {
            name: report.helo.name,
            matchesPtr: report.helo.matchesPtr,
            resolvesToIp: report.helo.resolvesToIp,
          },
    problems: [...new Set(report.problems.map((problem) => problem.code))].sort().map((code) => ({ code })),
  };
}

/** The HELO part of a row's key: names compare as DNS names do (case, a trailing dot), "" for none. */
export function heloParameter(helo: string | null | undefined): string {
  return helo === null || helo === undefined ? "" : helo.toLowerCase().replace(/\.$/, "");
}

/** A row's map key in readReportRows's answer. */
export function reportRowKey(ip: string, helo: string | null | undefined): string {
  return `${ip}|${heloParameter(helo)}`;
}

// Keeps the newer row, as the last report does (src/store/reports.ts): two checks of one IP with
// the same HELO can finish out of order. checkedAt is ISO 8601 UTC, brought to one width so string
// order is time order; an equal time is written (a retried job saving the same report again).
const SET_ROW_IF_NEWER = `
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
 * Saves each report's row under its IP and HELO, in one pipeline (each its own compare by
 * checkedAt). The caller passes only reports some watch checks that way.
 */
export async function saveReportRows(
  redis: Redis,
  keys: StoreKeys,
  reports: readonly CheckReport[],
  ttlSeconds: number,
): Promise<void> {
  if (reports.length === 0) return;
  const pipeline = redis.pipeline();
  for (const report of reports)
    pipeline.eval(
      SET_ROW_IF_NEWER,
      1,
      keys.reportRow(report.ip, heloParameter(report.helo?.name)),
      JSON.stringify(reportRowOf(report)),
      report.checkedAt,
      String(ttlSeconds),
    );
  for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
}

/**
 * The rows of many (IP, HELO) pairs in one round trip, keyed by reportRowKey; a pair without one
 * (never checked that way, or expired) is left out.
 */
export async function readReportRows(
  redis: Redis,
  keys: StoreKeys,
  pairs: readonly { ip: string; helo: string | null | undefined }[],
): Promise<Map<string, ReportRow>> {
  const found = new Map<string, ReportRow>();
  const unique = [...new Map(pairs.map((pair) => [reportRowKey(pair.ip, pair.helo), pair])).entries()];
  if (unique.length === 0) return found;
  // One GET per key in a pipeline rather than MGET: the keys are in different cluster slots.
  const pipeline = redis.pipeline();
  for (const [, { ip, helo }] of unique) pipeline.get(keys.reportRow(ip, heloParameter(helo)));
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([error, text], index) => {
    if (error) throw error;
    const key = unique[index]?.[0];
    if (typeof text === "string" && key !== undefined) found.set(key, JSON.parse(text) as ReportRow);
  });
  return found;
}

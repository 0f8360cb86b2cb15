// The servers page's row facts: for each watched IP and each HELO name a watch of it checks with
// ("" for none), the few fields a row shows, taken from the newest report made with exactly those
// parameters. Written when the report is saved (workers/settle.ts), so the page, GET
// /api/servers, /servers.csv and `/rdns status` read ~200 bytes per address instead of every
// full report (a few KB each), and a check made with other parameters (a one-off
// `/rdns <ip> <helo>`) never lands in a watch's row.

import { z } from "zod";
import type { BlocklistRow } from "../chat/types.js";
import type { CheckReport, HeloReport, OwnerReport, Problem, SmtpReport } from "../check/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { parseStored } from "./record.js";
import { withScripts } from "./scripts.js";

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
  /** Who controls the PTR; absent in rows written before the owner section. */
  owner?: Pick<OwnerReport, "zone" | "provider" | "contact"> | null;
  /** Each blocklist's state (absent in rows written before blocklists were asked). */
  blocklists?: BlocklistRow[];
  /** The SMTP greeting's facts, for a probing watch's row (absent: not probed). */
  smtp?: Pick<SmtpReport, "outcome" | "bannerName" | "matchesPtr"> | null;
}

// A row is a cache of the newest report's facts, rewritten by the next check: one this version
// cannot read is treated as absent (the row then shows the watch's stored state alone).
const reportRowSchema = z.object({
  checkedAt: z.string(),
  verdict: z.enum(["pass", "fail", "inconclusive"]),
  ptr: z.object({ names: z.array(z.string()) }),
  fcrdns: z.enum(["pass", "fail", "unknown"]),
  helo: z.object({ name: z.string(), matchesPtr: z.boolean(), resolvesToIp: z.boolean() }).nullable(),
  problems: z.array(z.object({ code: z.string() })),
  owner: z
    .object({ zone: z.string().nullable(), provider: z.string().nullable(), contact: z.string().nullable() })
    .nullable()
    .optional(),
  smtp: z
    .object({ outcome: z.string(), bannerName: z.string().nullable(), matchesPtr: z.boolean().nullable() })
    .nullable()
    .optional(),
  blocklists: z
    .array(
      z.object({
        zone: z.string(),
        status: z.enum(["listed", "clean", "refused", "error"]),
        codes: z.array(z.string()),
      }),
    )
    .optional(),
});

/**
 * The facts a watch state carries beside its verdict, names and problems (src/store/watch-states.ts
 * `facts`): the rest of a row, so a watched address costs one entry in its channel's state hash
 * rather than a state and a row key of its own (issue 28: a /16 at ~4 KB an address). Empty parts
 * (no HELO, no lists, not probed) are left out; so is an owner that is its block's
 * (src/store/watch-owners.ts), which the readers fill in (null: no owner known).
 */
export type StateFacts = Pick<ReportRow, "fcrdns"> &
  Partial<Pick<ReportRow, "helo" | "owner" | "blocklists" | "smtp">>;

export const stateFactsSchema = reportRowSchema
  .pick({ fcrdns: true, helo: true, owner: true, blocklists: true })
  .partial({ helo: true })
  .extend({
    smtp: z
      .object({
        outcome: z.enum(["ok", "refused", "timeout", "error"]),
        bannerName: z.string().nullable(),
        matchesPtr: z.boolean().nullable(),
      })
      .nullable()
      .optional(),
  });

/** A report's facts as a state keeps them (the report as the watch sees it: watchView). */
export function stateFactsOf(report: CheckReport): StateFacts {
  const blocklists = blocklistRowsOf(report.blocklists);
  return {
    fcrdns: report.fcrdns,
    ...(report.helo === null ? {} : { helo: heloRowOf(report.helo) }),
    owner: ownerRowOf(report.owner),
    ...(blocklists.length > 0 ? { blocklists } : {}),
    ...(report.smtp ? { smtp: smtpRowOf(report.smtp) } : {}),
  };
}

/** The owner facts a row shows (zone, provider, contact), or null when the report has none. */
export function ownerRowOf(owner: ReportRow["owner"] | undefined): ReportRow["owner"] {
  return owner === undefined || owner === null
    ? null
    : { zone: owner.zone, provider: owner.provider, contact: owner.contact };
}

/** The HELO facts a row shows (name, matches the PTR, resolves to the IP), or null with no HELO. */
export function heloRowOf(helo: ReportRow["helo"]): ReportRow["helo"] {
  return helo === null
    ? null
    : { name: helo.name, matchesPtr: helo.matchesPtr, resolvesToIp: helo.resolvesToIp };
}

/** The SMTP facts a row shows: how the probe went and the greeting's name. */
export function smtpRowOf(smtp: NonNullable<ReportRow["smtp"]>): NonNullable<ReportRow["smtp"]> {
  return { outcome: smtp.outcome, bannerName: smtp.bannerName, matchesPtr: smtp.matchesPtr };
}

/** The report's row facts, every other field left out. */
export function reportRowOf(report: CheckReport): ReportRow {
  return {
    checkedAt: report.checkedAt,
    verdict: report.verdict,
    ptr: { names: [...report.ptr.names] },
    fcrdns: report.fcrdns,
    helo: heloRowOf(report.helo),
    problems: [...new Set(report.problems.map((problem) => problem.code))].sort().map((code) => ({ code })),
    owner: ownerRowOf(report.owner),
    blocklists: blocklistRowsOf(report.blocklists),
    ...(report.smtp ? { smtp: smtpRowOf(report.smtp) } : {}),
  };
}

/**
 * The HELO a report was asked with: its HELO's name, or null when none was given (a HELO taken
 * from the SMTP greeting is the probe's finding, not a parameter of the check).
 */
export function askedHelo(report: Pick<CheckReport, "helo">): string | null {
  return report.helo?.source === "greeting" ? null : (report.helo?.name ?? null);
}

/** The blocklists' states a row shows (zone, status, codes), from a report's entries. */
export function blocklistRowsOf(entries: readonly BlocklistRow[] | undefined): BlocklistRow[] {
  return (entries ?? []).map((entry) => ({
    zone: entry.zone,
    status: entry.status,
    codes: [...entry.codes],
  }));
}

/** The HELO part of a row's key: names compare as DNS names do (case, a trailing dot), "" for none. */
export function heloParameter(helo: string | null | undefined): string {
  return helo === null || helo === undefined ? "" : helo.toLowerCase().replace(/\.$/, "");
}

/** A row's map key in readReportRows's answer. */
export function reportRowKey(ip: string, helo: string | null | undefined): string {
  return `${ip}|${heloParameter(helo)}`;
}

/**
 * Saves each report's row under its IP and HELO, in one pipeline (each its own compare by
 * checkedAt). The caller passes only reports some watch checks that way.
 */
export async function saveReportRows(
  redis: RedisClient,
  keys: StoreKeys,
  reports: readonly CheckReport[],
  ttlSeconds: number,
): Promise<void> {
  if (reports.length === 0) return;
  // The last report's keep-the-newer script (src/store/lua/report-set-if-newer.lua): two checks
  // of one IP with the same HELO can finish out of order, and a row carries its checkedAt too.
  const pipeline = withScripts(redis).pipeline();
  for (const report of reports)
    pipeline.rdnsReportSetIfNewer(
      keys.reportRow(report.ip, heloParameter(askedHelo(report))),
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
  redis: RedisClient,
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
    if (typeof text !== "string" || key === undefined) return;
    // The codes are this project's own (written by reportRowOf); the schema checks their shape.
    const row = parseStored(reportRowSchema, text) as ReportRow | null;
    if (row !== null) found.set(key, row);
  });
  return found;
}

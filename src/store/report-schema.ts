// A check report as stored (an IP's last report, src/store/reports.ts; a chain's first result,
// src/store/chain-results.ts). The report is the check's own type (src/check/types.ts), written
// only by this project's workers; the schema checks the fields the store and every reader key on
// (which IP, when, the verdict, the PTR answer, the problems) and keeps the rest as written.
import { z } from "zod";
import type { CheckReport } from "../check/types.js";
import { parseStored } from "./record.js";

const reportSchema = z.looseObject({
  ip: z.string(),
  family: z.union([z.literal(4), z.literal(6)]),
  verdict: z.enum(["pass", "fail", "inconclusive"]),
  summary: z.string(),
  ptr: z.looseObject({ status: z.string(), names: z.array(z.string()) }),
  problems: z.array(z.looseObject({ code: z.string(), severity: z.string(), message: z.string() })),
  checkedAt: z.string(),
});

/**
 * A stored report, or null when it fails its schema: a report is a cache of a check that can be
 * run again, so one this version cannot read is treated as absent (the next check replaces it).
 */
export function parseStoredReport(text: string): CheckReport | null {
  return parseStored(reportSchema, text) as CheckReport | null;
}

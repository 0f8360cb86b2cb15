// Shared by the `/rdns status` end-to-end tests (Slack, Discord): the channel's rows as the real
// GET /api/servers serves them (the web server on the engine's own Redis keys), and the checks of
// an attached CSV against those rows, parsed with csv-parse (not the code that wrote it).

import { parse } from "csv-parse/sync";
import { expect } from "vitest";
import type { ServerRow } from "../../../src/app/server-rows.js";
import { storeKeys } from "../../../src/keys.js";
import { blocklistRowText } from "../../../src/render/blocklist-row.js";
import type { Runtime } from "../../../src/runtime.js";
import { startWebServer } from "../../../src/web/server.js";
import { logger } from "../engine/support.js";

/** The watched range: 64 addresses of the lab's 203.0.113.0/24, most failing, one hostile PTR. */
export const RANGE = "203.0.113.0/26";
export const RANGE_SIZE = 64;

/** GET /api/servers from a web server on the runtime's store, cut to one channel ("slack:C0CMD"). */
export async function apiRows(runtime: Runtime, prefix: string, channel: string): Promise<ServerRow[]> {
  const server = await startWebServer({
    host: "127.0.0.1",
    port: 0,
    token: undefined,
    store: { redis: runtime.redis, keys: storeKeys(prefix) },
    logger,
  });
  try {
    const response = await fetch(`${server.url}/api/servers`);
    expect(response.status).toBe(200);
    const rows = (await response.json()) as ServerRow[];
    return rows.filter((row) => row.channel === channel);
  } finally {
    await server.close();
  }
}

/** Polls the API until every address of the range has a verdict (the first run is done). */
export async function settledRows(runtime: Runtime, prefix: string, channel: string): Promise<ServerRow[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await apiRows(runtime, prefix, channel);
    if (rows.length === RANGE_SIZE && rows.every((row) => row.verdict !== "pending")) return rows;
    if (Date.now() > deadline)
      throw new Error(
        `the range never settled: ${rows.filter((r) => r.verdict === "pending").length} pending`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const yesNo = (value: boolean | null | undefined) => (value === true ? "yes" : value === false ? "no" : "");

/**
 * The attached CSV has a header and exactly one record per API row, in the API's order, each
 * saying what the row says (checked field by field here, not by re-running rowsToCsv).
 */
export function expectCsvMatchesRows(csv: string, rows: readonly ServerRow[]): Record<string, string>[] {
  const records = parse(csv, { columns: true, skip_empty_lines: false }) as Record<string, string>[];
  expect(Object.keys(records[0] ?? {})).toEqual([
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
    "blocklists",
    "smtp_greeting",
    "smtp_matches_ptr",
    "owner_zone",
    "owner_provider",
    "owner_contact",
  ]);
  expect(records).toHaveLength(rows.length);
  records.forEach((record, index) => {
    const row = rows[index] as ServerRow;
    expect(record).toEqual({
      ip: row.ip,
      watch: row.watch,
      channel: row.channel,
      ptr: row.ptr.join(" "),
      fcrdns: row.fcrdns,
      helo: row.helo?.name ?? "",
      helo_matches_ptr: yesNo(row.helo?.matchesPtr),
      helo_resolves_to_ip: yesNo(row.helo?.resolvesToIp),
      verdict: row.verdict,
      problems: row.problems.join(" "),
      since: row.since ?? "",
      checked_at: row.checkedAt ?? "",
      paused: row.paused ? "yes" : "no",
      every_seconds: row.everySeconds === null ? "" : String(row.everySeconds),
      muted_until: row.mutedUntil ?? "",
      blocklists: blocklistRowText(row.blocklists),
      smtp_greeting: row.smtp?.bannerName ?? "",
      smtp_matches_ptr: yesNo(row.smtp?.matchesPtr),
      owner_zone: row.owner?.zone ?? "",
      owner_provider: row.owner?.provider ?? "",
      owner_contact: row.owner?.contact ?? "",
    });
  });
  return records;
}

/** The IPs a status message lists as rows, in order (row lines start with the address). */
export function listedIps(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    const match = /^(\d{1,3}(?:\.\d{1,3}){3}) · /.exec(line);
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

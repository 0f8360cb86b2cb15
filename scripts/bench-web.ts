// npm run bench:web: the servers page at 1,024 watched addresses in one channel, each with a
// report and 100 history entries, served by the built `rdns web` in its own process:
//   - GET /api/servers latency, p50 and p99 over 200 sequential requests (after 20 to warm up);
//   - the page's time to first contentful paint in headless Chromium (fresh tab each load);
//   - the serving process's CPU time per API request (user + system, from /proc/<pid>/stat), which
//     other load on the machine inflates much less than it does wall-clock latency;
//   - the serving process's resident memory (VmRSS and its peak VmHWM, from /proc);
//   - then the same for `rdns serve` (bot, workers and page in one process): API latency and memory.
// The data is written through the store's own functions (addWatch, saveLastReport and
// saveReportRows, compareAndSetWatchState with history entries) under a throw-away Redis prefix, removed at the end.
// The report is one real lab check of 203.0.113.10 (so it has real size), re-addressed per IP.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { runCheck } from "../src/check/index.js";
import { storeKeys } from "../src/keys.js";
import { HISTORY_LIMIT } from "../src/store/history.js";
import { saveReportRows } from "../src/store/report-rows.js";
import { saveLastReport } from "../src/store/reports.js";
import { compareAndSetWatchState } from "../src/store/watch-states.js";
import { addWatch } from "../src/store/watches.js";
import { STRIP_LENGTH } from "../src/web/pages/servers-page.js";
import { startLab } from "../test/lab/lab.js";
import { launchChromium } from "../test/support/chromium.js";

const ADDRESSES = 1024;
const CHANNEL = "slack:C0BENCH";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `rdns-benchweb-${randomBytes(4).toString("hex")}`;
const keys = storeKeys(prefix);
const redis = new Redis(REDIS_URL);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100; // USER_HZ: 100 on Linux for every architecture that /proc reports in.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

async function seed(): Promise<void> {
  const lab = await startLab();
  let template: Awaited<ReturnType<typeof runCheck>>;
  try {
    template = await runCheck({
      ip: "203.0.113.10",
      helo: "mail.example.test",
      resolvers: [lab.resolver],
      authorities: [lab.authority],
      timeoutMs: 1000,
    });
  } finally {
    await lab.stop();
  }
  // 198.18.0.0/22: RFC 2544's benchmarking range, 1,024 addresses.
  const ips = Array.from({ length: ADDRESSES }, (_, i) => `198.18.${Math.floor(i / 256)}.${i % 256}`);
  for (let block = 0; block < 4; block++) {
    const blockIps = ips.slice(block * 256, block * 256 + 256);
    const origin = {
      platform: "slack" as const,
      channel: "C0BENCH",
      thread: "slack:C0BENCH:1.0",
      parent: null,
    };
    const record = {
      target: `198.18.${block}.0/24`,
      ips: blockIps,
      origin,
      user: "U1",
      createdAt: `2026-12-01T0${block}:00:00Z`,
    };
    const added = await addWatch(redis, keys, CHANNEL, record, 65_536);
    if (!added.ok) throw new Error(`seed: ${added.reason}`);
  }
  const start = Date.UTC(2026, 10, 1);
  await Promise.all(
    ips.map(async (ip, index) => {
      let expected: string | null = null;
      for (let n = 0; n < HISTORY_LIMIT; n++) {
        const at = new Date(start + n * 3_600_000 + index).toISOString();
        const verdict = (n + index) % 3 === 0 ? "fail" : "pass";
        const names = verdict === "pass" ? ["mail.example.test"] : [];
        const problems = verdict === "pass" ? [] : ["NO_PTR"];
        const state = { verdict, names, problems, since: at, checkedAt: at } as const;
        const text = JSON.stringify(state);
        const written = await compareAndSetWatchState(
          redis,
          keys,
          CHANNEL,
          ip,
          expected,
          { ...state, names: [...names], problems: [...problems] },
          { at, verdict, names: [...names], problems: [...problems] },
        );
        if (!written) throw new Error("seed: compare-and-set lost");
        expected = text;
      }
      const report = {
        ...template,
        ip,
        checkedAt: new Date(start + HISTORY_LIMIT * 3_600_000).toISOString(),
      };
      await saveLastReport(redis, keys, report, 3600);
      // The row the page reads, as the check worker saves it with the report (workers/settle.ts).
      await saveReportRows(redis, keys, [report], 3600);
    }),
  );
}

/**
 * The built CLI serving the page: `rdns web` (the page alone), or `rdns serve` (bot, workers and
 * the page in one process, with the console chat since no chat token is set; nothing is queued
 * under the bench's prefix, so its workers stay idle and ask no DNS).
 */
function startServer(mode: "web" | "serve"): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["bin/rdns.js", mode], {
    env: {
      ...process.env,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WEB_PORT: "0",
      WEB_HOST: "127.0.0.1",
      WEB_TOKEN: "",
      // serve names its page's address in its start-up log line (on stderr); web on stdout.
      LOG_LEVEL: mode === "serve" ? "info" : "warn",
    },
    // serve's console chat reads standard input: a pipe left open keeps it running.
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      // web: "servers page: URL/"; serve: its "started" log line's web field, as JSON or pretty.
      const match = /servers page: (\S+)\/|"?web"?: ?"(http[^"]+)"/.exec(out);
      const url = match?.[1] ?? match?.[2];
      if (url !== undefined) resolve({ child, url: url.replace(/\/$/, "") });
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    if (mode === "web") child.stderr?.pipe(process.stderr);
    child.once("exit", (code) => reject(new Error(`rdns ${mode} exited ${code}: ${out.slice(-500)}`)));
  });
}

async function timed(url: string): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { ms: performance.now() - started, body };
}

/** `rdns serve` on the same data: its memory after the same API and page requests as above. */
async function measureServe(): Promise<void> {
  const { child, url } = await startServer("serve");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const pid = child.pid ?? 0;
    const rssIdle = procStatus(pid, "VmRSS");
    const rows = JSON.parse((await timed(`${url}/api/servers`)).body) as unknown[];
    if (rows.length !== ADDRESSES) throw new Error(`serve: expected ${ADDRESSES} rows, got ${rows.length}`);
    const api: number[] = [];
    for (let i = 0; i < 220; i++) api.push((await timed(`${url}/api/servers`)).ms);
    for (let i = 0; i < 30; i++) await timed(`${url}/`);
    api.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(1);
    process.stdout.write(
      `rdns serve (bot, idle workers, page): GET /api/servers p50 ${f(percentile(api, 50))} ms, p99 ${f(percentile(api, 99))} ms (220 requests); memory ${f(rssIdle)} MiB RSS at start, ${f(procStatus(pid, "VmRSS"))} MiB after 221 API and 30 page requests, peak ${f(procStatus(pid, "VmHWM"))} MiB\n`,
    );
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function main() {
  const seedStarted = performance.now();
  await seed();
  process.stdout.write(
    `seeded ${ADDRESSES} addresses x ${HISTORY_LIMIT} history entries in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`,
  );
  const { child, url } = await startServer("web");
  try {
    const pid = child.pid ?? 0;
    const rssIdle = procStatus(pid, "VmRSS");
    // Read our own numbers: the API must really return every row.
    const first = JSON.parse((await timed(`${url}/api/servers`)).body) as unknown[];
    if (first.length !== ADDRESSES) throw new Error(`expected ${ADDRESSES} rows, got ${first.length}`);
    for (let i = 0; i < 20; i++) await timed(`${url}/api/servers`);
    const api: number[] = [];
    const cpuBefore = cpuMs(pid);
    for (let i = 0; i < 200; i++) api.push((await timed(`${url}/api/servers`)).ms);
    const cpuPerRequest = (cpuMs(pid) - cpuBefore) / 200;
    api.sort((a, b) => a - b);
    const pages: number[] = [];
    let pageBytes = 0;
    for (let i = 0; i < 30; i++) {
      const { ms, body } = await timed(`${url}/`);
      pages.push(ms);
      pageBytes = body.length;
    }
    pages.sort((a, b) => a - b);
    process.stdout.write(
      `GET /api/servers (${ADDRESSES} rows, ${(JSON.stringify(first).length / 1024).toFixed(0)} KiB): p50 ${percentile(api, 50).toFixed(1)} ms, p99 ${percentile(api, 99).toFixed(1)} ms (200 requests), ${cpuPerRequest.toFixed(1)} ms CPU each in the server\n` +
        `GET / (${ADDRESSES} rows, ${STRIP_LENGTH}-entry history strips, ${(pageBytes / 1024).toFixed(0)} KiB): p50 ${percentile(pages, 50).toFixed(1)} ms, p99 ${percentile(pages, 99).toFixed(1)} ms (30 requests)\n`,
    );
    const chromium = await launchChromium();
    const paints: number[] = [];
    let renderedRows = 0;
    try {
      for (let i = 0; i < 10; i++) {
        const page = await chromium.browser.newPage();
        await page.goto(`${url}/`, { waitUntil: "load" });
        renderedRows = await page.$$eval("#servers tr.row", (rows) => rows.length);
        const fcp = await page.evaluate(
          () =>
            (
              globalThis as unknown as {
                performance: { getEntriesByName(name: string): { startTime: number }[] };
              }
            ).performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
        );
        paints.push(fcp);
        await page.close();
      }
    } finally {
      await chromium.close();
    }
    paints.sort((a, b) => a - b);
    if (renderedRows !== ADDRESSES)
      throw new Error(`expected ${ADDRESSES} rows on the page, got ${renderedRows}`);
    const rss = procStatus(pid, "VmRSS");
    const peak = procStatus(pid, "VmHWM");
    const f = (n: number) => n.toFixed(1);
    process.stdout.write(
      `${[
        `first contentful paint in headless Chromium: p50 ${f(percentile(paints, 50))} ms, max ${f(paints.at(-1) ?? Number.NaN)} ms (10 fresh tabs, ${renderedRows} rows rendered)`,
        `rdns web memory: ${f(rssIdle)} MiB RSS at start, ${f(rss)} MiB after the requests above, peak ${f(peak)} MiB`,
      ].join("\n")}\n`,
    );
  } finally {
    child.kill("SIGTERM");
  }
  await measureServe();
}

try {
  await main();
} finally {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (found.length > 0) await redis.del(...found);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
}

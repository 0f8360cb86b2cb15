// npm run bench:web: the servers page at 1,024 watched addresses in one channel, each with a
// report and 100 history entries, served by the built `rdns web` in its own process:
//   - GET /api/servers latency, p50 and p99 over 200 sequential requests (after 20 to warm up);
//   - the page's time to first contentful paint in headless Chromium (fresh tab each load);
//   - the serving process's resident memory (VmRSS and its peak VmHWM, from /proc).
// The data is written through the store's own functions (addWatch, saveLastReport,
// compareAndSetWatchState with history entries) under a throw-away Redis prefix, removed at the end.
// The report is one real lab check of 203.0.113.10 (so it has real size), re-addressed per IP.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { runCheck } from "../src/check/index.js";
import { storeKeys } from "../src/keys.js";
import { HISTORY_LIMIT } from "../src/store/history.js";
import { saveLastReport } from "../src/store/reports.js";
import { addWatch, compareAndSetWatchState } from "../src/store/watches.js";
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
      await saveLastReport(
        redis,
        keys,
        { ...template, ip, checkedAt: new Date(start + HISTORY_LIMIT * 3_600_000).toISOString() },
        3600,
      );
    }),
  );
}

function startWeb(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["bin/rdns.js", "web"], {
    env: {
      ...process.env,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WEB_PORT: "0",
      WEB_HOST: "127.0.0.1",
      WEB_TOKEN: "",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /servers page: (\S+)\//.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once("exit", (code) => reject(new Error(`rdns web exited ${code}`)));
  });
}

async function timed(url: string): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { ms: performance.now() - started, body };
}

async function main() {
  const seedStarted = performance.now();
  await seed();
  process.stdout.write(
    `seeded ${ADDRESSES} addresses x ${HISTORY_LIMIT} history entries in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`,
  );
  const { child, url } = await startWeb();
  try {
    const pid = child.pid ?? 0;
    const rssIdle = procStatus(pid, "VmRSS");
    // Read our own numbers: the API must really return every row.
    const first = JSON.parse((await timed(`${url}/api/servers`)).body) as unknown[];
    if (first.length !== ADDRESSES) throw new Error(`expected ${ADDRESSES} rows, got ${first.length}`);
    for (let i = 0; i < 20; i++) await timed(`${url}/api/servers`);
    const api: number[] = [];
    for (let i = 0; i < 200; i++) api.push((await timed(`${url}/api/servers`)).ms);
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
      `GET /api/servers (${ADDRESSES} rows, ${(JSON.stringify(first).length / 1024).toFixed(0)} KiB): p50 ${percentile(api, 50).toFixed(1)} ms, p99 ${percentile(api, 99).toFixed(1)} ms (200 requests)\n` +
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
      [
        `first contentful paint in headless Chromium: p50 ${f(percentile(paints, 50))} ms, max ${f(paints.at(-1) ?? Number.NaN)} ms (10 fresh tabs, ${renderedRows} rows rendered)`,
        `rdns web memory: ${f(rssIdle)} MiB RSS at start, ${f(rss)} MiB after the requests above, peak ${f(peak)} MiB`,
      ].join("\n") + "\n",
    );
  } finally {
    child.kill("SIGTERM");
  }
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

// `npm run bench:sweep`: against the DNS lab (Knot + Unbound on loopback), in one run,
//   1. the raw rate of the project's own DNS client: PTR questions to the lab's Unbound, as many
//      in flight as it allows (BENCH_RAW_INFLIGHT, default 256, the client's own cap), questions/s;
//   2. `rdns sweep` of a /20-sized range in this process, its JIT warm: checks/s, DNS questions
//      per check (from the client's observer), and the ratio of checks/s to raw rate / questions
//      per check (what the checks would reach if asking DNS were all they did); with the
//      resolver's cache warm (as the raw rate runs) and cold, the median of 5 passes each.
// The range is the lab's IPv4 /20, 203.0.112.0/20 (test/lab/README.md: the cases' zone 113 and 15
// generated zones with one pass each, the rest NXDOMAIN); BENCH_SWEEP_RANGE picks another range
// inside the lab. The in-process sweep (and the built CLI's) is also run over 2001:db8::/116
// (4,096 addresses in the lab's ip6.arpa zone, whose reverse names are three times as long), so
// the two families compare in one run; BENCH_SWEEP_COMPARE="" skips that. A sweep of addresses
// nobody asked about meets a cold resolver cache (Unbound asks Knot for each name); a range swept
// again within its TTLs, a warm one. The raw rate (1.) goes round the range's names, so after the
// first round Unbound answers it from its cache: the warm sweep is the one to compare with it.
//   3. the same range watched through the queue (issue 13 item 3): one watch run split into chunk
//      jobs of 256 addresses, checked by 1 and then 2 watch worker processes
//      (scripts/bench-watch-worker.ts) against the Redis at REDIS_URL (a unique prefix, removed
//      afterwards); timed from the run job's enqueue to the baseline the last chunk posts, so it
//      includes splitting, every per-address write (last report, watch state) and the tally.
//      The chunks are not spread here (a watch spreads them over up to 30 s of its hour). Each
//      worker count is timed twice on the same processes: a new watch's first run (fresh
//      processes, nothing stored), then a later run (warm processes, every address's report and
//      state stored): the later one compares with the in-process sweep, which is measured warm.
//   4. `rdns sweep` of the range by the built CLI in a fresh process, with 1 and with 2 threads
//      (what a user gets: cold JIT, worker threads started; needs `npm run build`), and of a
//      fleet-sized range, 2001:db8::/112 (65,536 addresses, all in the lab's ip6.arpa zone; a /20
//      is over before the JIT has warmed), with 1 thread (BENCH_SWEEP_FLEET="" skips it);
//   5. where the CPU goes during the in-process sweep (this process, and the lab's Unbound and
//      Knot from /proc: microseconds of CPU per check), and, when `dnsperf` is installed, its PTR
//      rate against the same Unbound in the same minute: the DNS side's ceiling.
//   6. a paced sweep (--qps, BENCH_SWEEP_PACED / BENCH_SWEEP_PACED_QPS) of the populated range's
//      first 64 addresses at 40 a second by the built CLI: its time against the pace's floor, and its problems
//      (a healthy lab: no DNS_ERROR).
// Targets (issue 13): sweep >= 30 % of the ratio, and >= 10,000 checks/s.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { parseWatchTarget } from "../src/app/targets.js";
import { DnsClient } from "../src/check/dns-client.js";
import { parseIp } from "../src/check/ip.js";
import { addressesOfAll, parseRange } from "../src/check/ranges.js";
import { runSweepCommand } from "../src/cli/sweep.js";
import { loadConfig } from "../src/config.js";
import { storeKeys } from "../src/keys.js";
import { createRedis } from "../src/queue/connection.js";
import { deliveryId, firstWatchRunId } from "../src/queue/ids.js";
import { createQueues } from "../src/queue/queues.js";
import { settingsFromConfig } from "../src/settings.js";
import { addWatch } from "../src/store/watches.js";
import { startLab } from "../test/lab/lab.js";
import { POPULATED_RANGE, SWEEP_V4_RANGE } from "../test/lab/zones.js";

const RANGE = process.env.BENCH_SWEEP_RANGE ?? SWEEP_V4_RANGE;
/** A second range swept in-process and by the built CLI, for comparison ("" for none). */
const COMPARE = process.env.BENCH_SWEEP_COMPARE ?? "2001:db8::/116";
/** A fleet-sized range for the built CLI ("" for none). */
const FLEET = process.env.BENCH_SWEEP_FLEET ?? "2001:db8::/112";
/** The populated range (every address a PTR, half confirm; "" for none). */
const POPULATED = process.env.BENCH_SWEEP_POPULATED ?? POPULATED_RANGE;
/** A paced sweep's range (--qps PACED_QPS, inside the populated range; "" for none). */
const PACED = process.env.BENCH_SWEEP_PACED ?? (POPULATED === POPULATED_RANGE ? "2001:db8:1::/122" : "");
const PACED_QPS = process.env.BENCH_SWEEP_PACED_QPS ?? "40";
const RAW_QUESTIONS = Number(process.env.BENCH_RAW_QUESTIONS ?? 60_000);
const RAW_INFLIGHT = Number(process.env.BENCH_RAW_INFLIGHT ?? 256);
/** --concurrency of the in-process sweep: the CLI's default unless BENCH_SWEEP_CONCURRENCY is set. */
const CONCURRENCY = process.env.BENCH_SWEEP_CONCURRENCY;
/**
 * Threads of the in-process sweep: 1 by default, comparable with earlier runs and with the raw
 * client's one thread; its threads would be cold and compiled by tsx on every run (the built
 * CLI's threaded sweep is measured separately, as a user runs it).
 */
const THREADS = process.env.BENCH_SWEEP_THREADS ?? "1";
/** BENCH_SWEEP_QUEUE=0 leaves out the sweeps through the queue (3.), e.g. to compare builds quickly. */
const QUEUE = process.env.BENCH_SWEEP_QUEUE !== "0";
/** The queue sweep's delay before re-asking inconclusive addresses (see queueSweep). */
const QUEUE_RETRY_DELAY_MS = Number(process.env.BENCH_QUEUE_RETRY_DELAY_MS ?? 10);
/** Longer than any TTL in the lab's sweep zones (RECORD_TTL 5 s): Unbound's cache is empty again. */
const COLD_CACHE_MS = 6_000;
const line = (text: string) => process.stdout.write(`${text}\n`);

/** PTR questions for the range's reverse names, round and round, `inflight` at a time. */
async function rawRate(resolver: string): Promise<{ rate: number; outcomes: Map<string, number> }> {
  const names = [...addressesOfAll([parseRange(RANGE)])].map((ip) => parseIp(ip).reverseName);
  const outcomes = new Map<string, number>();
  const client = new DnsClient({
    maxInFlightPerServer: RAW_INFLIGHT,
    onQuery: (event) => outcomes.set(event.outcome, (outcomes.get(event.outcome) ?? 0) + 1),
  });
  let next = 0;
  const lane = async () => {
    while (next < RAW_QUESTIONS) {
      const name = names[next++ % names.length] ?? "";
      await client.query({ name, type: "PTR", server: resolver, recursion: true, timeoutMs: 2000 });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: RAW_INFLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return { rate: RAW_QUESTIONS / seconds, outcomes };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return null;
  }
}

/** The lab's Unbound and (parent-zone) Knot processes: those whose command line names its folder. */
function labProcesses(dir: string): { unbound?: number; knot?: number } {
  const found: { unbound?: number; knot?: number } = {};
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    let command = "";
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!command.includes(dir)) continue;
    if (command.includes("unbound")) found.unbound = Number(pid);
    else if (command.includes("knot-authority")) found.knot = Number(pid);
  }
  return found;
}

/** CPU used by this process and the lab's servers, read before and after a run. */
function cpuMeter(dir: string): () => { node: number; unbound: number | null; knot: number | null } {
  const pids = labProcesses(dir);
  const serverCpu = () => ({
    unbound: pids.unbound === undefined ? null : cpuSeconds(pids.unbound),
    knot: pids.knot === undefined ? null : cpuSeconds(pids.knot),
  });
  const before = { usage: process.cpuUsage(), ...serverCpu() };
  return () => {
    const usage = process.cpuUsage(before.usage);
    const after = serverCpu();
    const spent = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    return {
      node: (usage.user + usage.system) / 1e6,
      unbound: spent(after.unbound, before.unbound),
      knot: spent(after.knot, before.knot),
    };
  };
}

/** dnsperf's PTR rate against `resolver` for the range's reverse names; null without dnsperf. */
async function dnsperfRate(resolver: string, range = RANGE): Promise<number | null> {
  const names = [...addressesOfAll([parseRange(range)])].map((ip) => `${parseIp(ip).reverseName} PTR`);
  const file = join(tmpdir(), `rdns-bench-dnsperf-${process.pid}.txt`);
  writeFileSync(file, `${names.join("\n")}\n`);
  const colon = resolver.lastIndexOf(":");
  const host = resolver.slice(0, colon);
  const port = resolver.slice(colon + 1);
  const args = ["-s", host, "-p", port, "-d", file, "-l", "5", "-c", "4", "-q", "256"];
  try {
    const { stdout } = await promisify(execFile)("dnsperf", args);
    const match = /Queries per second:\s+([\d.]+)/.exec(stdout);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}

/** `rdns sweep RANGE --format csv` in this process; rows to nowhere, the summary kept. */
async function sweepOnce(
  range: string,
  resolver: string,
  authority: string,
): Promise<{ exit: number; summary: string }> {
  let summary = "";
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const stderr = new Writable({
    write: (chunk, _encoding, done) => {
      summary += String(chunk);
      done();
    },
  });
  const exit = await runSweepCommand(
    [
      range,
      "--resolver",
      resolver,
      "--authority",
      authority,
      "--format",
      "csv",
      ...(CONCURRENCY === undefined ? [] : ["--concurrency", CONCURRENCY]),
      "--threads",
      THREADS,
    ],
    { stdout: sink, stderr },
  );
  return { exit, summary };
}

/**
 * The built CLI (`node bin/rdns.js sweep`, a fresh process as a user runs it: cold JIT, threads
 * started) over RANGE; its summary's checks/s, or null when the build is missing.
 */
async function builtSweep(
  range: string,
  resolver: string,
  authority: string,
  threads: string,
  extra: string[] = [],
): Promise<string | null> {
  if (!existsSync("dist/src/cli/sweep.js")) return null;
  const args = ["bin/rdns.js", "sweep", range, "--resolver", resolver, "--authority", authority, ...extra];
  const child = spawn(process.execPath, [...args, "--format", "csv", "--threads", threads], {
    env: { ...process.env, RESOLVERS: "", AUTHORITIES: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data: Buffer) => {
    stderr += String(data);
  });
  await new Promise((resolve) => child.on("exit", resolve));
  const summary = /^swept .*$/m.exec(stderr)?.[0];
  if (summary === undefined) return `no summary: ${stderr.slice(0, 200)}`;
  const problems = /^problems: .*$/m.exec(stderr)?.[0];
  return extra.length === 0 || problems === undefined ? summary : `${summary}; ${problems}`;
}

/**
 * A paced sweep (--qps) by the built CLI over part of the populated range: every address has a
 * PTR, so each asks the resolver its PTR and the name's AAAA, and the authority its PTR. The
 * pace, not the servers, sets its time (the busiest server's questions / qps, less the burst),
 * and a healthy lab must give no DNS_ERROR: the pacing wait is not the server's silence.
 */
async function pacedSweep(resolver: string, authority: string): Promise<void> {
  if (PACED === "") return;
  await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS)); // cold resolver cache
  const summary = await builtSweep(PACED, resolver, authority, "1", ["--qps", PACED_QPS]);
  if (summary === null) return;
  const addresses = Number(/^swept (\d+)/.exec(summary)?.[1]);
  const floor = (addresses * 2) / Number(PACED_QPS);
  line(
    `paced sweep, built CLI ${PACED} --qps ${PACED_QPS} (about ${floor.toFixed(2)} s at least: 2 questions an address to the resolver): ${summary}`,
  );
}

/** Starts a watch worker process; resolves once it takes jobs. */
function startWorker(settingsJson: string): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench-watch-worker.ts"], {
    env: { ...process.env, BENCH_SETTINGS: settingsJson },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.on("data", (data: Buffer) => {
      if (String(data).includes("ready"))
        resolve({
          stop: async () => {
            child.kill("SIGTERM");
            await exited;
          },
        });
    });
  });
}

/** One run's checks/s, timed from the run job's enqueue to the baseline its last chunk queues. */
interface QueueRun {
  checks: number;
  seconds: number;
}

/**
 * RANGE watched through the queue with `workers` worker processes, run twice on the same
 * workers: first as a new watch's first run (fresh processes: cold JIT, nothing stored yet), then,
 * after the resolver's cache has let go again, as a run of the same watch (warm processes, each
 * address's last report and watch state already stored, so every save and compare-and-set has a
 * stored value to compare with, as in a watch's every later run). The second run is the fair
 * comparison with the in-process sweep, which is measured warm. Each run is a baseline run (the
 * watch's createdAt is changed before the second), since the baseline is what marks its end.
 */
async function queueSweep(
  workers: number,
  resolver: string,
  authority: string,
): Promise<{ cold: QueueRun; warm: QueueRun }> {
  const config = loadConfig();
  const settings = {
    ...settingsFromConfig(config),
    prefix: `rdns-bench-${randomBytes(4).toString("hex")}`,
    check: { resolvers: [resolver], authorities: [authority], timeoutMs: 2000 },
    // An interval this short leaves no window to spread chunks over: the workers are measured.
    watchIntervalMs: 40,
    // The /20 holds addresses that stay inconclusive (the CNAME loops 203.0.113.30/31): a chunk
    // asks them again after 5, 10 and 20 s (checkRetryDelayMs 5,000, 4 attempts), and the baseline
    // waits for that, which measured the retry policy's 35 s, not the workers. The retries are
    // still made, 10 ms apart (then 20, 40): at 100 ms the three waits, each after the chunks
    // queued before it, were 0.7-0.8 s of a 2-2.5 s run (BENCH_QUEUE_RETRY_DELAY_MS sets it).
    checkRetryDelayMs: QUEUE_RETRY_DELAY_MS,
  };
  const target = parseWatchTarget(RANGE);
  if (!target.ok) throw new Error(target.problem);
  const redis = createRedis(config.redis, "client");
  const queues = createQueues(redis, settings);
  const keys = storeKeys(settings.prefix);
  const channel = "console:bench";
  const deliveries = queues.delivery("console");
  const children = await Promise.all(
    Array.from({ length: workers }, () => startWorker(JSON.stringify(settings))),
  );
  const origin = { platform: "console" as const, channel: "bench", thread: "bench:1", parent: null };
  const record = {
    target: target.value.label,
    ips: target.value.ips,
    origin,
    user: "bench",
    createdAt: "now",
  };
  /** The watch's first run under `createdAt` (its id says so): its last chunk posts a baseline. */
  const timedRun = async (createdAt: string): Promise<QueueRun> => {
    await redis.hset(keys.watches(channel), record.target, JSON.stringify({ ...record, createdAt }));
    const runId = firstWatchRunId(channel, record.target, createdAt);
    const baselineId = deliveryId(runId, `console|reply|${origin.thread}`, "baseline");
    const started = performance.now();
    await queues.watch.add("run", { kind: "run", channel, target: record.target }, { jobId: runId });
    let baseline = await deliveries.getJob(baselineId);
    while (baseline === undefined) {
      if (performance.now() - started > 300_000) throw new Error("the watch run did not finish in 5 min");
      await new Promise((resolve) => setTimeout(resolve, 20));
      baseline = await deliveries.getJob(baselineId);
    }
    const seconds = (performance.now() - started) / 1000;
    const message = baseline.data.message;
    const checks =
      message.kind === "watch-baseline" ? message.pass + message.fail + message.inconclusive : Number.NaN;
    return { checks, seconds };
  };
  try {
    const added = await addWatch(redis, keys, channel, record, 65_536);
    if (!added.ok) throw new Error(`could not store the bench watch: ${added.reason}`);
    const cold = await timedRun(record.createdAt);
    await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS)); // cold resolver cache
    const warm = await timedRun("again");
    return { cold, warm };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    for (const queue of [queues.watch, queues.check, queues.delivery("console")])
      await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${settings.prefix}:*`, "COUNT", 1000);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
  }
}

/** Measured passes per resolver-cache state; the median is reported (one slow pass is noise). */
const PASSES = 5;
/** Unmeasured passes first, so V8 has optimised the sweep's code before it is measured. */
const WARM_UP_PASSES = 5;

interface Measured {
  checksPerSecond: number;
  perCheck: number;
  summary: string;
  exit: number;
  cpu: { node: number; unbound: number | null; knot: number | null };
  checks: number;
  seconds: number;
}

/** One measured in-process sweep: its summary parsed, and the CPU this process and the lab used. */
async function measuredSweep(
  range: string,
  dir: string,
  resolver: string,
  authority: string,
): Promise<Measured> {
  const meter = cpuMeter(dir);
  const { exit, summary } = await sweepOnce(range, resolver, authority);
  const cpu = meter();
  const match = /swept (\d+) address(?:es)? in ([\d.]+) s \((\d+) checks\/s, (\d+) DNS questions\)/.exec(
    summary,
  );
  if (match === null) throw new Error(`could not read the sweep's summary: ${summary}`);
  const checks = Number(match[1]);
  // The summary's own rate: its seconds have two decimals, a step of 2.5 % at 0.4 s.
  const checksPerSecond = Number(match[3]);
  const seconds = checks / checksPerSecond;
  return {
    checksPerSecond,
    perCheck: Number(match[4]) / checks,
    summary,
    exit,
    cpu,
    checks,
    seconds,
  };
}

/** The pass with the median rate, and the CPU of all passes together (per check). */
function median(passes: Measured[]): { middle: Measured; all: Measured[] } {
  const sorted = [...passes].sort((a, b) => a.checksPerSecond - b.checksPerSecond);
  return { middle: sorted[Math.floor(sorted.length / 2)] as Measured, all: passes };
}

/**
 * The in-process sweep of `range` from a warm JIT, with the resolver's cache in each state:
 *   warm: each measured pass right after a pass that filled Unbound's cache (well inside the
 *     lab's 3 s negative TTL): what the raw rate (1.) and dnsperf measure, Unbound answering from
 *     its cache; the authority is asked every time either way (RD=0, Knot keeps no cache);
 *   cold: each measured pass after every cached answer has expired (COLD_CACHE_MS): a sweep of
 *     addresses nobody asked about, where Unbound asks Knot for each name.
 * PASSES passes each; prints the median's checks/s, the ratio to the raw rate, and CPU per check
 * of this process and the lab's servers over all the passes.
 */
async function inProcess(range: string, rawRate: number, dir: string, resolver: string, authority: string) {
  // This process's JIT warmed on the range itself (a fresh process is measured by builtSweep):
  // with two passes the measured rates still rose pass after pass (5,990 -> 10,217 checks/s over
  // the five warm ones, V8 still optimising), so five.
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) await sweepOnce(range, resolver, authority);
  const warm: Measured[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    await sweepOnce(range, resolver, authority); // fills the resolver's cache
    warm.push(await measuredSweep(range, dir, resolver, authority));
  }
  const cold: Measured[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS));
    cold.push(await measuredSweep(range, dir, resolver, authority));
  }
  const results: Record<"warm" | "cold", number> = { warm: 0, cold: 0 };
  for (const [state, passes] of [
    ["warm", warm],
    ["cold", cold],
  ] as const) {
    const { middle, all } = median(passes);
    const ceiling = rawRate / middle.perCheck;
    const ratio = middle.checksPerSecond / ceiling;
    const rates = all.map((pass) => pass.checksPerSecond.toFixed(0)).join(", ");
    const label = `sweep in-process ${range}, ${state} resolver cache`;
    line(`${label}: ${middle.summary.trim().split("\n").join("; ")} (exit ${middle.exit})`);
    line(
      `${label}: ${middle.checksPerSecond.toFixed(0)} checks/s (median of ${rates}), ${middle.perCheck.toFixed(2)} DNS questions per check; raw rate / questions per check = ${ceiling.toFixed(0)} checks/s; ratio ${(ratio * 100).toFixed(1)} % (target >= 30 %: ${ratio >= 0.3 ? "met" : "NOT met"}; >= 10,000 checks/s: ${middle.checksPerSecond >= 10_000 ? "met" : "NOT met"})`,
    );
    const checks = all.reduce((sum, pass) => sum + pass.checks, 0);
    const seconds = all.reduce((sum, pass) => sum + pass.seconds, 0);
    const total = (pick: (cpu: Measured["cpu"]) => number | null) => {
      const values = all.map((pass) => pick(pass.cpu));
      return values.some((value) => value === null)
        ? null
        : values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
    };
    const node = total((cpu) => cpu.node) ?? 0;
    const unbound = total((cpu) => cpu.unbound);
    const knot = total((cpu) => cpu.knot);
    const perCheckUs = (spent: number | null) =>
      spent === null ? "n/a" : `${((spent / checks) * 1e6).toFixed(0)} us`;
    const cores = (node + (unbound ?? 0) + (knot ?? 0)) / seconds / (checks / seconds / 10_000);
    line(
      `${label}, CPU per check: this process ${perCheckUs(node)} (all its threads), Unbound ${perCheckUs(unbound)}, Knot ${perCheckUs(knot)} (/proc, 10 ms ticks, ${PASSES} passes); at 10,000 checks/s that is ${cores.toFixed(2)} of this machine's ${availableParallelism()} cores`,
    );
    results[state] = middle.checksPerSecond;
  }
  return { checksPerSecond: results.warm, cold: results.cold, perCheck: median(warm).middle.perCheck };
}

/** The machine is shared: the load others put on it is part of the number. */
function loadAverage(): string {
  return `${loadavg()
    .map((load) => load.toFixed(1))
    .join(" ")} (1, 5, 15 min) on ${availableParallelism()} cores`;
}

/**
 * The populated range (every address has a PTR, half confirm): the in-process sweep (JIT warmed
 * by one pass; one pass with the resolver's cache warm, one cold) and the built CLI, each against
 * dnsperf's PTR rate over the same names from the same Unbound, measured just before. Target
 * (issue 25): checks/s >= 0.10 x dnsperf's questions/s.
 */
async function populated(range: string, dir: string, resolver: string, authority: string): Promise<void> {
  const dnsperf = await dnsperfRate(resolver, range);
  await sweepOnce(range, resolver, authority); // JIT and the resolver's cache
  const warm = await measuredSweep(range, dir, resolver, authority);
  await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS));
  const cold = await measuredSweep(range, dir, resolver, authority);
  await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS));
  const built = await builtSweep(range, resolver, authority, "1");
  const builtRate = Number(/\((\d+) checks\/s/.exec(built ?? "")?.[1] ?? Number.NaN);
  const yardstick =
    dnsperf === null
      ? "dnsperf: not installed (or failed), no yardstick"
      : `dnsperf ${dnsperf.toFixed(0)} PTR questions/s over the same names from the same Unbound; target 0.10 x = ${(dnsperf * 0.1).toFixed(0)} checks/s`;
  line(`populated ${range} (every address a PTR, half confirm): ${yardstick}`);
  for (const [label, rate, detail] of [
    [
      "in-process, warm resolver cache",
      warm.checksPerSecond,
      `${warm.perCheck.toFixed(2)} DNS questions per check`,
    ],
    [
      "in-process, cold resolver cache",
      cold.checksPerSecond,
      `${cold.perCheck.toFixed(2)} DNS questions per check`,
    ],
    ["built CLI (fresh process), --threads 1", builtRate, built ?? "no build"],
  ] as const) {
    const ratio = dnsperf === null ? Number.NaN : rate / dnsperf;
    line(
      `populated ${range}, ${label}: ${rate.toFixed(0)} checks/s = ${ratio.toFixed(3)} x dnsperf (target >= 0.10: ${ratio >= 0.1 ? "met" : "NOT met"}); ${detail}`,
    );
  }
  const node = (warm.cpu.node / warm.checks) * 1e6;
  const unbound =
    warm.cpu.unbound === null ? "n/a" : `${((warm.cpu.unbound / warm.checks) * 1e6).toFixed(0)} us`;
  const knot = warm.cpu.knot === null ? "n/a" : `${((warm.cpu.knot / warm.checks) * 1e6).toFixed(0)} us`;
  line(
    `populated ${range}, where the time goes (warm pass, CPU per check): this process ${node.toFixed(0)} us, Unbound ${unbound}, Knot ${knot}`,
  );
}

const lab = await startLab({ populated: POPULATED !== "" });
try {
  line(`load average before: ${loadAverage()}`);
  // Warm: Unbound's cache and this process's JIT (the lab's negative TTL is 3 s, so it cools fast).
  await sweepOnce(RANGE, lab.resolver, lab.authority);
  const raw = await rawRate(lab.resolver);
  const outcomeText = [...raw.outcomes.entries()].map(([outcome, count]) => `${outcome} ${count}`).join(", ");
  line(
    `raw DNS client:  ${raw.rate.toFixed(0)} PTR questions/s to the lab's Unbound (${RAW_QUESTIONS} questions, ${RAW_INFLIGHT} in flight; ${outcomeText})`,
  );
  const main = await inProcess(RANGE, raw.rate, lab.dir, lab.resolver, lab.authority);
  const perCheck = main.perCheck;
  if (COMPARE !== "" && COMPARE !== RANGE) {
    await inProcess(COMPARE, raw.rate, lab.dir, lab.resolver, lab.authority);
  }
  const dnsperf = await dnsperfRate(lab.resolver);
  line(
    dnsperf === null
      ? "dnsperf: not installed (or failed); no DNS-side ceiling measured"
      : `dnsperf (same minute, 4 clients, 256 outstanding, 5 s): ${dnsperf.toFixed(0)} PTR questions/s from the same Unbound; / ${perCheck.toFixed(2)} questions per check = ${(dnsperf / perCheck).toFixed(0)} checks/s if DNS were the only limit (dnsperf shares the cores too)`,
  );
  for (const range of COMPARE !== "" && COMPARE !== RANGE ? [RANGE, COMPARE] : [RANGE]) {
    for (const threads of ["1", "2"]) {
      await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS)); // cold resolver cache
      const built = await builtSweep(range, lab.resolver, lab.authority, threads);
      line(
        built === null
          ? "sweep, built CLI: no build (npm run build) to measure"
          : `sweep, built CLI (fresh process) ${range}, --threads ${threads}: ${built}`,
      );
    }
  }
  if (FLEET !== "") {
    await new Promise((resolve) => setTimeout(resolve, COLD_CACHE_MS)); // cold resolver cache
    const built = await builtSweep(FLEET, lab.resolver, lab.authority, "1");
    if (built !== null) line(`sweep, built CLI (fresh process) ${FLEET}, --threads 1: ${built}`);
  }
  if (POPULATED !== "") await populated(POPULATED, lab.dir, lab.resolver, lab.authority);
  await pacedSweep(lab.resolver, lab.authority);
  const queued: number[] = [];
  for (const workers of QUEUE ? [1, 2] : []) {
    const runs = await queueSweep(workers, lab.resolver, lab.authority);
    for (const [label, { checks, seconds }] of [
      ["fresh processes, first run", runs.cold],
      ["warm processes, states stored", runs.warm],
    ] as const) {
      const rate = checks / seconds;
      if (label.startsWith("warm")) queued.push(rate);
      line(
        `sweep through the queue, ${workers} worker process${workers === 1 ? "" : "es"} (${label}): ${checks} addresses in ${seconds.toFixed(2)} s, ${rate.toFixed(0)} checks/s (${((rate / main.checksPerSecond) * 100).toFixed(0)} % of in-process with a warm resolver cache, ${((rate / main.cold) * 100).toFixed(0)} % with a cold one; inconclusive addresses retried after ${QUEUE_RETRY_DELAY_MS} ms, not the configured delay)`,
      );
    }
  }
  if (QUEUE)
    line(
      `through the queue (warm), 2 workers / 1 worker: ${((queued[1] ?? Number.NaN) / (queued[0] ?? Number.NaN)).toFixed(2)}x (both share this machine's ${availableParallelism()} cores with the lab)`,
    );
  line(`load average after: ${loadAverage()}`);
} finally {
  await lab.stop();
}

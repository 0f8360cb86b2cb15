// `npm run bench:failover`: the Sentinel failover of failover.test.ts, 20 times (RDNS_BENCH_FAILOVER
// kills; skipped unless it is set, so the CI suite runs the single-kill test only). Each kill: a
// fresh primary, replica and three Sentinels, the engine on them with the production lock and
// stall settings, 200 /rdns commands with the primary SIGKILLed after the 100th. Per kill and in
// total: seconds from the kill until the Sentinels name a new primary, until the first answer
// posted after that (to any command), until the first answer to a command sent after it, the longest
// gap between two answers; commands lost (no answer in 60 s), doubled (two answers), late
// (answered more than 10 s after they were sent); and what the dead primary took with it: the
// bytes it had written and the replica had not yet read just before the kill, jobs whose finish
// the new primary refused (it never saw them taken), jobs taken again after their lock lapsed
// (stalled) and jobs still active once all was answered (their finish died with the primary).
// Figures: docs/operations.md "Sentinel and Cluster".
import type { Worker } from "bullmq";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import type { RedisClient } from "../../../src/redis-client.js";
import { startRuntime } from "../../../src/runtime.js";
import { startSentinelSet } from "../../support/redis-servers.js";
import { labSettings, logger, type Posted, RecordingPlatform } from "../engine/support.js";

const KILLS = Number(process.env.RDNS_BENCH_FAILOVER ?? 0);
const BURST = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms) / 1000;

interface KillResult {
  /** Until the Sentinels named a new primary (null: not within 60 s). */
  failoverS: number | null;
  /** Until the first answer, to any command, posted once the new primary was named (null: none). */
  answeringAgainS: number | null;
  /** Until the first answer to a command sent after the kill (null: none). */
  firstNewAnswerS: number | null;
  /** The longest time between two answers, from the kill until the last one. */
  silenceS: number;
  lost: number;
  doubled: number;
  late: number;
  /** Jobs whose finish the new primary refused: it never saw them taken (lost with the old one). */
  refusedFinish: number;
  /** Jobs taken again after their lock lapsed. */
  stalled: number;
  /** Bytes the primary had written and the replica had not yet read, just before the kill. */
  lagBytes: number;
  /** Jobs still active once everything was answered: their finish died with the primary. */
  leftActive: number;
}

/** The replication offsets of a server (INFO replication): its own, and a replica's read one. */
async function offsets(port: number): Promise<{ master: number; replica: number }> {
  const connection = createRedis(`redis://127.0.0.1:${port}`, "client");
  try {
    const info = await connection.info("replication");
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
    return { master: field("master_repl_offset"), replica: field("slave_repl_offset") };
  } finally {
    connection.disconnect();
  }
}

/** Counts, over every worker of a runtime, what a failover did to the jobs they held. */
function jobEffects(): { onWorker: (worker: Worker) => void; refusedFinish: number; stalled: number } {
  const effects = {
    refusedFinish: 0,
    stalled: 0,
    onWorker(worker: Worker) {
      worker.on("stalled", () => effects.stalled++);
      // BullMQ's finish scripts (moveToFinished) refuse a job they do not hold: "Missing lock for
      // job", "Missing key for job", "Lock mismatch", "Job ... is not in the active state".
      const refused = /missing (lock|key)|lock mismatch|not in the active state/i;
      worker.on("failed", (_job, error) => {
        if (refused.test(error.message)) effects.refusedFinish++;
      });
      worker.on("error", (error) => {
        if (refused.test(error.message)) effects.refusedFinish++;
      });
    },
  };
  return effects;
}

/**
 * Every connection of the engine's workers and its shared client, with what happened to each
 * (ioredis's status events, from the kill on): printed for a kill after which nothing answered.
 */
function connectionLog(): {
  onWorker: (worker: Worker) => void;
  add: (name: string, connection: RedisClient) => void;
  since: (at: number) => string;
} {
  const events: { at: number; line: string }[] = [];
  const connections: [string, RedisClient][] = [];
  const add = (name: string, connection: RedisClient) => {
    if (connections.some(([, known]) => known === connection)) return;
    connections.push([name, connection]);
    for (const event of ["close", "reconnecting", "connect", "ready", "end"])
      connection.on(event, () => events.push({ at: Date.now(), line: `${name} ${event}` }));
    connection.on("error", (error: Error) =>
      events.push({ at: Date.now(), line: `${name} error ${error.message.slice(0, 60)}` }),
    );
  };
  return {
    add,
    onWorker(worker) {
      // BullMQ's backend holds the worker's two connections (a Redis-specific escape hatch).
      const backend = (
        worker as unknown as {
          backend: { client: Promise<RedisClient>; blockingClient?: Promise<RedisClient> };
        }
      ).backend;
      void backend.client.then((client) => add(`${worker.name} client`, client));
      void backend.blockingClient?.then((client) => add(`${worker.name} blocking`, client));
    },
    since: (at) =>
      [
        ...events.filter((e) => e.at >= at).map((e) => `${seconds(e.at - at)} ${e.line}`),
        ...connections.map(([name, connection]) => `now: ${name} ${connection.status}`),
      ].join("\n"),
  };
}

const isAnswer = (m: Posted) => m.message.kind === "report" || m.message.kind === "could-not-tell";

async function oneKill(round: number): Promise<KillResult> {
  const servers = await startSentinelSet(1000);
  const platform = new RecordingPlatform("console");
  const effects = jobEffects();
  const connections = connectionLog();
  const runtime = await startRuntime({
    config: loadConfig({ REDIS_SENTINELS: servers.sentinelList }),
    logger,
    bot: true,
    worker: true,
    settings: labSettings(`fobench${round}`),
    platforms: [platform],
    onWorker: (worker) => {
      effects.onWorker(worker);
      connections.onWorker(worker);
    },
  });
  connections.add("shared client", runtime.redis);
  try {
    // The engine has answered before the burst (its connections, workers and scripts are up):
    // the kill measures a failover, not a start-up.
    const warm = await platform.command(["203.0.113.10"], "C-warm");
    const warmAnswered = () => warm !== null && platform.in(warm.thread).some(isAnswer);
    for (const deadline = Date.now() + 30_000; !warmAnswered() && Date.now() < deadline; ) await sleep(100);
    let killedAt = 0;
    let lagBytes = 0;
    const sent: { at: number; origin: Promise<Awaited<ReturnType<RecordingPlatform["command"]>>> }[] = [];
    for (let i = 0; i < BURST; i++) {
      sent.push({ at: Date.now(), origin: platform.command([`203.0.113.${(i % 200) + 1}`], `C-${i}`) });
      if (i === BURST / 2) {
        // What asynchronous replication could lose at this instant: written, not yet replicated.
        const [primary, replica] = await Promise.all([
          offsets(servers.primary.port),
          offsets(servers.replica.port),
        ]);
        lagBytes = Math.max(0, primary.master - replica.replica);
        servers.primary.child.kill("SIGKILL");
        killedAt = Date.now();
      }
      if (i % 20 === 19) await sleep(50);
    }
    const oldPrimary = servers.primary.port;
    const failover = (async () => {
      while (Date.now() < killedAt + 60_000) {
        const port = await servers.primaryPort().catch(() => oldPrimary);
        if (port !== oldPrimary && Number.isFinite(port)) return Date.now() - killedAt;
        await sleep(100);
      }
      return null;
    })();
    const origins = await Promise.all(sent.map((s) => s.origin.catch(() => null)));
    const answers = (thread: string | undefined) =>
      thread === undefined ? [] : platform.in(thread).filter(isAnswer);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && origins.some((o) => answers(o?.thread).length === 0)) await sleep(200);
    await sleep(2000); // a doubled answer would come now
    const afterKill = (fromIndex: number) =>
      origins.flatMap((o, i) => (i >= fromIndex ? answers(o?.thread).map((m) => m.at) : []));
    const failoverMs = await failover;
    const firstAfter = (times: number[], fromMs = 0) => {
      const later = times.filter((at) => at >= killedAt + fromMs);
      return later.length === 0 ? null : seconds(Math.min(...later) - killedAt);
    };
    const newFrom = sent.findIndex((s) => s.at >= killedAt);
    const times = [killedAt, ...afterKill(0).filter((at) => at >= killedAt)].sort((a, b) => a - b);
    const lateOnes = origins.flatMap((o, i) => {
      const first = answers(o?.thread)[0];
      const waited = first === undefined ? 0 : first.at - (sent[i]?.at ?? 0);
      return waited > 10_000 ? [`203.0.113.${(i % 200) + 1} after ${seconds(waited)} s`] : [];
    });
    if (origins.every((o, i) => (sent[i]?.at ?? 0) < killedAt || answers(o?.thread).length === 0))
      process.stdout.write(`[measure] nothing answered after the kill:\n${connections.since(killedAt)}\n`);
    if (lateOnes.length > 0) process.stdout.write(`[measure] late: ${lateOnes.join(", ")}\n`);
    return {
      failoverS: failoverMs === null ? null : seconds(failoverMs),
      answeringAgainS: failoverMs === null ? null : firstAfter(afterKill(0), failoverMs),
      firstNewAnswerS: firstAfter(afterKill(newFrom)),
      silenceS: seconds(Math.max(0, ...times.slice(1).map((at, i) => at - (times[i] ?? at)))),
      lost: origins.filter((o) => answers(o?.thread).length === 0).length,
      doubled: origins.filter((o) => answers(o?.thread).length > 1).length,
      late: origins.filter((o, i) => {
        const first = answers(o?.thread)[0];
        return first !== undefined && first.at - (sent[i]?.at ?? 0) > 10_000;
      }).length,
      refusedFinish: effects.refusedFinish,
      stalled: effects.stalled,
      lagBytes,
      leftActive: (
        await Promise.all(
          [runtime.queues.check, runtime.queues.delivery("console")].map((queue) => queue.getActiveCount()),
        )
      ).reduce((a, b) => a + b, 0),
    };
  } finally {
    await runtime.stop();
    await servers.stop();
  }
}

/** A markdown table of the kills, for docs/operations.md. */
function table(results: KillResult[]): string {
  const columns: [string, (r: KillResult) => number | null][] = [
    ["failover s", (r) => r.failoverS],
    ["answering again s", (r) => r.answeringAgainS],
    ["first answer to a new command s", (r) => r.firstNewAnswerS],
    ["longest silence s", (r) => r.silenceS],
    ["lost", (r) => r.lost],
    ["doubled", (r) => r.doubled],
    ["late", (r) => r.late],
    ["finish refused", (r) => r.refusedFinish],
    ["stalled", (r) => r.stalled],
    ["left active", (r) => r.leftActive],
    ["lag at kill B", (r) => r.lagBytes],
  ];
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    row(["kill", ...columns.map(([name]) => name)]),
    row(["---", ...columns.map(() => "---")]),
    ...results.map((r, i) => row([String(i + 1), ...columns.map(([, pick]) => String(pick(r) ?? "none"))])),
  ].join("\n");
}

describe.runIf(KILLS > 0)(`failover bench: ${KILLS} kills`, () => {
  it(
    "counts lost, doubled and late answers",
    async () => {
      const startedAt = Date.now();
      const results: KillResult[] = [];
      for (let round = 0; round < KILLS; round++) {
        const result = await oneKill(round);
        results.push(result);
        process.stdout.write(`[measure] kill ${round + 1}: ${JSON.stringify(result)}\n`);
      }
      const sum = (pick: (r: KillResult) => number) => results.reduce((total, r) => total + pick(r), 0);
      const spread = (pick: (r: KillResult) => number | null) => {
        const values = results.map(pick).filter((v): v is number => v !== null);
        values.sort((a, b) => a - b);
        const missing = results.length - values.length;
        return `median ${values[Math.floor(values.length / 2)]} s, max ${values.at(-1)} s${missing > 0 ? `, ${missing} none` : ""}`;
      };
      process.stdout.write(
        [
          `[measure] ${KILLS} kills x ${BURST} commands in ${seconds(Date.now() - startedAt)} s:`,
          `failover ${spread((r) => r.failoverS)}; answering again ${spread((r) => r.answeringAgainS)};`,
          `first answer to a new command ${spread((r) => r.firstNewAnswerS)}; longest silence ${spread((r) => r.silenceS)};`,
          `lost ${sum((r) => r.lost)}, doubled ${sum((r) => r.doubled)}, late ${sum((r) => r.late)},`,
          `finish refused ${sum((r) => r.refusedFinish)}, stalled ${sum((r) => r.stalled)}, left active ${sum((r) => r.leftActive)};`,
          `replication lag at the kill ${spread((r) => r.lagBytes).replaceAll(" s", " B")}\n${table(results)}\n`,
        ].join(" "),
      );
      expect(results).toHaveLength(KILLS);
    },
    KILLS * 150_000,
  );
});

// `npm run bench:failover`: the Sentinel failover of failover.test.ts, 20 times (RDNS_BENCH_FAILOVER
// kills; skipped unless it is set, so the CI suite runs the single-kill test only). Each kill: a
// fresh primary, replica and three Sentinels, the engine on them, 200 /rdns commands with the
// primary SIGKILLed after the 100th. Counted per kill and in total: seconds from the kill to the
// first answer to a command sent after it; commands lost (no answer in 60 s), doubled (two
// answers), late (answered more than 10 s after they were sent). Figures: docs/operations.md.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { startRuntime } from "../../../src/runtime.js";
import { startSentinelSet } from "../../support/redis-servers.js";
import { labSettings, logger, RecordingPlatform } from "../engine/support.js";

const KILLS = Number(process.env.RDNS_BENCH_FAILOVER ?? 0);
const BURST = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface KillResult {
  /** Seconds from the kill until the Sentinels named a new primary (null: not within 60 s). */
  failoverS: number | null;
  firstAnswerS: number;
  lost: number;
  doubled: number;
  late: number;
}

async function oneKill(round: number): Promise<KillResult> {
  const servers = await startSentinelSet(1000);
  const platform = new RecordingPlatform("console");
  const settings = labSettings(`fobench${round}`, { lockDurationMs: 5000, stalledIntervalMs: 2000 });
  const runtime = await startRuntime({
    config: loadConfig({ REDIS_SENTINELS: servers.sentinelList }),
    logger,
    bot: true,
    worker: true,
    settings,
    platforms: [platform],
  });
  try {
    // As in failover.test.ts, the engine has answered before the burst (its connections, workers
    // and scripts are up): the kill measures a failover, not a start-up.
    const warm = await platform.command(["203.0.113.10"], "C-warm");
    const answered = () =>
      warm !== null &&
      platform
        .in(warm.thread)
        .some((m) => m.message.kind === "report" || m.message.kind === "could-not-tell");
    for (const deadline = Date.now() + 30_000; !answered() && Date.now() < deadline; ) await sleep(100);
    let killedAt = 0;
    const sent: { at: number; origin: Promise<Awaited<ReturnType<RecordingPlatform["command"]>>> }[] = [];
    for (let i = 0; i < BURST; i++) {
      sent.push({ at: Date.now(), origin: platform.command([`203.0.113.${(i % 200) + 1}`], `C-${i}`) });
      if (i === BURST / 2) {
        servers.primary.child.kill("SIGKILL");
        killedAt = Date.now();
      }
      if (i % 20 === 19) await sleep(50);
    }
    const oldPrimary = servers.primary.port;
    const failover = (async () => {
      while (Date.now() < killedAt + 60_000) {
        const port = await servers.primaryPort().catch(() => oldPrimary);
        if (port !== oldPrimary && Number.isFinite(port)) return (Date.now() - killedAt) / 1000;
        await sleep(100);
      }
      return null;
    })();
    const origins = await Promise.all(sent.map((s) => s.origin.catch(() => null)));
    const answers = (thread: string | undefined) =>
      thread === undefined
        ? []
        : platform
            .in(thread)
            .filter((m) => m.message.kind === "report" || m.message.kind === "could-not-tell");
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && origins.some((o) => answers(o?.thread).length === 0)) await sleep(200);
    await sleep(3000); // a doubled answer would come now
    const afterKill = origins.flatMap((o, i) =>
      (sent[i]?.at ?? 0) >= killedAt ? answers(o?.thread).map((m) => m.at) : [],
    );
    return {
      failoverS: await failover,
      firstAnswerS: (Math.min(...afterKill) - killedAt) / 1000,
      lost: origins.filter((o) => answers(o?.thread).length === 0).length,
      doubled: origins.filter((o) => answers(o?.thread).length > 1).length,
      late: origins.filter((o, i) => {
        const first = answers(o?.thread)[0];
        return first !== undefined && first.at - (sent[i]?.at ?? 0) > 10_000;
      }).length,
    };
  } finally {
    await runtime.stop();
    await servers.stop();
  }
}

describe.runIf(KILLS > 0)(`failover bench: ${KILLS} kills`, () => {
  it(
    "counts lost, doubled and late answers",
    async () => {
      const results: KillResult[] = [];
      for (let round = 0; round < KILLS; round++) {
        const result = await oneKill(round);
        results.push(result);
        process.stdout.write(`[measure] kill ${round + 1}: ${JSON.stringify(result)}\n`);
      }
      const sum = (pick: (r: KillResult) => number) => results.reduce((total, r) => total + pick(r), 0);
      const firsts = results.map((r) => r.firstAnswerS).sort((a, b) => a - b);
      process.stdout.write(
        `[measure] ${KILLS} kills x ${BURST} commands: first answer after the kill median ${firsts[Math.floor(firsts.length / 2)]} s, max ${firsts.at(-1)} s; lost ${sum((r) => r.lost)}, doubled ${sum((r) => r.doubled)}, late ${sum((r) => r.late)}\n`,
      );
      expect(results).toHaveLength(KILLS);
    },
    KILLS * 150_000,
  );
});

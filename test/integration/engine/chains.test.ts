// The chain services the buttons and `/rdns recheck|stop` call (src/app/chains.ts), on the lab:
// a failing check opens a chain whose id reaches the report; stopping it tells the thread once,
// a second stop says "already ended", and no DNS question is asked for it afterwards (counted
// at the check's transport); "re-check now" queues one check whose result lands in the thread,
// and the chain of that thread adopts it (one chain, one "stopped" notice).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recheckNow, stopChain, stopChainsForIp } from "../../../src/app/chains.js";
import type { AppContext } from "../../../src/app/context.js";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { query } from "../../../src/check/dns-client.js";
import { runCheck } from "../../../src/check/index.js";
import { loadConfig } from "../../../src/config.js";
import { storeKeys } from "../../../src/keys.js";
import type { Runtime } from "../../../src/runtime.js";
import { countOpenChains, openChainsOf, readChain } from "../../../src/store/chains.js";
import { connectLab } from "../../lab/lab.js";
import {
  appContextOf,
  cleanupPrefix,
  labSettings,
  REDIS_URL,
  RecordingPlatform,
  startLabRuntime,
} from "./support.js";

const STOP_IP = "192.0.2.54"; // spare54: no PTR in the lab
const RECHECK_IP = "192.0.2.58"; // spare58: no PTR in the lab
const TYPED_IP = "192.0.2.64"; // ptr64: its PTR is removed for the test, put back after

type Report = Extract<OutboundMessage, { kind: "report" }>;

describe("chain services: stop and re-check now", () => {
  const lab = inject("lab");
  const control = connectLab(lab);
  const platform = new RecordingPlatform("console");
  const settings = labSettings("chains", { dedupWindowMs: 500 });
  const keys = storeKeys(settings.prefix);
  const questions = new Map<string, number>();
  let runtime: Runtime;
  let ctx: AppContext;

  beforeAll(async () => {
    await Promise.all([
      control.removePtr(STOP_IP),
      control.removePtr(RECHECK_IP),
      control.removePtr(TYPED_IP),
    ]);
    runtime = await startLabRuntime(settings, [platform], {
      // A limit set, so the console (unlimited otherwise) counts what the typed commands below spend.
      config: loadConfig({ REDIS_URL, LIMIT_USER_COMMANDS: "10" }),
      runCheck: (options) =>
        runCheck(options, {
          transport: (question) => {
            questions.set(options.ip, (questions.get(options.ip) ?? 0) + 1);
            return query(question);
          },
        }),
    });
    ctx = appContextOf(runtime, settings);
  });
  afterAll(async () => {
    await runtime?.stop();
    await control.setPtr(TYPED_IP, "ptr64.example.test");
    await cleanupPrefix(settings.prefix);
  });

  it("stop ends the chain once, removes its re-check and asks no more DNS for it", async () => {
    const origin = await platform.command([STOP_IP]);
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length === 1);
    const report = platform.in(thread)[0]?.message as Report;
    expect(report.report.problems.map((problem) => problem.code)).toContain("NO_PTR");
    const chainId = report.chainId ?? "";
    expect(chainId).not.toBe("");
    // The verdict on the parent carries it too (the buttons live there on Slack).
    await platform.waitFor(() => platform.in(origin?.parent ?? "", "update").length > 0);
    expect(platform.in(origin?.parent ?? "", "update")[0]?.message).toMatchObject({ chainId });
    expect((await readChain(runtime.redis, keys, chainId))?.state).toBe("open");
    expect(await countOpenChains(runtime.redis, keys)).toBeGreaterThanOrEqual(1);
    expect(await runtime.queues.check.getDelayedCount()).toBe(1);

    const asked = questions.get(STOP_IP) ?? 0;
    expect(await stopChain(ctx, { chainId, user: "Ana" })).toBe("stopped");
    expect(await stopChain(ctx, { chainId, user: "Bo" })).toBe("already-ended");
    expect(await stopChain(ctx, { chainId: "chk-nothing-here", user: "Bo" })).toBe("unknown");
    await platform.waitFor(() => platform.in(thread).length === 2);
    expect(platform.in(thread)[1]?.message).toMatchObject({ kind: "notice" });
    expect(JSON.stringify(platform.in(thread)[1]?.message)).toContain("Ana stopped re-checking 192.0.2.54");
    expect((await readChain(runtime.redis, keys, chainId))?.ended).toBe("stopped");

    // Past the predicted expiry (lab negative TTL 4 s) and its margin: the re-check would have run.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(questions.get(STOP_IP) ?? 0).toBe(asked);
    expect(platform.in(thread)).toHaveLength(2);
    expect(await runtime.queues.check.getDelayedCount()).toBe(0);
    expect(
      await stopChainsForIp(ctx, { ip: STOP_IP, platform: "console", channel: "C1", user: "Ana" }),
    ).toEqual({
      stopped: 0,
    });
  }, 30_000);

  it("re-check now queues one check into the chain's thread, and the chain adopts it: one chain, one stop", async () => {
    const origin = await platform.command([RECHECK_IP], "C2");
    if (origin === null) throw new Error("no thread");
    await platform.waitFor(() => platform.in(origin.thread).length === 1);
    const chainId = (platform.in(origin.thread)[0]?.message as Report).chainId ?? "";
    expect(chainId).not.toBe("");
    const before = questions.get(RECHECK_IP) ?? 0;

    await new Promise((resolve) => setTimeout(resolve, settings.dedupWindowMs + 100));
    expect(await recheckNow(ctx, { ip: RECHECK_IP, helo: null, origin })).toBe("queued");
    // Pressed again while that check is in its window: joins it; the thread, already on the
    // chain, gets its one result (not two), and no extra DNS is asked.
    expect(await recheckNow(ctx, { ip: RECHECK_IP, helo: null, origin })).toBe("joined");
    const reports = () =>
      platform
        .in(origin.thread)
        .filter((p) => p.message.kind === "report")
        .map((p) => p.message as Report);
    await platform.waitFor(() => reports().length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(reports()).toHaveLength(2);
    expect(questions.get(RECHECK_IP) ?? 0).toBeGreaterThan(before);
    // Still failing: the chain it was asked in adopted it (no second chain for this thread), and
    // the new result's Stop button acts on that chain.
    expect(reports()[1]?.report.problems.map((problem) => problem.code)).toContain("NO_PTR");
    expect(reports()[1]?.chainId).toBe(chainId);
    expect(await openChainsOf(runtime.redis, keys, RECHECK_IP)).toEqual([chainId]);

    // `/rdns stop` in another channel leaves this chain alone; in its own channel it stops it.
    expect(
      await stopChainsForIp(ctx, { ip: RECHECK_IP, platform: "console", channel: "C9", user: "Ana" }),
    ).toEqual({
      stopped: 0,
    });
    const stopped = await stopChainsForIp(ctx, {
      ip: RECHECK_IP,
      platform: "console",
      channel: "C2",
      user: "Ana",
    });
    expect(stopped.stopped).toBe(1);
    const stoppedNotices = () =>
      platform.in(origin.thread).filter((p) => JSON.stringify(p.message).includes("Ana stopped re-checking"));
    await platform.waitFor(() => stoppedNotices().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stoppedNotices()).toHaveLength(1);
    expect(await openChainsOf(runtime.redis, keys, RECHECK_IP)).toEqual([]);
  }, 30_000);

  it("/rdns recheck and /rdns stop, typed: the result lands in the chain's thread; stop says who", async () => {
    const origin = await platform.command([TYPED_IP], "C3");
    if (origin === null) throw new Error("no thread");
    await platform.waitFor(() => platform.in(origin.thread).length === 1);
    await new Promise((resolve) => setTimeout(resolve, settings.dedupWindowMs + 100));
    const privately = () => platform.posted.filter((p) => p.op === "private" && p.address === "C3");
    // What the per-user limit has counted for the asker (src/app/command-limits.ts keys).
    const counted = async () => {
      const found = await runtime.redis.keys(`${settings.prefix}:console:limit:user:U-C3:*`);
      const values = found.length === 0 ? [] : await runtime.redis.mget(...found);
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    };
    const countedBefore = await counted();
    expect(await platform.command(["recheck", TYPED_IP], "C3")).toBeNull(); // no new thread
    // Counted once, by the pipeline (recheckNow counts nothing of its own).
    expect((await counted()) - countedBefore).toBe(1);
    expect(JSON.stringify(privately().at(-1)?.message)).toContain("the thread of its re-check chain");
    await platform.waitFor(
      () => platform.in(origin.thread).filter((p) => p.message.kind === "report").length === 2,
    );
    // Still failing: the chain goes on as the one chain of this thread.
    expect(await openChainsOf(runtime.redis, keys, TYPED_IP)).toHaveLength(1);

    await platform.command(["stop", TYPED_IP], "C3");
    expect(JSON.stringify(privately().at(-1)?.message)).toContain(`Stopped re-checking ${TYPED_IP}`);
    await platform.waitFor(() =>
      platform
        .in(origin.thread)
        .some((p) => JSON.stringify(p.message).includes(`U-C3 stopped re-checking ${TYPED_IP}`)),
    );
    await platform.command(["stop", TYPED_IP], "C3");
    expect(JSON.stringify(privately().at(-1)?.message)).toContain(
      `Nothing is being re-checked for ${TYPED_IP}`,
    );
    expect(
      platform.in(origin.thread).filter((p) => JSON.stringify(p.message).includes("stopped re-checking")),
    ).toHaveLength(1);
    await platform.command(["stop", "not-an-ip"], "C3");
    expect(privately().at(-1)?.message.kind).toBe("usage-error");
  }, 30_000);
});

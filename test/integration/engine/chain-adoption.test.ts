// One thread, one chain (src/store/chain-adoption.ts), on the lab and Redis: a re-check asked for
// in an open chain's thread that still fails is adopted by that chain. Whoever joined that check's
// window from another channel, or asked within the window after it finished, follows the same
// chain: one open chain for the IP, and one "stopped" notice in each thread when it is stopped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recheckNow, stopChainsForIp } from "../../../src/app/chains.js";
import type { AppContext } from "../../../src/app/context.js";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { runCheck } from "../../../src/check/index.js";
import { storeKeys } from "../../../src/keys.js";
import type { Runtime } from "../../../src/runtime.js";
import { threadsOfChain } from "../../../src/store/chain-adoption.js";
import { openChainsOf, readChain } from "../../../src/store/chains.js";
import { appContextOf, cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = "192.0.2.130"; // not in the lab's reverse zone: NXDOMAIN at the authority, for good

type Report = Extract<OutboundMessage, { kind: "report" }>;

describe("a re-check in a chain's thread is adopted by that chain", () => {
  const platform = new RecordingPlatform("console");
  // A long window: the late asker below answers from the finished check's stored result.
  const settings = labSettings("adopt", { dedupWindowMs: 30_000 });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;
  let ctx: AppContext;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], {
      // Each check takes at least 300 ms, so the second channel below asks while the re-check is
      // still running (and joins its window) rather than just after it.
      runCheck: async (options) => {
        const [report] = await Promise.all([
          runCheck(options),
          new Promise((resolve) => setTimeout(resolve, 300)),
        ]);
        return report;
      },
    });
    ctx = appContextOf(runtime, settings);
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  const reports = (thread: string) =>
    platform
      .in(thread)
      .filter((p) => p.message.kind === "report")
      .map((p) => p.message as Report);

  it("joiners of its window and late askers follow the one chain; a stop is heard once in each thread", async () => {
    const first = await platform.command([IP], "C1");
    if (first === null) throw new Error("no thread");
    await platform.waitFor(() => reports(first.thread).length === 1);
    const chainId = reports(first.thread)[0]?.chainId ?? "";
    expect(await openChainsOf(runtime.redis, keys, IP)).toEqual([chainId]);

    // Re-check now in the chain's thread, and someone in another channel asks while it runs.
    expect(await recheckNow(ctx, { ip: IP, helo: null, origin: first })).toBe("queued");
    const joiner = await platform.command([IP], "C2");
    if (joiner === null) throw new Error("no thread");
    await platform.waitFor(() => reports(first.thread).length === 2 && reports(joiner.thread).length === 1);
    // One check answered both; it still fails, and the chain it was asked in goes on with both.
    expect(await openChainsOf(runtime.redis, keys, IP)).toEqual([chainId]);
    expect(reports(first.thread)[1]?.chainId).toBe(chainId);
    expect(reports(joiner.thread)[0]?.chainId).toBe(chainId);

    // Someone asks within the window after that check finished: answered from its result, and
    // on the same chain too.
    const late = await platform.command([IP], "C3");
    if (late === null) throw new Error("no thread");
    await platform.waitFor(() => reports(late.thread).length === 1);
    expect(reports(late.thread)[0]?.chainId).toBe(chainId);
    const chain = await readChain(runtime.redis, keys, chainId);
    if (chain === null) throw new Error("no chain");
    expect((await threadsOfChain(runtime.redis, chain)).map((origin) => origin.channel).sort()).toEqual([
      "C1",
      "C2",
      "C3",
    ]);
    expect(await openChainsOf(runtime.redis, keys, IP)).toEqual([chainId]);

    // Stopped from the joiner's channel: the one chain ends, each thread hears it once.
    expect(await stopChainsForIp(ctx, { ip: IP, platform: "console", channel: "C2", user: "Ana" })).toEqual({
      stopped: 1,
    });
    const stopped = (thread: string) =>
      platform.in(thread).filter((p) => JSON.stringify(p.message).includes("Ana stopped re-checking"));
    await platform.waitFor(() =>
      [first, joiner, late].every((origin) => stopped(origin.thread).length === 1),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([first, joiner, late].map((origin) => stopped(origin.thread).length)).toEqual([1, 1, 1]);
    expect(await openChainsOf(runtime.redis, keys, IP)).toEqual([]);
  }, 30_000);
});

// A check a chain adopts moves the chain's schedule (workers/check-plan.ts planAdoptedStep), on
// the lab and Redis. The chain waits on a poll of the authority; the PTR is then published while
// the resolver still holds "no PTR", and someone presses Re-check now in the chain's thread. The
// adopted check sees the fix at the authority and the cache's expiry: the chain's next step
// becomes a re-check at that expiry (it used to stay on the poll its previous check planned), the
// step it replaced asks no DNS, and the thread hears "cleared" once.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recheckNow } from "../../../src/app/chains.js";
import type { AppContext } from "../../../src/app/context.js";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { DnsClient } from "../../../src/check/dns-client.js";
import { parseIp } from "../../../src/check/ip.js";
import { storeKeys } from "../../../src/keys.js";
import { recheckJobId } from "../../../src/queue/ids.js";
import type { Runtime } from "../../../src/runtime.js";
import { readChain } from "../../../src/store/chains.js";
import { connectLab } from "../../lab/lab.js";
import { appContextOf, cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

// Claimed in test/lab/README.md: no PTR in the zones; the test adds its name's A, then the PTR.
const IP = "192.0.2.67";
const NAME = "adopt67.example.test";

type Report = Extract<OutboundMessage, { kind: "report" }>;

describe("an adopted check moves its chain's schedule", () => {
  const lab = inject("lab");
  const control = connectLab(lab);
  const platform = new RecordingPlatform("console");
  // Polls on a slow grid, so the chain's own steps would come long after the cache's expiry.
  const settings = labSettings("adopt-moves", { recheckPollMs: 120_000, dedupWindowMs: 200 });
  const keys = storeKeys(settings.prefix);
  const probe = new DnsClient();
  let runtime: Runtime;
  let ctx: AppContext;

  beforeAll(async () => {
    await control.removePtr(IP);
    await control.setRecord(NAME, "A", IP, { replace: true });
    runtime = await startLabRuntime(settings, [platform]);
    ctx = appContextOf(runtime, settings);
  });
  afterAll(async () => {
    await runtime?.stop();
    probe.close();
    await control.removePtr(IP);
    await control.removeRecord(NAME);
    await cleanupPrefix(settings.prefix);
  });

  const reports = (thread: string) =>
    platform
      .in(thread)
      .filter((p) => p.message.kind === "report")
      .map((p) => p.message as Report);
  const said = (thread: string, kind: OutboundMessage["kind"]) =>
    platform.in(thread).filter((p) => p.message.kind === kind);

  it("re-checks at the cache's expiry once the adopted check sees the fix, and clears once", async () => {
    const origin = await platform.command([IP], "C1");
    if (origin === null) throw new Error("no thread");
    await platform.waitFor(() => reports(origin.thread).length === 1);
    const chainId = reports(origin.thread)[0]?.chainId ?? "";
    const before = await readChain(runtime.redis, keys, chainId);
    expect(before?.state).toBe("open");
    expect(before?.next).toMatch(/^poll-/);

    // A receiver asks the resolver: "no PTR" cached again; the PTR is then published.
    const cached = await probe.query({
      name: parseIp(IP).reverseName,
      type: "PTR",
      server: lab.resolver,
      recursion: true,
      timeoutMs: 1000,
    });
    expect(cached.rcode).toBe("NXDOMAIN");
    await control.setPtr(IP, NAME);
    expect(await recheckNow(ctx, { ip: IP, helo: null, origin })).toBe("queued");
    await platform.waitFor(() => reports(origin.thread).length === 2);
    const adopted = reports(origin.thread)[1];
    expect(adopted?.chainId).toBe(chainId);
    expect(adopted?.report.problems.map((problem) => problem.code)).toContain("CACHED_NEGATIVE");

    // The chain's next step is now its own re-check at the expiry, counted as its next step.
    const after = await readChain(runtime.redis, keys, chainId);
    expect(after?.rechecks).toBe((before?.rechecks ?? 0) + 1);
    expect(after?.next).toBe(recheckJobId(chainId, after?.rechecks ?? -1));
    expect(after?.job?.reason).toBe("recheck");

    // The resolver lets go within seconds: "cleared" comes from that re-check, not the slow poll.
    await platform.waitFor(() => said(origin.thread, "cleared").length === 1, 20_000);
    expect((await readChain(runtime.redis, keys, chainId))?.ended).toBe("cleared");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(said(origin.thread, "cleared")).toHaveLength(1);
  }, 40_000);
});

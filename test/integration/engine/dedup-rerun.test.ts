// After a window's check failed for good, the next askers re-run the check in a re-opened window:
// two askers in the same millisecond share one re-run (neither is dropped by a job id collision),
// and an asker arriving while it runs joins it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { InvalidInputError } from "../../../src/check/types.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = "203.0.113.10";

describe("re-running a check after its window failed", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("rerun", { dedupWindowMs: 30_000 });
  let checks = 0;
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], {
      runCheck: async (options) => {
        checks++;
        if (checks === 1) throw new InvalidInputError("refused the first time");
        await new Promise((resolve) => setTimeout(resolve, 400));
        return runCheck(options);
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("answers every asker, with one re-run for all of them", async () => {
    const first = await platform.command([IP, "mail.example.test"], "C-1");
    await platform.waitFor(() => platform.in(first?.thread ?? "").length === 1);
    expect(platform.in(first?.thread ?? "")[0]?.message.kind).toBe("could-not-tell");

    // Two askers in the same millisecond, both finding the failed window.
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.now());
    const pair = await Promise.all(
      ["C-2", "C-3"].map((channel) => platform.command([IP, "mail.example.test"], channel)),
    );
    now.mockRestore();
    // One more while the re-run is still running: it joins the re-opened window.
    const joiner = await platform.command([IP, "mail.example.test"], "C-4");
    const askers = [...pair, joiner];
    await platform.waitFor(() => askers.every((origin) => platform.in(origin?.thread ?? "").length === 1));
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const origin of askers) {
      expect(platform.in(origin?.thread ?? "")).toHaveLength(1);
      expect(platform.in(origin?.thread ?? "")[0]?.message).toMatchObject({
        kind: "report",
        report: { ip: IP, verdict: "pass" },
      });
    }
    expect(checks).toBe(2);
  });
});

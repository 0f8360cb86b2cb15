// De-duplication (issue 4 point 6): 100 identical requests within the window run one DNS check,
// and each of the 100 askers gets the answer in its own thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

describe("de-duplication window", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("dedup", { dedupWindowMs: 30_000 });
  let checks = 0;
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], {
      runCheck: async (options) => {
        checks++;
        return runCheck(options);
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("runs one check for 100 identical requests and answers all 100 threads", async () => {
    const origins = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        platform.command(["203.0.113.10", "mail.example.test"], `C${index}`),
      ),
    );
    const threads = new Set(origins.map((origin) => origin?.thread));
    expect(threads.size).toBe(100);
    await platform.waitFor(() => origins.every((origin) => platform.in(origin?.thread ?? "").length === 1));
    // A late asker, still inside the window, is answered from the stored result.
    const late = await platform.command(["203.0.113.10", "mail.example.test"], "C-late");
    await platform.waitFor(() => platform.in(late?.thread ?? "").length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checks).toBe(1);
    for (const origin of [...origins, late]) {
      const replies = platform.in(origin?.thread ?? "");
      expect(replies).toHaveLength(1);
      expect(replies[0]?.message).toMatchObject({
        kind: "report",
        report: { ip: "203.0.113.10", verdict: "pass" },
      });
      expect(platform.in(origin?.parent ?? "", "update")).toHaveLength(1);
    }
    // A different HELO is a different question: its own check.
    const other = await platform.command(["203.0.113.10", "smtp.example.test"], "C-other");
    await platform.waitFor(() => platform.in(other?.thread ?? "").length === 1);
    expect(checks).toBe(2);
  });
});

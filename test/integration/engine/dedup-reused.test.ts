// The same check asked again within the de-duplication window is answered with the earlier
// check's result, and says so: "Checked N s ago", N its real age, with how to get a fresh one.
// The console platform with the real engine, Redis and the DNS lab.
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createConsolePlatform } from "../../../src/platforms/console/index.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./support.js";

describe("an answer reused from the de-duplication window", () => {
  const settings = labSettings("dedup-reused", { dedupWindowMs: 60_000 });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  let runtime: Runtime | undefined;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  const waitFor = async (pattern: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in console output:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return pattern.exec(text) as RegExpExecArray;
  };

  it("says how old the reused answer is, and how to check afresh", async () => {
    runtime = await startLabRuntime(settings, [createConsolePlatform({ input, output, session: "c0ffee" })]);
    input.write("/rdns 203.0.113.10 mail.example.test\n");
    await waitFor(/\[console:main:c0ffee-1\] \u21b3 PASS/);
    await waitFor(/\[console:main:c0ffee-1\] \(updated\) PASS/);
    // The first asker's answer is a new look: nothing said about age.
    expect(text).not.toMatch(/ ago \(the same check/);
    const waitedMs = 2_500;
    await new Promise((resolve) => setTimeout(resolve, waitedMs));
    input.write("/rdns 203.0.113.10 mail.example.test\n");
    const [, verdictAge] = await waitFor(
      /\[console:main:c0ffee-2\] \(updated\) PASS.*Checked (\d+) s ago \(the same check, asked just before\); \/rdns recheck 203\.0\.113\.10 for a fresh one\./,
    );
    const [, reportAge] = await waitFor(
      /\[console:main:c0ffee-2\] \u21b3 Checked (\d+) s ago \(the same check, asked just before\); \/rdns recheck 203\.0\.113\.10 for a fresh one\./,
    );
    for (const age of [verdictAge, reportAge]) {
      expect(Number(age)).toBeGreaterThanOrEqual(Math.floor(waitedMs / 1000));
      expect(Number(age)).toBeLessThan(15);
    }
  });
});

// A check job that fails for good (input the check refuses, or DNS that keeps failing) still
// answers: every asker, including those who joined the de-duplication window, hears "could not
// tell" exactly once in its thread, and its "Checking..." line is replaced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import { InvalidInputError } from "../../../src/check/types.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const REFUSED_IP = "203.0.113.77";
const FLAKY_IP = "203.0.113.78";

describe("a check job that fails for good", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("checkfail", { checkAttempts: 3, checkRetryDelayMs: 50 });
  const calls = new Map<string, number>();
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], {
      runCheck: async (options) => {
        calls.set(options.ip, (calls.get(options.ip) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 200)); // long enough for others to join
        if (options.ip === REFUSED_IP) throw new InvalidInputError(`${options.ip} is refused by this check`);
        throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  async function expectOneCouldNotTell(origins: (Origin | null)[], ip: string) {
    const done = () =>
      origins.every(
        (origin) =>
          platform.in(origin?.thread ?? "").length >= 1 &&
          platform.in(origin?.parent ?? "", "update").length >= 1,
      );
    await platform.waitFor(done, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // nothing more arrives
    for (const origin of origins) {
      const replies = platform.in(origin?.thread ?? "");
      expect(replies).toHaveLength(1);
      expect(replies[0]?.message).toMatchObject({ kind: "could-not-tell", ip });
      const updates = platform.in(origin?.parent ?? "", "update");
      expect(updates).toHaveLength(1);
      expect(updates[0]?.message.kind).toBe("could-not-tell");
    }
  }

  it("tells every asker when the check refuses the input (no retries)", async () => {
    const origins = await Promise.all(
      ["C-a", "C-b", "C-c"].map((channel) => platform.command([REFUSED_IP], channel)),
    );
    await expectOneCouldNotTell(origins, REFUSED_IP);
    expect(calls.get(REFUSED_IP)).toBe(1);
    const reply = platform.in(origins[0]?.thread ?? "")[0]?.message;
    expect(reply).toMatchObject({ detail: expect.stringMatching(/refused by this check/) });
  });

  it("tells every asker once when the attempts are spent", async () => {
    const origins = await Promise.all(["C-d", "C-e"].map((channel) => platform.command([FLAKY_IP], channel)));
    await expectOneCouldNotTell(origins, FLAKY_IP);
    expect(calls.get(FLAKY_IP)).toBe(3);
    expect(platform.in(origins[1]?.thread ?? "")[0]?.message).toMatchObject({ attempts: 3 });
    // The window is closed: a later asker starts a new check and is answered too.
    const late = await platform.command([FLAKY_IP], "C-f");
    await expectOneCouldNotTell([late], FLAKY_IP);
    expect(calls.get(FLAKY_IP)).toBe(6);
  });
});

// `rdns serve` restarted on the same Redis: the new console session's threads are new threads.
// Its counters restart at 1, so without a session id its first thread would be the previous
// session's, and the answer would be skipped as already delivered.
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createConsolePlatform } from "../../../src/platforms/console/index.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./support.js";

function consoleSession() {
  const input = new PassThrough();
  const output = new PassThrough();
  const session = { input, text: "" };
  output.on("data", (chunk: Buffer) => {
    session.text += chunk.toString();
  });
  return { session, platform: createConsolePlatform({ input, output }) };
}

async function waitForText(session: { text: string }, pattern: RegExp, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(session.text)) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in console output:\n${session.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("console sessions", () => {
  const settings = labSettings("console-restart", { dedupWindowMs: 30_000 });
  let runtime: Runtime | undefined;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("answers the same question in a restarted session", async () => {
    const answered = /\[(console:main:[^\]]+)\] \u21b3 .*mail\.example\.test/;
    const first = consoleSession();
    runtime = await startLabRuntime(settings, [first.platform]);
    first.session.input.write("/rdns 203.0.113.10 mail.example.test\n");
    await waitForText(first.session, answered);
    await runtime.stop();

    const second = consoleSession();
    runtime = await startLabRuntime(settings, [second.platform]);
    second.session.input.write("/rdns 203.0.113.10 mail.example.test\n");
    await waitForText(second.session, answered);
    expect(answered.exec(second.session.text)?.[1]).not.toBe(answered.exec(first.session.text)?.[1]);
  });
});

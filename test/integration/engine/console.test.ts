// The console platform driven through streams, with the real engine, Redis and DNS lab: what a
// person types at `rdns serve` and what they read back, thread by thread.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsolePlatform } from "../../../src/platforms/console/index.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./support.js";

describe("console chat", () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const pasted: string[] = [];
  const settings = labSettings("console");
  let runtime: Runtime;

  const waitForText = async (pattern: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in console output:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [createConsolePlatform({ input, output, pasteIdleMs: 200 })], {
      readBounce: (value) => {
        pasted.push(value.toString());
        return { findings: [], truncated: false, bytesRead: value.length };
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("answers /rdns <ip> <helo> in its thread and updates the parent line", async () => {
    input.write("/rdns 203.0.113.10 mail.example.test\n");
    await waitForText(/\[console:main:[0-9a-f]{6}-1\] Checking 203\.0\.113\.10 \(HELO mail\.example\.test\)/);
    await waitForText(/\[console:main:[0-9a-f]{6}-1\] \(updated\) .*PASS/);
    await waitForText(/\[console:main:[0-9a-f]{6}-1\] \u21b3 .*mail\.example\.test/);
  });

  it("opens a watch thread and lists watches privately", async () => {
    input.write("/rdns watch 203.0.113.0/28\n");
    await waitForText(
      /\[console:main:[0-9a-f]{6}-2\] Watching 203\.0\.113\.0\/28 \(16 addresses\) every hour/,
    );
    input.write("/rdns watches\n");
    await waitForText(/\(only you\) This channel watches: 203\.0\.113\.0\/28/);
    input.write("/rdns unwatch 203.0.113.0/28\n");
    await waitForText(/\[console:main:[0-9a-f]{6}-3\] Stopped watching 203\.0\.113\.0\/28\./);
  });

  it("answers bad input in one private line with an example", async () => {
    input.write("/rdns 192.168.1.1\n");
    await waitForText(
      /\(only you\) 192\.168\.1\.1 is private \(RFC 1918.*Try: \/rdns 203\.0\.113\.5 mail\.example\.com/,
    );
  });

  it("collects a multi-line paste until an empty line, or a pause", async () => {
    input.write(
      "550-5.7.25 [192.0.2.55] The IP address sending this message does not\n550-5.7.25 have a PTR record setup\n\n",
    );
    input.write("a second paste\nwithout a blank line\n");
    const deadline = Date.now() + 5000;
    while (pasted.length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pasted).toEqual([
      "550-5.7.25 [192.0.2.55] The IP address sending this message does not\n550-5.7.25 have a PTR record setup",
      "a second paste\nwithout a blank line",
    ]);
  });

  it("writes terminal control characters out instead of printing them", async () => {
    input.write("/rdns \u001b[31mhelp\n");
    await waitForText(/unknown command "\\x1b\[31mhelp"/);
    expect(text).not.toContain("\u001b");
  });

  it("cuts a 1 MB word in its echo", async () => {
    input.write(`/rdns ${"y".repeat(1_000_000)}\n`);
    await waitForText(/unknown command "y{79}…"/);
    expect(text).not.toContain("y".repeat(100));
  });
});

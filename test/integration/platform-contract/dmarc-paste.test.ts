// DMARC aggregate report files posted in a support channel (docs/chat-commands.md "DMARC reports"),
// the same on every platform with files: a gzip'd report posted as a file is answered in a thread
// on that message with its busiest sources; a hostile one (a DOCTYPE) gets the one plain refusal;
// a file that is neither a report nor a bounce stays unanswered. Slack and Discord through the
// real SDKs and the fakes, with the app's real pipeline and the platform's delivery worker.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./app.js";
import { discordDriver } from "./discord-driver.js";
import type { PlatformDriver } from "./driver.js";
import { slackDriver } from "./slack-driver.js";

const LIMITS = { perUser: 3, perChannel: 100, windowSeconds: 60 };

const google = readFileSync(new URL("../../fixtures/dmarc/google.xml", import.meta.url));
const doctype = `<?xml version="1.0"?><!DOCTYPE feedback SYSTEM "file:///etc/passwd"><feedback><record><row><source_ip>198.51.100.7</source_ip><count>9</count></row></record></feedback>`;

describe.each([
  ["slack", slackDriver],
  ["discord", discordDriver],
] as const)("platform contract, DMARC report files: %s", (name, makeDriver) => {
  let app: TestApp;
  let driver: PlatformDriver;

  beforeEach(async () => {
    app = await startTestApp(`dmarc-${name}`, LIMITS);
    driver = makeDriver();
    await driver.start(app);
    app.deliver(driver.sender());
  });
  afterEach(async () => {
    await driver.stop();
    await app.close();
  });

  function post(file: string, content: Buffer, type = "application/gzip"): Promise<string> {
    if (driver.pasteFile === undefined) throw new Error(`${name} has no files`);
    return driver.pasteFile(file, content, type);
  }

  it("answers a gzip'd report in its thread with the busiest source first", async () => {
    const handle = await post("google.com_example.com_1765065600.xml.gz", gzipSync(google));
    await expect
      .poll(() => driver.answersOn(handle).join("\n"), { timeout: 15_000 })
      .toContain("DMARC report");
    const answer = driver.answersOn(handle).join("\n");
    // 203.0.113.10 sent 1,200 + 300 messages over two records (SPF pass, then fail): the top row.
    expect(answer).toMatch(/203\.0\.113\.10: 1,500 messages, SPF mixed, DKIM pass, none, from example\.com/);
    expect(answer.indexOf("203.0.113.10")).toBeLessThan(answer.indexOf("203.0.113.11"));
    expect(answer).toContain("1,565 messages from 3 source IPs in 1 report");
    expect(answer).not.toMatch(/more source/);
  });

  it("refuses a report with a DOCTYPE with the one plain reason, and reads nothing of it", async () => {
    const handle = await post("evil.xml", Buffer.from(doctype), "text/xml");
    await expect.poll(() => driver.answersOn(handle).join("\n"), { timeout: 15_000 }).toMatch(/DOCTYPE/);
    const answer = driver.answersOn(handle).join("\n");
    expect(answer).toContain(
      "has a DOCTYPE (entity expansion is refused; a DMARC report has none): not read",
    );
    expect(answer).not.toContain("198.51.100.7");
    expect(driver.answersOn(handle)).toHaveLength(1);
  });

  it("stays quiet about a posted XML file that is no report", async () => {
    const quiet = await post("pom.xml", Buffer.from("<project><version>1</version></project>"), "text/xml");
    // Posted after it: once its answer is in, the quiet one had its chance.
    const answered = await post("report.xml.gz", gzipSync(google));
    await expect.poll(() => driver.answersOn(answered).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(driver.answersOn(quiet)).toEqual([]);
  });
});

// The paste rules of the platform contract (docs/chat-commands.md "Pasted bounces"), the same on
// every platform: a person's new top-level message in a support channel, listed in
// SUPPORT_CHANNELS by id, by name or by `#name`, is read, and a bounce in it is answered in a
// thread on that message; other channels, bots (the bot itself included), replies inside threads
// and edits are not read. Run on the console, Slack and Discord through the real SDKs and the
// fakes, with the app's real pipeline and the platform's delivery worker.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./app.js";
import { consoleDriver } from "./console-driver.js";
import { discordDriver } from "./discord-driver.js";
import type { PastePlace, PlatformDriver } from "./driver.js";
import { slackDriver } from "./slack-driver.js";

const LIMITS = { perUser: 3, perChannel: 100, windowSeconds: 60 };

/** A Gmail rejection naming the refused address: a bounce whichever way it is read. */
const bounce = (ip: string) =>
  `550-5.7.25 [${ip}] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.`;

describe.each([
  ["console", consoleDriver],
  ["slack", slackDriver],
  ["discord", discordDriver],
] as const)("platform contract, pastes: %s", (name, makeDriver) => {
  let app: TestApp;
  let driver: PlatformDriver;

  beforeEach(async () => {
    app = await startTestApp(`paste-${name}`, LIMITS);
    driver = makeDriver();
    await driver.start(app);
    app.deliver(driver.sender());
  });
  afterEach(async () => {
    await driver.stop();
    await app.close();
  });

  /** Pastes a bounce for `ip` there and waits for its answer in the thread on that message. */
  async function answered(ip: string, place: PastePlace = {}): Promise<string> {
    const handle = await driver.paste(bounce(ip), place);
    await expect.poll(() => driver.answersOn(handle).join("\n"), { timeout: 15_000 }).toContain(ip);
    return handle;
  }

  it("answers a pasted bounce in a thread on the pasted message", async () => {
    const handle = await answered("203.0.113.5");
    expect(driver.answersOn(handle).join("\n")).toMatch(/reverse DNS|PTR/i);
  });

  it("stays quiet about a message that holds no bounce", async () => {
    const quiet = await driver.paste("anyone seen the deploy?");
    await answered("203.0.113.6");
    expect(driver.answersOn(quiet)).toEqual([]);
  });

  it("reads the support channels listed by name, with or without #", async () => {
    if (!driver.world.channels) return; // the console is one channel, always read
    await answered("203.0.113.7", { channel: "by-name" });
    await answered("203.0.113.8", { channel: "by-hash-name" });
  });

  it("ignores other channels, bots, itself, replies inside threads and edits", async () => {
    const ignored: string[] = [];
    const paste = async (ip: string, place: PastePlace) => {
      ignored.push(ip);
      await driver.paste(bounce(ip), place);
    };
    if (driver.world.channels) await paste("203.0.113.20", { channel: "elsewhere" });
    if (driver.world.bots) {
      await paste("203.0.113.21", { author: "another-bot" });
      await paste("203.0.113.22", { author: "itself" });
    }
    if (driver.world.threads) await paste("203.0.113.23", { inThread: true });
    if (driver.world.edits) {
      const edited = await driver.paste("hello");
      await driver.edit(edited, bounce("203.0.113.24"));
      ignored.push("203.0.113.24");
    }
    // Sent after all of them: once its answer is in, the others had their chance.
    await answered("203.0.113.25");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const said = driver.botTexts().join("\n");
    expect(said).toContain("203.0.113.25");
    expect(ignored.filter((ip) => said.includes(ip))).toEqual([]);
    if (name !== "console") expect(ignored).toHaveLength(5);
  });
});

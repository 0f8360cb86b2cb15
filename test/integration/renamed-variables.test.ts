// A variable set under its old name (PORT for SLACK_PORT, SLACK_*_PER_WINDOW for LIMIT_*) still works, and start-up says once, in
// the log, to rename it (docs/configuration.md).
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startRuntime } from "../../src/runtime.js";
import { cleanupPrefix, labSettings, REDIS_URL } from "./engine/support.js";

async function startupWarnings(env: Record<string, string>): Promise<string[]> {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const settings = labSettings("renamed-variables");
  const runtime = await startRuntime({
    config: loadConfig({ REDIS_URL, ...env }),
    logger,
    bot: false,
    worker: false,
    settings,
  });
  await runtime.stop();
  await cleanupPrefix(settings.prefix);
  return lines.filter((line) => line.level === 40).map((line) => line.msg);
}

describe("renamed variables at start-up", () => {
  it("logs one line asking to rename PORT to SLACK_PORT", async () => {
    expect(await startupWarnings({ PORT: "3200" })).toEqual([
      "PORT is the old name of SLACK_PORT; it still works, but rename it to SLACK_PORT",
    ]);
  });

  it("logs one line asking to rename each old limit variable", async () => {
    expect(await startupWarnings({ SLACK_COMMAND_WINDOW_SECONDS: "30" })).toEqual([
      "SLACK_COMMAND_WINDOW_SECONDS is the old name of LIMIT_WINDOW_SECONDS; it still works, but rename it to LIMIT_WINDOW_SECONDS",
    ]);
  });

  it("says nothing when only SLACK_PORT is set", async () => {
    expect(await startupWarnings({ SLACK_PORT: "3200" })).toEqual([]);
  });
});

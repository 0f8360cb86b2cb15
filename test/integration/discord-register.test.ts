// `npm run discord:register` against the fake REST: the PUT it sends, global and per guild, and
// what the operator reads when Discord refuses the token or the application id.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerCommands } from "../../src/platforms/discord/register.js";
import { FakeDiscord } from "../fakes/discord/index.js";
import { runAsync } from "../support/spawn-async.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("registering /rdns", () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await new FakeDiscord().start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it("PUTs the command list per guild when a guild is given, else globally", async () => {
    const options = { token: "fake-token", applicationId: fake.applicationId, apiUrl: fake.apiUrl };
    expect(await registerCommands({ ...options, guildId: fake.guildId })).toEqual({
      scope: `server ${fake.guildId}`,
      names: ["rdns", "Check with rdns"],
    });
    expect((await registerCommands(options)).scope).toBe("every server (global)");
    const puts = fake.rest.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
      `/applications/${fake.applicationId}/commands`,
    ]);
    const [rdns] = puts[0]?.body as unknown as { name: string; options: { name: string }[] }[];
    expect(rdns?.options.map((o) => o.name)).toEqual([
      "check",
      "mailtest",
      "mute",
      "probe",
      "recheck",
      "status",
      "stop",
      "unwatch",
      "watch",
      "watches",
      "help",
    ]);
  });

  it("names DISCORD_TOKEN on a 401 and DISCORD_APPLICATION_ID on a 404, in one line on stderr", async () => {
    const script = (status: number) => {
      fake.rest.failNext("PUT", /\/commands$/, status);
      return runAsync(process.execPath, ["--import", "tsx", "scripts/discord-register.ts"], {
        cwd: ROOT,
        env: {
          ...process.env,
          DISCORD_TOKEN: "wrong-token",
          DISCORD_APPLICATION_ID: fake.applicationId,
          DISCORD_API_URL: fake.apiUrl,
          DISCORD_GUILD_ID: "",
        },
        timeoutMs: 60_000,
      });
    };
    const unauthorized = await script(401);
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr.trim().split("\n")).toHaveLength(1);
    expect(unauthorized.stderr).toMatch(/^discord:register: Discord refused DISCORD_TOKEN \(401 /);
    const unknown = await script(404);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toContain(`Discord does not know DISCORD_APPLICATION_ID (${fake.applicationId})`);
  });
});

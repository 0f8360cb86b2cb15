// `npm run discord:register` against the fake REST: the PUT it sends, global and per guild.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerCommands } from "../../src/platforms/discord/register.js";
import { FakeDiscord } from "../fakes/discord/index.js";

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
      names: ["rdns"],
    });
    expect((await registerCommands(options)).scope).toBe("every server (global)");
    const puts = fake.rest.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
      `/applications/${fake.applicationId}/commands`,
    ]);
    const [rdns] = puts[0]?.body as unknown as { name: string; options: { name: string }[] }[];
    expect(rdns?.options.map((o) => o.name)).toEqual(["check", "unwatch", "watch", "watches", "help"]);
  });
});

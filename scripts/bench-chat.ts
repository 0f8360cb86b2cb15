// npm run bench:chat: the App Home and Discord autocomplete at scale (docs/chat-commands.md
// "Measured"), through the real @slack/bolt and discord.js against the loopback fakes, with the
// app's real handlers on real Redis under a throw-away prefix (removed at the end):
//   - App Home: 1,000 and 65,536 watched addresses (one channel, every 10th failing), the time
//     from the signed `app_home_opened` event to the fake's views.publish, and the blocks used;
//     5 runs each after one to warm up (the member list is cached after the first);
//   - autocomplete: 65,536 watched addresses in one Discord channel, 400 type-4 interactions
//     typing prefixes of addresses (1 to 12 characters), the time from the gateway dispatch to the
//     fake's callback; p50, p99 and max.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { bounceReader } from "../src/app/bounce-reader.js";
import { createInboundHandlers } from "../src/app/handlers.js";
import { loadCommands } from "../src/app/load-commands.js";
import { loadConfig } from "../src/config.js";
import { storeKeys } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import { createDiscordPlatform } from "../src/platforms/discord/index.js";
import { createRedis } from "../src/queue/connection.js";
import { createQueues } from "../src/queue/queues.js";
import { settingsFromConfig } from "../src/settings.js";
import { FakeDiscord } from "../test/fakes/discord/index.js";
import { createSlackHarness, SIGNING_SECRET } from "../test/fakes/slack/harness.js";
import { eventCallback, postSigned } from "../test/fakes/slack/requests.js";
import { seededIp, seedWatches } from "../test/support/seed-watches.js";
import { until } from "../test/support/until.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const prefix = `rdns-benchchat-${randomBytes(4).toString("hex")}`;
  const settings = { ...settingsFromConfig(loadConfig({ REDIS_URL })), prefix };
  const redis = createRedis(REDIS_URL, "client");
  const queues = createQueues(redis, settings);
  const logger = createLogger("silent");
  const keys = storeKeys(prefix);
  const handlers = createInboundHandlers(
    { redis, queues, settings, keys, logger, readBounce: bounceReader },
    await loadCommands(),
  );
  try {
    await benchHome(handlers, redis, keys);
    await benchAutocomplete(handlers, redis, keys);
  } finally {
    await queues.close();
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== "0");
    await redis.quit();
  }
}

async function benchHome(
  handlers: ReturnType<typeof createInboundHandlers>,
  redis: ReturnType<typeof createRedis>,
  keys: ReturnType<typeof storeKeys>,
): Promise<void> {
  const h = await createSlackHarness({
    redis,
    env: { SERVERS_PAGE_URL: "https://rdns.example.test/servers" },
  });
  await h.platform.start(handlers);
  let events = 0;
  try {
    for (const [channel, count] of [
      ["C0THOUSAND", 1000],
      ["C0SIXTYFIVEK", 65_536],
    ] as const) {
      await seedWatches(redis, keys, `slack:${channel}`, count);
      h.fake.members.set(channel, [`U${channel}`]);
      const times: number[] = [];
      let blocks = 0;
      for (let run = 0; run < 6; run++) {
        const before = h.fake.published.length;
        const started = performance.now();
        const body = JSON.stringify(
          eventCallback({ type: "app_home_opened", user: `U${channel}`, tab: "home" }, `EvBench${++events}`),
        );
        await postSigned(h.eventsUrl, body, { secret: SIGNING_SECRET, contentType: "application/json" });
        const published = await until("views.publish", () => h.fake.published[before], 60_000);
        if (run > 0) times.push(performance.now() - started);
        blocks = published.view.blocks.length;
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `App Home, ${count} watched addresses: ${blocks} blocks; publish ${percentile(times, 50).toFixed(0)} ms median, ${(times.at(-1) ?? 0).toFixed(0)} ms max (5 runs)\n`,
      );
    }
  } finally {
    await h.close();
  }
}

async function benchAutocomplete(
  handlers: ReturnType<typeof createInboundHandlers>,
  redis: ReturnType<typeof createRedis>,
  keys: ReturnType<typeof storeKeys>,
): Promise<void> {
  const fake = await new FakeDiscord().start();
  const platform = createDiscordPlatform(
    { DISCORD_TOKEN: "fake-token", DISCORD_API_URL: fake.apiUrl, SUPPORT_CHANNELS: [] },
    createLogger("silent"),
  );
  await platform.start(handlers);
  try {
    await seedWatches(redis, keys, `discord:${fake.generalChannelId}`, 65_536);
    const times: number[] = [];
    for (let i = 0; i < 420; i++) {
      const ip = seededIp((i * 7919) % 65_536);
      const typed = ip.slice(0, 1 + (i % 12));
      const started = performance.now();
      const token = fake.autocomplete(i % 2 === 0 ? "status" : "unwatch", "range", typed);
      const answer = await until(
        "the autocomplete answer",
        () => fake.rest.autocompleteAnswers.get(token),
        3000,
      );
      if (i >= 20) times.push(answer.at - started);
    }
    times.sort((a, b) => a - b);
    process.stdout.write(
      `Autocomplete, 65536 watched addresses, ${times.length} answers: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms\n`,
    );
  } finally {
    await platform.stop();
    await fake.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:chat: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

// `rdns serve` (bot + delivery + check workers in one process: what `npm start` runs),
// `rdns bot` (chat front ends + delivery) and `rdns worker` (check workers). DESIGN.md "Processes".
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../log.js";
import { CONSOLE_GREETING } from "../platforms/console/index.js";
import { selectPlatforms } from "../platforms/registry.js";
import { assertRedisReachable, RedisUnavailableError } from "../queue/connection.js";
import { storeKeys } from "../store/keys.js";
import {
  assertSafeBinding,
  type RunningWebServer,
  startWebServer,
  WebConfigError,
  webOptionsFromConfig,
} from "../web/server.js";

/** EX_UNAVAILABLE (sysexits.h): a service the program needs (Redis) is not there. */
const EXIT_UNAVAILABLE = 69;

const HELP = {
  serve:
    "usage: rdns serve\n\nRuns the chat front ends, delivery and check workers in one process, and serves the\nservers page on WEB_HOST:WEB_PORT (default 127.0.0.1:8080).\nWith no SLACK_BOT_TOKEN and no DISCORD_TOKEN, opens a console chat on this terminal.\n",
  bot: "usage: rdns bot\n\nRuns the chat front ends and the delivery worker (no DNS checks: run `rdns worker` too).\n",
  worker:
    "usage: rdns worker\n\nRuns the DNS check workers (scale out with more processes against the same Redis).\n",
} as const;

async function run(mode: keyof typeof HELP, argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP[mode]);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`rdns ${mode}: unexpected argument "${argv[0]}"\n${HELP[mode]}`);
    return 64;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
    if (mode === "serve") assertSafeBinding(config.WEB_HOST, config.WEB_TOKEN);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof WebConfigError) {
      process.stderr.write(`rdns ${mode}: ${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, { process: mode });
  const bot = mode !== "worker";
  const worker = mode !== "bot";
  let quit: () => void = () => undefined;
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  let runtime: Awaited<ReturnType<typeof import("../app/runtime.js").startRuntime>>;
  let web: RunningWebServer | null = null;
  try {
    // Checked before loading BullMQ, Bolt and discord.js, so a missing Redis is said at once.
    await assertRedisReachable(config.REDIS_URL);
    const { startRuntime } = await import("../app/runtime.js");
    runtime = await startRuntime({ config, logger, bot, worker, onQuit: () => quit() });
    const store = { redis: runtime.redis, keys: storeKeys(runtime.settings.prefix) };
    if (mode === "serve") {
      web = await startWebServer(webOptionsFromConfig(config, store, logger)).catch(
        async (error: unknown) => {
          await runtime.stop();
          throw error;
        },
      );
    }
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      process.stderr.write(`rdns ${mode}: ${error.message}\n`);
      return EXIT_UNAVAILABLE;
    }
    process.stderr.write(`rdns ${mode}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 70;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "draining: finishing in-flight jobs");
    quit();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  if (bot && selectPlatforms(config).includes("console")) process.stdout.write(`${CONSOLE_GREETING}\n`);
  logger.info(
    { bot, worker, platforms: runtime.platforms.map((platform) => platform.name), web: web?.url ?? null },
    "started",
  );
  await quitting;
  await web?.close();
  await runtime.stop();
  logger.info("stopped");
  return 0;
}

export const runServeCommand = (argv: string[]) => run("serve", argv);
export const runBotCommand = (argv: string[]) => run("bot", argv);
export const runWorkerCommand = (argv: string[]) => run("worker", argv);

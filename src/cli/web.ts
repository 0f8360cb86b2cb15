// `rdns web`: the servers page alone (docs/operations.md), for a deployment that serves it apart
// from the bot and workers. It reads the store; it runs no checks and posts nothing.
import { ConfigError, loadConfig } from "../config.js";
import { deploymentPrefix, storeKeys } from "../keys.js";
import { createLogger } from "../log.js";
import { assertRedisReachable, createRedis, RedisUnavailableError } from "../queue/connection.js";
import { assertSafeBinding, startWebServer, WebConfigError, webOptionsFromConfig } from "../web/server.js";

const HELP = `usage: rdns web

Serves the servers page (GET /, /servers/<ip>, /api/servers, /servers.csv, /healthz) on
WEB_HOST:WEB_PORT (default 127.0.0.1:8080) from the watches and reports in Redis (REDIS_URL).
Anything but a loopback WEB_HOST needs WEB_TOKEN; open a remote page through ssh -L.
`;

export async function runWebCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`rdns web: unexpected argument "${argv[0]}"\n${HELP}`);
    return 64;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
    assertSafeBinding(config.WEB_HOST, config.WEB_TOKEN);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof WebConfigError) {
      process.stderr.write(`rdns web: ${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL ?? "info", { process: "web" }, { file: config.LOG_FILE });
  try {
    await assertRedisReachable(config.redis);
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      process.stderr.write(`rdns web: ${error.message}\n`);
      return 69; // EX_UNAVAILABLE
    }
    throw error;
  }
  const redis = createRedis(config.redis, "client");
  redis.on("error", (error) => logger.warn({ err: error.message }, "Redis connection error"));
  const store = { redis, keys: storeKeys(deploymentPrefix(config.QUEUE_PREFIX)) };
  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer(webOptionsFromConfig(config, store, logger));
  } catch (error) {
    redis.disconnect();
    process.stderr.write(`rdns web: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof WebConfigError ? 78 : 70;
  }
  process.stdout.write(`servers page: ${server.url}/\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  await server.close();
  await redis.quit();
  return 0;
}

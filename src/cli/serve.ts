// `rdns serve` (bot + delivery + check workers in one process: what `npm start` runs),
// `rdns bot` (chat front ends + delivery) and `rdns worker` (check workers). docs/operations.md "Processes".
import { PassThrough } from "node:stream";
import { ConfigError, loadConfig } from "../config.js";
import { storeKeys } from "../keys.js";
import { createLogger, type Logger } from "../log.js";
import { consoleIntro } from "../platforms/console/index.js";
import { selectPlatforms } from "../platforms/registry.js";
import { assertRedisReachable, RedisUnavailableError } from "../queue/connection.js";
import {
  assertSafeBinding,
  type RunningWebServer,
  startWebServer,
  WebConfigError,
  webOptionsFromConfig,
} from "../web/server.js";

/** EX_UNAVAILABLE (sysexits.h): a service the program needs (Redis) is not there. */
const EXIT_UNAVAILABLE = 69;
/** After a failed start, how long a forgotten handle may hold the process before it is ended. */
const EXIT_GRACE_MS = 3_000;

const HELP = {
  serve:
    "usage: rdns serve\n\nRuns the chat front ends, delivery and check workers in one process, and serves the\nservers page on WEB_HOST:WEB_PORT (default 127.0.0.1:8080).\nWith no SLACK_BOT_TOKEN and no DISCORD_TOKEN, opens a console chat on this terminal.\n",
  bot: "usage: rdns bot\n\nRuns the chat front ends and the delivery worker (no DNS checks: run `rdns worker` too).\n",
  worker:
    "usage: rdns worker\n\nRuns the DNS check workers (scale out with more processes against the same Redis).\n",
} as const;

type ServeConfig = ReturnType<typeof loadConfig>;
type Mode = keyof typeof HELP;

type StartedRuntime = Awaited<ReturnType<typeof import("../runtime.js").startRuntime>>;

/**
 * /healthz, /readyz, /metrics and Bull Board on WEB_PORT (the workers' metrics observers were
 * attached by startRuntime's onWorker).
 * A port that cannot be bound is logged, not fatal: checks and deliveries matter more than the
 * ops routes, and the container's healthcheck (which cannot reach /readyz then) shows it.
 */
async function startOps(config: ServeConfig, runtime: StartedRuntime, logger: Logger) {
  const { startOpsServer } = await import("../web/ops-server.js");
  const prefix = runtime.settings.prefix;
  try {
    const server = await startOpsServer({
      config,
      prefix,
      queues: runtime.queues,
      logger,
      platformChecks: platformReadiness(runtime),
      host: config.WEB_HOST,
      port: config.WEB_PORT,
    });
    logger.info({ address: server.address }, "ops routes: /healthz /readyz /metrics /admin/queues");
    return server;
  } catch (error) {
    logger.error(
      { err: error instanceof Error ? error.message : String(error) },
      `no /metrics or /readyz: cannot listen on ${config.WEB_HOST}:${config.WEB_PORT} (set WEB_HOST / WEB_PORT)`,
    );
    return null;
  }
}

/** /readyz asks every chat platform this process started whether it is connected. */
function platformReadiness(runtime: StartedRuntime) {
  return runtime.platforms.map((platform) => ({ name: platform.name, ready: () => platform.ready() }));
}

/**
 * The servers page of `rdns serve`, carrying the ops routes too (one port): /readyz, /metrics and
 * Bull Board behind the page's own token check (bearer or cookie).
 */
async function startServersPage(
  config: ServeConfig,
  runtime: StartedRuntime,
  logger: Logger,
): Promise<RunningWebServer> {
  const { createOpsDeps, createRedisProbe } = await import("../web/ops-server.js");
  const { registerOps } = await import("../web/ops.js");
  const { requireToken } = await import("../web/auth.js");
  const probe = createRedisProbe(config.redis);
  const deps = createOpsDeps(
    { config, prefix: runtime.settings.prefix, queues: runtime.queues, logger },
    probe,
  );
  const access = config.WEB_TOKEN === undefined ? null : requireToken(config.WEB_TOKEN);
  const store = { redis: runtime.redis, keys: storeKeys(runtime.settings.prefix) };
  try {
    const web = await startWebServer({
      ...webOptionsFromConfig(config, store, logger),
      extend: (app) => registerOps(app, { ...deps, healthz: false, admin: { ...deps.admin, access } }),
    });
    return {
      ...web,
      close: async () => {
        await web.close();
        probe.disconnect();
      },
    };
  } catch (error) {
    probe.disconnect();
    throw error;
  }
}

/** The exit code after --help (0) or an argument none of these commands takes (64); null to go on. */
function answerArguments(mode: Mode, argv: string[]): number | null {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP[mode]);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`rdns ${mode}: unexpected argument "${argv[0]}"\n${HELP[mode]}`);
    return 64;
  }
  return null;
}

/** The configuration, or EX_CONFIG (78) after one line on stderr naming what to set. */
function readConfig(mode: Mode): ServeConfig | number {
  try {
    const config = loadConfig();
    if (mode === "serve") assertSafeBinding(config.WEB_HOST, config.WEB_TOKEN);
    return config;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof WebConfigError) {
      process.stderr.write(`rdns ${mode}: ${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
}

/**
 * The console chat's terminal is the conversation: its logs are pretty, on stderr (or
 * LOG_FILE), and only warnings and worse unless LOG_LEVEL asks for more.
 */
function processLogger(config: ServeConfig, mode: Mode, consoleChat: boolean): Logger {
  return createLogger(
    config.LOG_LEVEL ?? (consoleChat ? "warn" : "info"),
    { process: mode },
    { file: config.LOG_FILE, pretty: consoleChat },
  );
}

interface Roles {
  bot: boolean;
  worker: boolean;
  /** The runtime asks to quit (the console chat's input ended). */
  onQuit: () => void;
  /** The console chat's output, when this process has one. */
  consoleOutput?: NodeJS.WritableStream | undefined;
}

/** The runtime, and for `rdns serve` the servers page; what was started is stopped if the page fails. */
async function startServices(
  mode: Mode,
  config: ServeConfig,
  logger: Logger,
  { bot, worker, onQuit, consoleOutput }: Roles,
): Promise<{ runtime: StartedRuntime; web: RunningWebServer | null }> {
  // Checked before loading BullMQ, Bolt and discord.js, so a missing Redis is said at once.
  await assertRedisReachable(config.redis);
  const { startRuntime } = await import("../runtime.js");
  const { recordDnsQuery, timedCheckRunner } = await import("../app/metrics.js");
  const { addQueryListener } = await import("../check/dns-observer.js");
  // Every question the workers' checks send (the default DNS client) counts in /metrics.
  if (worker) addQueryListener((event) => recordDnsQuery(event.outcome, event.seconds));
  const { observeWorkers } = await import("../app/observe-workers.js");
  const { storeKeys } = await import("../keys.js");
  const { runCheck } = await import("../check/index.js");
  const runtime = await startRuntime({
    config,
    logger,
    bot,
    worker,
    onQuit,
    ...(consoleOutput === undefined ? {} : { consoleOutput }),
    runCheck: timedCheckRunner(runCheck),
    onWorker: (created, { redis, settings }) =>
      observeWorkers([created], { redis, keys: storeKeys(settings.prefix), logger }),
  });
  if (mode !== "serve") return { runtime, web: null };
  const web = await startServersPage(config, runtime, logger).catch(async (error: unknown) => {
    await runtime.stop();
    throw error;
  });
  return { runtime, web };
}

/**
 * One line the operator reads on stderr, naming the variable to fix (the platforms' errors do);
 * the runtime already closed what it opened, and nothing left may keep us running.
 */
function startFailed(mode: Mode, error: unknown): number {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, "; ");
  process.stderr.write(`rdns ${mode}: ${message}\n`);
  const code =
    error instanceof RedisUnavailableError ? EXIT_UNAVAILABLE : error instanceof ConfigError ? 78 : 70;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}

async function run(mode: Mode, argv: string[]): Promise<number> {
  const answered = answerArguments(mode, argv);
  if (answered !== null) return answered;
  const config = readConfig(mode);
  if (typeof config === "number") return config;
  const bot = mode !== "worker";
  const worker = mode !== "bot";
  const consoleChat = bot && selectPlatforms(config).includes("console");
  const logger = processLogger(config, mode, consoleChat);
  let quit: () => void = () => undefined;
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  // Before anything starts: a worker may take a job the moment it is up, and a SIGTERM then must
  // drain it (finish, exit 0), not kill the process mid-job.
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "draining: finishing in-flight jobs");
    quit();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  // The console starts reading piped input while the rest starts, and the servers page's address
  // is known only once it listens: its answers wait here until the intro is printed, so the
  // conversation reads top to bottom.
  const consoleOutput = consoleChat ? new PassThrough() : undefined;
  let started: Awaited<ReturnType<typeof startServices>>;
  try {
    started = await startServices(mode, config, logger, { bot, worker, onQuit: () => quit(), consoleOutput });
  } catch (error) {
    return startFailed(mode, error);
  }
  const { runtime, web } = started;
  // One line when a Redis restart would lose chains and watches; never fatal, never unready.
  const { warnIfNotPersistent } = await import("../queue/persistence-check.js");
  await warnIfNotPersistent(runtime.redis, logger).catch(() => undefined);
  // `rdns serve` carries the ops routes on the servers page's port; bot and worker open their own.
  const ops = web === null ? await startOps(config, runtime, logger) : null;
  if (consoleChat) {
    const page = web === null ? null : { url: web.url, tokenRequired: config.WEB_TOKEN !== undefined };
    process.stdout.write(consoleIntro(page));
    consoleOutput?.pipe(process.stdout, { end: false });
  }
  logger.info(
    { bot, worker, platforms: runtime.platforms.map((platform) => platform.name), web: web?.url ?? null },
    "started",
  );
  await quitting;
  await ops?.close();
  await web?.close();
  await runtime.stop();
  logger.info("stopped");
  return 0;
}

export const runServeCommand = (argv: string[]) => run("serve", argv);
export const runBotCommand = (argv: string[]) => run("bot", argv);
export const runWorkerCommand = (argv: string[]) => run("worker", argv);

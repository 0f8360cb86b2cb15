// The web server (docs/operations.md): the servers page, its API and health, on WEB_HOST:WEB_PORT.
// Fastify, for its plugin model (routes are modules; Bull Board has an adapter for it) and its
// small footprint. Pages are rendered on the server; the only script is /assets/servers.js.
import cookie from "@fastify/cookie";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import ipaddr from "ipaddr.js";
import type { StoreAccess } from "../app/load-servers.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { requireToken } from "./auth.js";
import { assetRoutes } from "./routes/assets.js";
import { healthRoutes } from "./routes/health.js";
import { serverRoutes } from "./routes/server.js";
import { serversRoutes } from "./routes/servers.js";

export class WebConfigError extends Error {
  override name = "WebConfigError";
}

export interface WebOptions {
  host: string;
  port: number;
  /** WEB_TOKEN: pages and API need it when set. */
  token: string | undefined;
  store: StoreAccess;
  logger: Logger;
  now?: () => Date;
  /** The servers page's self-refresh (default 30 s). */
  refreshSeconds?: number;
  /** TRUST_PROXY: believe X-Forwarded-Proto/For/Host from these peers (true: any); default false. */
  trustProxy?: boolean | string[];
  /** More routes on the same server (`rdns serve` adds the ops routes: /readyz, /metrics, Bull Board). */
  extend?: (app: FastifyInstance) => Promise<void>;
}

/** The options `rdns serve` and `rdns web` use: WEB_HOST, WEB_PORT, WEB_TOKEN, TRUST_PROXY. */
export function webOptionsFromConfig(config: Config, store: StoreAccess, logger: Logger): WebOptions {
  return {
    host: config.WEB_HOST,
    port: config.WEB_PORT,
    token: config.WEB_TOKEN,
    trustProxy: config.TRUST_PROXY,
    store,
    logger,
  };
}

export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (!ipaddr.isValid(bare)) return false;
  return ipaddr.process(bare).range() === "loopback";
}

/**
 * Refuses a page reachable from other machines without a token: the page lists every watched
 * server and its DNS problems, which is a map for an attacker.
 */
export function assertSafeBinding(host: string, token: string | undefined): void {
  if (token === undefined && !isLoopbackHost(host)) {
    throw new WebConfigError(
      `WEB_HOST=${host} is not a loopback address and WEB_TOKEN is unset: set WEB_TOKEN (openssl rand -hex 32) or bind to 127.0.0.1 and use ssh -L`,
    );
  }
}

// Sent with every response. The CSP allows scripts and styles from this server only, so nothing
// inline runs even if an escaping mistake let markup through (defence in depth, not the defence).
// A route that needs another policy sets its own before sending (Bull Board: src/web/admin.ts).
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
} as const;

/** The server with every route registered, not yet listening (tests use `inject` or listen on port 0). */
export async function createWebServer(options: WebOptions): Promise<FastifyInstance> {
  assertSafeBinding(options.host, options.token);
  // Our pino logger is a FastifyBaseLogger; the cast keeps FastifyInstance's default generics.
  const logger = options.logger.child({ component: "web" }) as FastifyBaseLogger;
  // No line per request (a refreshing page would log one every 30 s); errors are still logged.
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    // Only with TRUST_PROXY does request.protocol follow X-Forwarded-Proto (the cookie's Secure
    // flag, src/web/auth.ts): otherwise any client could claim https.
    trustProxy: options.trustProxy ?? false,
  });
  await app.register(cookie);
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader("content-security-policy"))
      reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    return payload;
  });
  const deps = {
    store: options.store,
    guard: requireToken(options.token),
    now: options.now ?? (() => new Date()),
    refreshSeconds: options.refreshSeconds ?? 30,
  };
  await app.register(healthRoutes);
  await app.register(assetRoutes, deps);
  await app.register(serversRoutes, deps);
  await app.register(serverRoutes, deps);
  await options.extend?.(app);
  return app;
}

export interface RunningWebServer {
  app: FastifyInstance;
  /** `http://host:port` as bound (the real port when WEB_PORT is 0). */
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(options: WebOptions): Promise<RunningWebServer> {
  const app = await createWebServer(options);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    const code = (error as { code?: string }).code;
    const why =
      code === "EADDRINUSE" ? "the port is in use" : error instanceof Error ? error.message : String(error);
    throw new WebConfigError(`cannot listen on ${options.host}:${options.port} (WEB_HOST, WEB_PORT): ${why}`);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const host =
    options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}

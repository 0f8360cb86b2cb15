// What every route module of the web server is given.
import type { preHandlerAsyncHookHandler } from "fastify";
import type { StoreAccess } from "./load.js";

export interface RouteDeps {
  store: StoreAccess;
  /** The token check (src/web/auth.ts) for pages and API; probes do without it. */
  guard: preHandlerAsyncHookHandler;
  now: () => Date;
  /** How often the servers page refreshes itself (30 s; tests shorten it). */
  refreshSeconds: number;
}

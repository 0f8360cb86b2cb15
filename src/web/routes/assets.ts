// The page's one script and one stylesheet, served as files: the Content-Security-Policy allows
// no inline script or style. Read once at start; `npm run build` copies them next to the
// compiled code (dist/src/web/assets/). Two fixed files do not need a static-file plugin.
import { readFileSync } from "node:fs";
import type { FastifyPluginAsync } from "fastify";
import type { RouteDeps } from "../deps.js";

const ASSETS = {
  "servers.js": "text/javascript; charset=utf-8",
  "servers.css": "text/css; charset=utf-8",
} as const;

export const assetRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  for (const [name, type] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(`../assets/${name}`, import.meta.url), "utf8");
    app.get(`/assets/${name}`, { preHandler: deps.guard }, async (_request, reply) =>
      reply.type(type).header("cache-control", "no-cache").send(body),
    );
  }
};

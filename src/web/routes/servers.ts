// GET / (the servers page), GET /api/servers (its rows as JSON), GET /servers.csv.
import type { FastifyPluginAsync } from "fastify";
import { rowsToCsv } from "../csv.js";
import type { RouteDeps } from "../deps.js";
import { loadHistories, loadSnapshot } from "../load.js";
import { renderServersPage, STRIP_LENGTH } from "../pages/servers-page.js";
import { buildServerRows } from "../rows.js";

export const serversRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const rows = async () => buildServerRows(await loadSnapshot(deps.store));

  app.get("/", { preHandler: deps.guard }, async (_request, reply) => {
    const current = await rows();
    const histories = await loadHistories(deps.store, current, STRIP_LENGTH);
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(renderServersPage(current, histories, deps.now(), deps.refreshSeconds));
  });

  app.get("/api/servers", { preHandler: deps.guard }, async (_request, reply) =>
    reply.header("cache-control", "no-store").send(await rows()),
  );

  app.get("/servers.csv", { preHandler: deps.guard }, async (_request, reply) =>
    reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="servers.csv"')
      .header("cache-control", "no-store")
      .send(rowsToCsv(await rows())),
  );
};

// GET /servers/<ip>: one address's latest report and history.
import type { FastifyPluginAsync } from "fastify";
import { loadSnapshotOf } from "../../app/load-servers.js";
import { buildServerRows } from "../../app/server-rows.js";
import { parseIp } from "../../check/ip.js";
import { readHistory } from "../../store/history.js";
import { getLastReport } from "../../store/reports.js";
import type { RouteDeps } from "../deps.js";
import { renderServerPage } from "../pages/server-page.js";

export const serverRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  app.get<{ Params: { ip: string } }>("/servers/:ip", { preHandler: deps.guard }, async (request, reply) => {
    let ip: string;
    try {
      ip = parseIp(request.params.ip).ip;
    } catch (error) {
      return reply
        .code(400)
        .type("text/plain; charset=utf-8")
        .send(`${error instanceof Error ? error.message : "not an IP address"}\n`);
    }
    const rows = buildServerRows(await loadSnapshotOf(deps.store, ip));
    const report = await getLastReport(deps.store.redis, deps.store.keys, ip);
    if (rows.length === 0 && report === null) {
      return reply
        .code(404)
        .type("text/plain; charset=utf-8")
        .send(`${ip} is not watched and has no report\n`);
    }
    const channels = [...new Set(rows.map((row) => row.channel))];
    const histories = new Map(
      await Promise.all(
        channels.map(
          async (channel) =>
            [channel, await readHistory(deps.store.redis, deps.store.keys, channel, ip)] as const,
        ),
      ),
    );
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(renderServerPage({ ip, rows, report, histories }, deps.now()));
  });
};

// Liveness: 200 while the process's event loop runs (it answers at all). Nothing else is asked:
// a liveness probe that failed on Redis would restart healthy processes during a Redis outage.
import type { FastifyInstance } from "fastify";

export function registerHealth(app: FastifyInstance): void {
  app.get("/healthz", async (_request, reply) =>
    reply.header("cache-control", "no-store").send({ status: "ok" }),
  );
}

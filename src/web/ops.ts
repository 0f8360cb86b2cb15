// The operations routes every process serves on the web port (docs/operations.md): /healthz,
// /readyz, /metrics, and Bull Board at /admin/queues when a token is set. One function, so the
// servers page's server (`rdns serve`, `rdns web`) and the ops-only server of `rdns worker` and
// `rdns bot` (src/web/ops-server.ts) expose exactly the same thing.
import type { FastifyInstance } from "fastify";
import { type AdminOptions, registerAdmin } from "./admin.js";
import { registerHealth } from "./health.js";
import { type MetricsSources, registerMetrics } from "./metrics.js";
import { evaluateReadiness, type ReadinessCheck } from "./readiness.js";

export interface OpsDeps {
  metrics: MetricsSources;
  /** Redis (src/web/readiness.ts redisReadiness) and one check per started chat platform. */
  readiness: readonly ReadinessCheck[];
  /** Bound on each readiness check. */
  readinessTimeoutMs?: number;
  admin: AdminOptions;
  /** False when the server already has its own /healthz. */
  healthz?: boolean;
}

export async function registerOps(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  if (deps.healthz !== false) registerHealth(app);
  app.get("/readyz", async (_request, reply) => {
    const result = await evaluateReadiness(deps.readiness, deps.readinessTimeoutMs ?? 1000);
    const notReady = result.checks.filter((check) => !check.ready);
    return reply
      .code(result.ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send(
        result.ready
          ? { status: "ready", checks: result.checks }
          : {
              status: "not ready",
              notReady: notReady.map((check) => check.name),
              // One line each, for a person reading the probe: "redis: full (used_memory >= maxmemory, noeviction)".
              reasons: notReady.map((check) => `${check.name}: ${check.error ?? "not ready"}`),
              checks: result.checks,
            },
      );
  });
  registerMetrics(app, deps.metrics);
  await registerAdmin(app, deps.admin);
}

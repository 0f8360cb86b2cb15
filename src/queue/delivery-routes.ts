// Delivery routes of one process. Two consoles on one Redis (`npm start` in one terminal, the
// README's piped `rdns serve` in another) both run a delivery worker for "console"; on one shared
// queue either could take the other's answer and print it in the wrong terminal. So a console
// claims a route named by its session (the session its reply addresses carry): while the claim
// is held, deliveries to its addresses wait in its own queue, which only it consumes. Once it is
// released (the process stopped) or has expired (the process died), they go to the shared queue
// again, which every console also consumes: a watch opened in an earlier session still reaches a
// terminal. Slack and Discord need none of this: any replica may post any delivery.
import type { Queue } from "bullmq";
import type { PlatformName } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import type { DeliveryJob } from "./jobs.js";
import { consoleSessionOf } from "./names.js";

/** How long a claim outlives its last renewal: a process killed outright frees its route this fast. */
export const ROUTE_TTL_MS = 30_000;

export class RouteTakenError extends Error {
  override name = "RouteTakenError";
}

/** The route a delivery takes: its console session while that console holds it, else null (shared). */
export async function liveRouteOf(
  redis: RedisClient,
  keys: StoreKeys,
  job: DeliveryJob,
): Promise<string | null> {
  if (job.platform !== "console") return null;
  const { target } = job;
  const address = target.op === "reply" ? target.thread : target.op === "update" ? target.target : null;
  const session = address === null ? null : consoleSessionOf(address);
  if (session === null) return null;
  return (await redis.exists(keys.deliveryRoute(job.platform, session))) === 1 ? session : null;
}

export interface RouteClaim {
  /** Stops renewing and lets go: deliveries to the route go to the shared queue from now on. */
  release(): Promise<void>;
}

/**
 * Claims `route` for this process, renewed every third of ROUTE_TTL_MS. Refused when another
 * live process holds it (the same console session twice on one QUEUE_PREFIX).
 */
export async function claimDeliveryRoute(
  redis: RedisClient,
  keys: StoreKeys,
  platform: PlatformName,
  route: string,
  onError: (error: unknown) => void = () => undefined,
): Promise<RouteClaim> {
  const key = keys.deliveryRoute(platform, route);
  const token = `${process.pid}-${Date.now()}`;
  if ((await redis.set(key, token, "PX", ROUTE_TTL_MS, "NX")) !== "OK") {
    throw new RouteTakenError(
      `another ${platform} with session ${route} is running on this QUEUE_PREFIX; give this one its own`,
    );
  }
  const timer = setInterval(() => {
    redis.set(key, token, "PX", ROUTE_TTL_MS).catch(onError);
  }, ROUTE_TTL_MS / 3);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await redis.del(key);
    },
  };
}

/**
 * After a route was released and its worker closed: what still waits in its queue goes to the
 * shared queue under the same job id (a delivery already posted is skipped there by its marker),
 * and the route's queue is removed.
 */
export async function retireRouteQueue(routeQueue: Queue<DeliveryJob>, shared: Queue<DeliveryJob>) {
  const left = await routeQueue.getJobs(["waiting", "delayed", "prioritized"]);
  for (const job of left) {
    if (job.id !== undefined) await shared.add("deliver", job.data, { jobId: job.id });
  }
  await routeQueue.obliterate({ force: true });
}

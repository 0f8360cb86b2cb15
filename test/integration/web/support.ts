// Shared by the servers page's integration tests: watches written through the store, and checks
// run against the DNS lab and recorded the way the check worker records them (last report, then
// each watching channel's state and history), then the web server on a free loopback port.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import type { CheckOptions, CheckReport } from "../../../src/check/types.js";
import { type StoreKeys, storeKeys } from "../../../src/keys.js";
import { saveLastReport } from "../../../src/store/reports.js";
import { addWatch } from "../../../src/store/watches.js";
import { type RunningWebServer, startWebServer, type WebOptions } from "../../../src/web/server.js";
import { claimWatchStates } from "../../../workers/check.js";
import { cleanupPrefix, logger, REDIS_URL, uniquePrefix } from "../engine/support.js";

export interface WebFixture {
  redis: Redis;
  keys: StoreKeys;
  prefix: string;
  /** Adds a watch of `ips` (the range `target` expanded) in `channel`. */
  watch(channel: string, target: string, ips: string[]): Promise<void>;
  /**
   * Checks the IP against the lab and records it as the check worker does; returns the report.
   * `options` adds to the check's (a HELO, SHOW_PRIVATE_ADDRESSES).
   */
  check(ip: string, options?: Partial<CheckOptions>): Promise<CheckReport>;
  serve(options?: Partial<WebOptions>): Promise<RunningWebServer>;
  close(): Promise<void>;
}

export function webFixture(name: string): WebFixture {
  const lab = inject("lab");
  const prefix = uniquePrefix(name);
  const redis = new Redis(REDIS_URL);
  const keys = storeKeys(prefix);
  const servers: RunningWebServer[] = [];
  let created = 0;
  return {
    redis,
    keys,
    prefix,
    async watch(channel, target, ips) {
      const [platform = "console", id = ""] = channel.split(":");
      const origin = {
        platform: platform as "console",
        channel: id,
        thread: `${channel}:t-${target}`,
        parent: null,
      };
      // Watches are listed oldest first: each one made here is a millisecond younger than the last.
      const createdAt = new Date(Date.now() + created++).toISOString();
      const record = { target, ips, origin, user: "tester", createdAt };
      const added = await addWatch(redis, keys, channel, record, 65_536);
      if (!added.ok) throw new Error(`could not add the watch ${target}: ${added.reason}`);
    },
    async check(ip, options = {}) {
      const report = await runCheck({
        ip,
        helo: null,
        resolvers: [lab.resolver],
        authorities: [lab.authority],
        timeoutMs: 1000,
        ...options,
      });
      await saveLastReport(redis, keys, report, 3600);
      await claimWatchStates(redis, keys, `job-${randomUUID()}`, report);
      return report;
    },
    async serve(options = {}) {
      const server = await startWebServer({
        host: "127.0.0.1",
        port: 0,
        token: undefined,
        store: { redis, keys },
        logger,
        ...options,
      });
      servers.push(server);
      return server;
    },
    async close() {
      await Promise.allSettled(servers.map((server) => server.close()));
      await cleanupPrefix(prefix);
      redis.disconnect();
    },
  };
}

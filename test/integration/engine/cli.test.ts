// The process commands as an operator runs them (bin/rdns.js, built by `npm test`): fail fast
// without Redis, and drain on SIGTERM (the in-flight job finishes, the process exits 0).
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedis } from "../../../src/queue/connection.js";
import { checkJobId } from "../../../src/queue/ids.js";
import { type CheckJob, newCheckJob } from "../../../src/queue/jobs.js";
import { CHECK_QUEUE } from "../../../src/queue/names.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./support.js";

const run = promisify(execFile);

describe("rdns serve / bot / worker", () => {
  const prefix = uniquePrefix("cli");
  afterAll(async () => cleanupPrefix(prefix));

  it.each(["serve", "bot", "worker"])(
    "rdns %s exits 69 with one line naming REDIS_URL when Redis is down",
    async (mode) => {
      const started = Date.now();
      const failure = await run(process.execPath, ["bin/rdns.js", mode], {
        env: { ...process.env, REDIS_URL: "redis://127.0.0.1:1" },
      }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(69);
      const lines = failure?.stderr.trim().split("\n") ?? [];
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/REDIS_URL/);
      expect(lines[0]).toMatch(/redis-server --daemonize yes/);
      expect(Date.now() - started).toBeLessThan(15_000); // no retrying for ever (a loaded machine starts node slowly)
    },
  );

  it("rdns worker drains on SIGTERM: the job in flight finishes, exit 0", async () => {
    const lab = inject("lab");
    const worker = spawn(process.execPath, ["bin/rdns.js", "worker"], {
      env: {
        ...process.env,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        // A resolver that never answers: the check takes the whole DNS timeout.
        RESOLVERS: lab.dead,
        AUTHORITIES: lab.authority,
        DNS_TIMEOUT_MS: "2500",
        LOG_LEVEL: "silent",
      },
      stdio: "ignore",
    });
    const connection = createRedis(REDIS_URL, "worker");
    const queue = new Queue<CheckJob>(CHECK_QUEUE, { connection, prefix });
    try {
      const id = checkJobId("203.0.113.10");
      const job = newCheckJob({
        ip: "203.0.113.10",
        helo: null,
        origins: [],
        originsKey: null,
        // A command's check (a watch run with nobody watching would end at once, without DNS).
        reason: "command",
        chainId: id,
      });
      await queue.add("command", job, { jobId: id, attempts: 3, backoff: { type: "fixed", delay: 60_000 } });
      const deadline = Date.now() + 15_000;
      while ((await queue.getJobState(id)) !== "active") {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      worker.kill("SIGTERM");
      const code = await new Promise<number | null>((resolve) => worker.once("exit", resolve));
      expect(code).toBe(0);
      // The attempt ran to its end (inconclusive: a timeout is not an answer) and went back to
      // the queue for its retry; nothing is left active or lost.
      expect(await queue.getJobState(id)).toBe("delayed");
      expect((await queue.getJob(id))?.attemptsMade).toBe(1);
    } finally {
      if (worker.exitCode === null) worker.kill("SIGKILL");
      await queue.close();
      connection.disconnect();
    }
  });
});

// Bull Board at /admin/queues against real Redis: absent (404) without WEB_TOKEN, 401 without the
// token, read-only unless ADMIN_WRITE=1 (a write is refused and changes nothing), working with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import { type OpsServer, startOpsServer } from "../../../src/web/ops-server.js";
import { cleanupPrefix, labSettings, logger, REDIS_URL } from "../engine/support.js";

const TOKEN = "s3cret-token-for-tests";
const auth = { authorization: `Bearer ${TOKEN}` };

describe("Bull Board at /admin/queues", () => {
  const settings = labSettings("ops-admin");
  const client = createRedis(REDIS_URL, "client");
  let queues: Queues;
  const servers: OpsServer[] = [];

  async function serve(env: Record<string, string>): Promise<string> {
    const server = await startOpsServer({
      config: loadConfig({ REDIS_URL, ...env }),
      prefix: settings.prefix,
      queues,
      logger,
      host: "127.0.0.1",
      port: 0,
    });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  beforeAll(async () => {
    queues = createQueues(client, settings);
    await queues.check.add("command", { ip: "203.0.113.10" } as never, { jobId: "job-1", delay: 3_600_000 });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await queues?.close();
    client.disconnect();
    await cleanupPrefix(settings.prefix);
  });

  it("does not exist without WEB_TOKEN (404), while the open ops routes answer", async () => {
    const base = await serve({});
    expect((await fetch(`${base}/admin/queues`)).status).toBe(404);
    expect((await fetch(`${base}/admin/queues/api/queues`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it("answers 401 and nothing else without the token, or with a wrong one", async () => {
    const base = await serve({ WEB_TOKEN: TOKEN });
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong" },
      { authorization: TOKEN },
    ];
    for (const headers of refused) {
      const response = await fetch(`${base}/admin/queues`, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toMatch(/check|bull/i);
    }
    const api = await fetch(`${base}/admin/queues/api/queues`);
    expect(api.status).toBe(401);
  });

  it("shows the queues read-only without ADMIN_WRITE, refusing writes", async () => {
    const base = await serve({ WEB_TOKEN: TOKEN });
    const page = await fetch(`${base}/admin/queues`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const api = await fetch(`${base}/admin/queues/api/queues?activeQueue=check&status=delayed`, {
      headers: auth,
    });
    expect(api.status).toBe(200);
    const body = (await api.json()) as {
      queues: { name: string; readOnlyMode: boolean; counts: { delayed: number } }[];
    };
    const check = body.queues.find((queue) => queue.name === "check");
    expect(check).toMatchObject({ readOnlyMode: true, counts: { delayed: 1 } });
    expect(body.queues.map((queue) => queue.name).sort()).toEqual([
      "check",
      "delivery-console",
      "delivery-discord",
      "delivery-slack",
      "watch",
    ]);

    const pause = await fetch(`${base}/admin/queues/api/queues/check/pause`, {
      method: "PUT",
      headers: auth,
    });
    expect(pause.status).toBe(403);
    expect(await pause.text()).toMatch(/ADMIN_WRITE=1/);
    const promote = await fetch(`${base}/admin/queues/api/queues/check/job-1/promote`, {
      method: "PUT",
      headers: auth,
    });
    expect(promote.status).toBe(403);
    expect(await queues.check.isPaused()).toBe(false);
    expect(await queues.check.getJobState("job-1")).toBe("delayed");
  });

  it("changes jobs with ADMIN_WRITE=1", async () => {
    const base = await serve({ WEB_TOKEN: TOKEN, ADMIN_WRITE: "1" });
    const unauthenticated = await fetch(`${base}/admin/queues/api/queues/check/pause`, { method: "PUT" });
    expect(unauthenticated.status).toBe(401);
    expect(await queues.check.isPaused()).toBe(false);
    const pause = await fetch(`${base}/admin/queues/api/queues/check/pause`, {
      method: "PUT",
      headers: auth,
    });
    expect(pause.status).toBe(200);
    expect(await queues.check.isPaused()).toBe(true);
    const resume = await fetch(`${base}/admin/queues/api/queues/check/resume`, {
      method: "PUT",
      headers: auth,
    });
    expect(resume.status).toBe(200);
    expect(await queues.check.isPaused()).toBe(false);
  });
});

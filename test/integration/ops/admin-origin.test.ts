// Bull Board's writes (ADMIN_WRITE=1) refuse a cross-site Origin with 403 and change nothing; the
// board's own origin and a client without Origin (curl with the bearer token) still work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import { type OpsServer, startOpsServer } from "../../../src/web/ops-server.js";
import { cleanupPrefix, labSettings, logger, REDIS_URL } from "../engine/support.js";

const TOKEN = "s3cret-token-for-origin-tests";
const auth = { authorization: `Bearer ${TOKEN}` };

describe("Bull Board writes and Origin", () => {
  const settings = labSettings("ops-admin-origin");
  const client = createRedis(REDIS_URL, "client");
  let queues: Queues;
  let server: OpsServer;
  let base: string;

  beforeAll(async () => {
    queues = createQueues(client, settings);
    server = await startOpsServer({
      config: loadConfig({ REDIS_URL, WEB_TOKEN: TOKEN, ADMIN_WRITE: "1" }),
      prefix: settings.prefix,
      queues,
      logger,
      host: "127.0.0.1",
      port: 0,
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await queues?.close();
    client.disconnect();
    await cleanupPrefix(settings.prefix);
  });

  const pause = (headers: Record<string, string>) =>
    fetch(`${base}/admin/queues/api/queues/check/pause`, { method: "PUT", headers: { ...auth, ...headers } });
  const resume = (headers: Record<string, string>) =>
    fetch(`${base}/admin/queues/api/queues/check/resume`, {
      method: "PUT",
      headers: { ...auth, ...headers },
    });

  it("refuses a cross-site Origin, a null Origin and Sec-Fetch-Site: cross-site with 403", async () => {
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "http://127.0.0.1:1" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of refused) {
      const response = await pause(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).toMatch(/cross-site request refused/);
      expect(await queues.check.isPaused()).toBe(false);
    }
    // Reads are not changed by it.
    const read = await fetch(`${base}/admin/queues/api/queues`, {
      headers: { ...auth, origin: "https://evil.example" },
    });
    expect(read.status).toBe(200);
  });

  it("lets the board's own origin and an Origin-less client change jobs", async () => {
    expect((await pause({ origin: base })).status).toBe(200);
    expect(await queues.check.isPaused()).toBe(true);
    expect((await resume({})).status).toBe(200);
    expect(await queues.check.isPaused()).toBe(false);
  });
});

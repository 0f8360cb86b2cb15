// `npm run bench:slack`: how fast the Slack HTTP receiver acknowledges /rdns under load.
// Starts the real adapter (real Bolt HTTPReceiver, real Redis) against the loopback fake Web API,
// fires N signed slash commands at once (default 100, BENCH_N), and reports the time from each
// request being sent to its ack response (p50, p90, p99, max), plus how long until every parent
// message was posted. Slack's limit for the ack is 3 s.
// The requests are sent from a worker thread (plain node:http), so the load generator does not
// share the bot's event loop; the fake Web API does share it (that only makes the numbers worse).
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { SIGNING_SECRET, startSlackHarness } from "../test/fakes/slack/harness.js";
import { RecordingHandlers } from "../test/fakes/slack/recording-handlers.js";
import { sign, slashCommandForm } from "../test/fakes/slack/requests.js";

// Sends every request at once over separate connections; replies with [status, ms][] per request.
const LOAD_GENERATOR = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const { url, requests } = workerData;
const target = new URL(url);
Promise.all(requests.map((r) => new Promise((resolve) => {
  const started = performance.now();
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST",
    headers: { ...r.headers, "content-length": Buffer.byteLength(r.body) }, agent: false }, (res) => {
    res.resume();
    res.on("end", () => resolve([res.statusCode, performance.now() - started]));
  });
  req.on("error", () => resolve([0, performance.now() - started]));
  req.end(r.body);
}))).then((results) => parentPort.postMessage(results));
`;

function sendFromWorker(
  url: string,
  requests: { headers: Record<string, string>; body: string }[],
): Promise<{ status: number; ms: number }[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: { url, requests } });
    worker.once("message", (results: [number, number][]) => {
      resolve(results.map(([status, ms]) => ({ status, ms })));
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function round(n: number, label: string): Promise<void> {
  const handlers = new RecordingHandlers();
  const h = await startSlackHarness(handlers, {
    env: { LIMIT_USER_COMMANDS: "10000", LIMIT_CHANNEL_COMMANDS: "100000" },
  });
  try {
    const timestamp = Math.floor(Date.now() / 1000);
    const requests = Array.from({ length: n }, (_, i) => {
      const body = slashCommandForm({
        text: `203.0.113.${(i % 250) + 1} mail.example.test`,
        user: `U${String(i).padStart(6, "0")}`,
        channel: `C${String(i % 10).padStart(6, "0")}`,
        responseUrl: `${h.fake.url}/response/${i}`,
      });
      const headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": sign(SIGNING_SECRET, timestamp, body),
      };
      return { headers, body };
    });
    const started = performance.now();
    const results = await sendFromWorker(h.eventsUrl, requests);
    const acked = performance.now();
    await h.fake.waitFor((f) => f.callsTo("chat.postMessage").length === n, 30_000, "every parent message");
    const posted = performance.now();
    const failed = results.filter((r) => r.status !== 200).length;
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const f = (v: number) => `${v.toFixed(1)} ms`;
    process.stdout.write(
      `${label}: ${n} concurrent signed /rdns over HTTP: ack p50 ${f(percentile(ms, 50))}, p90 ${f(percentile(ms, 90))}, ` +
        `p99 ${f(percentile(ms, 99))}, max ${f(ms.at(-1) ?? Number.NaN)}; batch done in ${f(acked - started)} (incl. worker start-up), ` +
        `all ${n} parent messages posted in ${f(posted - started)}; non-200: ${failed}\n`,
    );
    if (failed > 0) process.exitCode = 1;
  } finally {
    await h.close();
  }
}

const n = Number(process.env.BENCH_N ?? "100");
await round(n, "warm-up");
await round(n, "measured");

// `npm run bench:mailtest`: test mail on this machine, against the DNS lab (Knot + Unbound on
// loopback) and the Redis at REDIS_URL (a unique prefix, removed afterwards), through the whole
// engine (`startRuntime`: the listener, the check and delivery workers) with a recording chat
// platform in place of Slack or Discord.
// 1. Latency: BENCH_MESSAGES (default 50) messages one after another, each to its own
//    /rdns mailtest address, through a PROXY header naming 203.0.113.10 with HELO
//    mail.example.test; time from the end of DATA (the final "." written) to the report posted
//    in its thread, p50 and p99, against a bare runCheck of the same IP and HELO in the same run
//    (interleaved). Target: report <= 1.5 x check + 100 ms.
// 2. Throughput: BENCH_CLIENTS (default 200) clients at once, BENCH_LOAD (default 1000) messages
//    in all, each with its own HELO (its own check); messages acknowledged per second, and
//    reports posted per second until the last one (bounded by the delivery rate limit,
//    deliveryRatePerSecond: a message is a notice and a report in its thread).
import { randomBytes } from "node:crypto";
import { createMailTestAddress } from "../src/app/mailtest.js";
import type { ChatPlatform, OutboundMessage, ReplyAddress } from "../src/chat/types.js";
import { runCheck } from "../src/check/index.js";
import { loadConfig } from "../src/config.js";
import { storeKeys } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import { CHECK_QUEUE, deliveryQueueName, WATCH_QUEUE } from "../src/queue/names.js";
import { startRuntime } from "../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../src/settings.js";
import { sendRaw } from "../test/integration/smtp/support.js";
import { startLab } from "../test/lab/lab.js";
import { removeBenchPrefix } from "./bench-cleanup.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const LOAD = Number(process.env.BENCH_LOAD ?? 1000);
const DOMAIN = "mt.example.test";
const IP = "203.0.113.10";
const HELO = "mail.example.test";
const logger = createLogger("silent");

/** Keeps when each thread's report was posted. */
class TimingPlatform implements ChatPlatform {
  readonly name = "console" as const;
  readonly reportAt = new Map<string, number>();
  reports = 0;
  async post(): Promise<ReplyAddress> {
    return "bench:post";
  }
  async reply(thread: ReplyAddress, message: OutboundMessage): Promise<ReplyAddress> {
    if (message.kind === "report") {
      this.reports++;
      if (!this.reportAt.has(thread)) this.reportAt.set(thread, performance.now());
    }
    return `${thread}:r`;
  }
  async update(): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  ready(): boolean {
    return true;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function waitUntil(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const lab = await startLab();
const config = loadConfig({
  ...process.env,
  SMTP_PORT: "0",
  SMTP_HOST: "127.0.0.1",
  SMTP_DOMAIN: DOMAIN,
  SMTP_PROXY_FROM: "127.0.0.1",
  SMTP_MAX_CONNECTIONS_PER_IP: String(CLIENTS * 2),
  SLACK_BOT_TOKEN: "",
  DISCORD_TOKEN: "",
});
const settings: EngineSettings = {
  ...settingsFromConfig(config),
  prefix: `rdns-bench-${randomBytes(4).toString("hex")}`,
  check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 2000 },
  dedupWindowMs: 0,
};
const platform = new TimingPlatform();
const runtime = await startRuntime({
  config,
  logger,
  bot: true,
  worker: true,
  settings,
  platforms: [platform],
});
const ctx = {
  redis: runtime.redis,
  queues: runtime.queues,
  settings,
  keys: storeKeys(settings.prefix),
  logger,
  readBounce: () => ({ findings: [], truncated: false }) as never,
  mailtest: { domain: DOMAIN },
};
const port = runtime.mailListener?.address.port ?? 0;
const proxyLine = (ip: string) => `PROXY TCP4 ${ip} 192.0.2.1 40000 25\r\n`;
let thread = 0;
const newAddress = async () => {
  const name = `bench:t${++thread}`;
  const { address } = await createMailTestAddress(
    ctx,
    DOMAIN,
    { platform: "console", channel: "bench", thread: name, parent: null },
    null,
  );
  return { address, thread: name };
};

try {
  // 1. Latency, one message at a time, each beside a bare check of the same IP and HELO.
  const checks: number[] = [];
  const reports: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const started = performance.now();
    await runCheck({ ip: IP, helo: HELO, ...settings.check });
    checks.push(performance.now() - started);
    const { address, thread: name } = await newAddress();
    let dataEnd = 0;
    const reply = await sendRaw("127.0.0.1", port, address, HELO, 30_000, {
      proxyLine: proxyLine(IP),
      onDataEnd: () => {
        dataEnd = performance.now();
      },
    });
    if (!reply.startsWith("250")) throw new Error(`message ${i} refused: ${reply}`);
    await waitUntil(() => platform.reportAt.has(name), 30_000);
    reports.push((platform.reportAt.get(name) ?? Number.NaN) - dataEnd);
  }
  const [c50, c99, r50, r99] = [
    percentile(checks, 50),
    percentile(checks, 99),
    percentile(reports, 50),
    percentile(reports, 99),
  ];
  const line = (label: string, p50: number, p99: number) =>
    `${label.padEnd(34)} p50 ${p50.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms`;
  console.log(`test mail: ${MESSAGES} messages, one at a time (PROXY header naming ${IP}, HELO ${HELO})`);
  console.log(line("bare check (runCheck)", c50, c99));
  console.log(line("end of DATA -> report in thread", r50, r99));
  const target = (check: number) => 1.5 * check + 100;
  console.log(
    `target report <= 1.5 x check + 100 ms: p50 ${r50 <= target(c50) ? "met" : "MISSED"} (${target(c50).toFixed(1)} ms), p99 ${r99 <= target(c99) ? "met" : "MISSED"} (${target(c99).toFixed(1)} ms)`,
  );

  // 2. Throughput: CLIENTS at once, LOAD messages in all, each its own thread and HELO.
  const targets = await Promise.all(Array.from({ length: LOAD }, () => newAddress()));
  const before = platform.reports;
  let next = 0;
  let acknowledged = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < targets.length) {
        const index = next++;
        const target = targets[index];
        if (target === undefined) break;
        const reply = await sendRaw("127.0.0.1", port, target.address, `load${index}.example.test`, 60_000, {
          proxyLine: proxyLine(IP),
        });
        if (reply.startsWith("250")) acknowledged++;
      }
    }),
  );
  const ackSeconds = (performance.now() - started) / 1000;
  await waitUntil(() => platform.reports - before >= acknowledged, 300_000);
  const reportSeconds = (performance.now() - started) / 1000;
  console.log(`\n${CLIENTS} clients at once, ${LOAD} messages (each its own HELO, so its own check):`);
  console.log(
    `  acknowledged ${acknowledged} in ${ackSeconds.toFixed(2)} s = ${(acknowledged / ackSeconds).toFixed(1)} messages/s`,
  );
  console.log(
    `  reported     ${platform.reports - before} in ${reportSeconds.toFixed(2)} s = ${((platform.reports - before) / reportSeconds).toFixed(1)} reports/s (CHECK_CONCURRENCY ${settings.checkConcurrency}; each message is 2 deliveries, a notice and its report, and deliveries are held to ${settings.deliveryRatePerSecond}/s for the chat platforms)`,
  );
} finally {
  await runtime.stop();
  const { createRedis } = await import("../src/queue/connection.js");
  const redis = createRedis(config.REDIS_URL, "client");
  await removeBenchPrefix(redis, settings.prefix, [CHECK_QUEUE, WATCH_QUEUE, deliveryQueueName("console")]);
  redis.disconnect();
  await lab.stop();
}

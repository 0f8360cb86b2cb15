// The chain half of `npm run bench:engine` (issue 10): DNS questions a failing chain asks per
// hour of waiting at the defaults, and per cleared IP when the fix comes in the slow phase
// (scenario (b), and (b') where a receiver re-filled the resolver's cache just before the fix), on
// the DNS lab with a 1 s poll. Every question is counted by the DNS client's own observer
// (addQueryListener), with its server, so resolver questions after the fix is seen (the "fixed at
// the authority" notice) are counted per resolver, not computed.
// Questions per hour at the default 300 s poll are computed from what was measured: the
// questions one poll asked, times 12 polls an hour, plus one full check (measured) every 6 h.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { AppContext } from "../src/app/context.js";
import { requestCheck } from "../src/app/request-check.js";
import type { ChatSender, OutboundMessage } from "../src/chat/types.js";
import { query } from "../src/check/dns-client.js";
import { addQueryListener } from "../src/check/dns-observer.js";
import { runCheck } from "../src/check/index.js";
import { parseIp } from "../src/check/ip.js";
import { storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { createRedis } from "../src/queue/connection.js";
import { CHECK_QUEUE, deliveryQueueName } from "../src/queue/names.js";
import { createQueues } from "../src/queue/queues.js";
import type { EngineSettings } from "../src/settings.js";
import type { Lab } from "../test/lab/lab.js";
import { createCheckWorker } from "../workers/check.js";
import { createDeliveryWorker } from "../workers/delivery.js";
import { removeBenchPrefix } from "./bench-cleanup.js";

const IP = "192.0.2.56"; // spare56 in the bench's own lab: no PTR until the bench adds it
const QUIET_IP = "192.0.2.55"; // spare55, for the second chain (a new IP: no de-duplication window)
const WAIT_SECONDS = Number(process.env.BENCH_CHAIN_WAIT_SECONDS ?? 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchChains(
  lab: Lab,
  redisUrl: string,
  base: EngineSettings,
  logger: Logger,
): Promise<string[]> {
  const settings: EngineSettings = {
    ...base,
    prefix: `rdns-bench-chain-${randomBytes(4).toString("hex")}`,
    recheckPollMs: 1000,
  };
  const defaults = { pollMs: base.recheckPollMs, safetyMs: base.safetyCheckMs };
  const client = createRedis(redisUrl, "client");
  const workerRedis = createRedis(redisUrl, "worker");
  const queues = createQueues(client, settings);
  const said: { message: OutboundMessage; at: number }[] = [];
  const sender: ChatSender = {
    name: "console",
    post: async (_channel, message) => {
      said.push({ message, at: Date.now() });
      return "console:bench:0";
    },
    reply: async (thread, message) => {
      said.push({ message, at: Date.now() });
      return thread;
    },
    update: async (_target, message) => {
      said.push({ message, at: Date.now() });
    },
  };
  const asked: { at: number; server: string; type: string }[] = [];
  const stopCounting = addQueryListener((event) =>
    asked.push({ at: Date.now(), server: event.server, type: event.type }),
  );
  const checkWorker = createCheckWorker({
    redis: workerRedis,
    queues,
    settings,
    logger,
    runCheck: (options) => runCheck(options),
  });
  const deliveryWorker = createDeliveryWorker(sender, { redis: workerRedis, queues, settings, logger });
  const waitFor = async (what: string, done: () => boolean, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`bench:chains: no ${what} in ${ms} ms`);
      await sleep(20);
    }
  };
  try {
    await lab.removePtr(IP);
    const ctx: AppContext = {
      redis: client,
      queues,
      settings,
      keys: storeKeys(settings.prefix),
      logger,
      readBounce: () => ({ findings: [], truncated: false }) as never,
    };
    const origin = {
      platform: "console" as const,
      channel: "bench",
      thread: "console:bench:1",
      parent: null,
    };
    await requestCheck(ctx, { ip: IP, helo: null, origin, reason: "command" });
    await waitFor("first report", () => said.some((item) => item.message.kind === "report"));
    const fullCheck = asked.length;
    const windowStart = Date.now();
    await sleep(WAIT_SECONDS * 1000);
    const waiting = asked.filter((q) => q.at >= windowStart);
    const polls = waiting.filter((q) => q.type === "PTR" && q.server !== lab.resolver).length;
    const perPoll = polls === 0 ? Number.NaN : waiting.length / polls;
    const resolverWhileWaiting = waiting.filter((q) => q.server === lab.resolver).length;
    const perHour = perPoll * (3_600_000 / defaults.pollMs) + fullCheck * (3_600_000 / defaults.safetyMs);

    // Scenario (b'): a receiver makes the resolver cache the NXDOMAIN again, then the fix: the
    // chain's last look is older than that entry, so its confirmation finds it and one more look
    // follows at its TTL.
    const beforeReceiver = asked.length;
    await query({
      name: parseIp(IP).reverseName,
      type: "PTR",
      server: lab.resolver,
      recursion: true,
      timeoutMs: 1000,
    });
    const receiverQuestions = asked.length - beforeReceiver;
    const refilled = await fixAndClear(IP, beforeReceiver + receiverQuestions, receiverQuestions);

    // Scenario (b): a second chain, fixed in its slow phase with nothing asking the resolver in
    // between: the resolver's entry from the chain's own last look has run out.
    await lab.removePtr(QUIET_IP);
    said.length = 0;
    const secondStart = asked.length;
    await requestCheck(ctx, {
      ip: QUIET_IP,
      helo: null,
      origin: { ...origin, thread: "console:bench:2" },
      reason: "command",
    });
    await waitFor("first report", () => said.some((item) => item.message.kind === "report"));
    await sleep(8000); // past the lab's negative TTL (5 s): the chain only polls the authority
    const quiet = await fixAndClear(QUIET_IP, asked.length, 0, secondStart);
    return [
      `chain, waiting:  ${waiting.length} DNS questions in ${WAIT_SECONDS} s of polling every 1 s (${polls} polls, ${perPoll.toFixed(2)} questions a poll, ${resolverWhileWaiting} to the resolver); the full check asked ${fullCheck}`,
      `chain, per hour: ${perHour.toFixed(1)} DNS questions an hour of waiting at the defaults (${perPoll.toFixed(2)} x ${3_600_000 / defaults.pollMs} polls + ${fullCheck} x ${(3_600_000 / defaults.safetyMs).toFixed(2)} safety checks; target <= 14)`,
      `chain (b):       ${quiet.line}`,
      `chain (b'):      ${refilled.line} (a receiver re-filled the resolver's cache just before the fix)`,
    ];

    /** Fixes the zone, waits for "cleared", and says what was asked (the observer's count, by server). */
    async function fixAndClear(ip: string, from: number, excluded: number, chainStart = 0) {
      const fixAt = Date.now();
      await lab.setPtr(ip, `spare${ip.split(".")[3]}.example.test`);
      await waitFor("cleared", () => said.some((item) => item.message.kind === "cleared"));
      const seenAt =
        said.find(
          (item) => item.message.kind === "notice" && item.message.text.startsWith("Fixed at the authority"),
        )?.at ?? fixAt;
      const cleared = said.find((item) => item.message.kind === "cleared");
      const afterFix = asked.slice(from);
      const afterSeen = afterFix.filter((q) => q.at >= seenAt);
      const perResolver = [...new Set([lab.resolver, ...afterSeen.map((q) => q.server)])]
        .filter((server) => server === lab.resolver)
        .map((server) => `${server}: ${afterSeen.filter((q) => q.server === server).length}`)
        .join(", ");
      const chainTotal = asked.length - chainStart - excluded;
      const counted = cleared?.message.kind === "cleared" ? cleared.message.questions : undefined;
      const clearedAt = cleared?.at ?? Number.NaN;
      return {
        line: `${chainTotal} DNS questions from the first check to "cleared" (the notice says ${counted ?? "?"}; ${((clearedAt - fixAt) / 1000).toFixed(1)} s after the fix); after the fix ${afterFix.length}; resolver questions after the fix was seen (${((seenAt - fixAt) / 1000).toFixed(1)} s after it), per resolver: ${perResolver}; target <= 1 per resolver`,
      };
    }
  } finally {
    stopCounting();
    await checkWorker.close();
    await deliveryWorker.close();
    await queues.close();
    await lab.removePtr(IP).catch(() => undefined);
    await lab.removePtr(QUIET_IP).catch(() => undefined);
    const cleaner = new Redis(redisUrl);
    await removeBenchPrefix(cleaner, settings.prefix, [CHECK_QUEUE, deliveryQueueName("console")]);
    cleaner.disconnect();
    client.disconnect();
    workerRedis.disconnect();
  }
}

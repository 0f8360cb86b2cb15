// npm run screenshot: the servers page against the DNS lab, photographed by Debian's Chromium
// (docs/servers-page.png for the README, docs/servers-page-phone.png at a phone's width).
// Starts its own lab, uses its own Redis prefix (removed at the end), and records real checks
// the way the check worker does, with a few real PTR changes so the history strips show.
import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { runCheck } from "../src/check/index.js";
import { storeKeys } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import { saveLastReport } from "../src/store/reports.js";
import { addWatch } from "../src/store/watches.js";
import { startWebServer } from "../src/web/server.js";
import { startLab } from "../test/lab/lab.js";
import { CASES } from "../test/lab/zones.js";
import { launchChromium } from "../test/support/chromium.js";
import { claimWatchStates } from "../workers/check.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `rdns-screenshot-${randomBytes(4).toString("hex")}`;
const keys = storeKeys(prefix);
const redis = new Redis(REDIS_URL);
const lab = await startLab();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function watch(channel: string, target: string, ips: string[], createdAt: string) {
  const [platform = "slack", id = ""] = channel.split(":");
  const origin = { platform: platform as "slack", channel: id, thread: `${channel}:1`, parent: null };
  await addWatch(redis, keys, channel, { target, ips, origin, user: "U1", createdAt }, 65_536);
}

async function check(ip: string) {
  const report = await runCheck({
    ip,
    helo: null,
    resolvers: [lab.resolver],
    authorities: [lab.authority],
    timeoutMs: 1000,
  });
  await saveLastReport(redis, keys, report, 3600);
  await claimWatchStates(redis, keys, `job-${randomUUID()}`, report);
}

try {
  const range = Array.from({ length: 8 }, (_, i) => `203.0.113.${16 + i}`);
  await watch("slack:C0MAILOPS", "203.0.113.16/29", range, "2026-12-01T08:00:00Z");
  await watch("slack:C0MAILOPS", CASES.pass, [CASES.pass], "2026-12-01T08:01:00Z");
  await watch("slack:C0MAILOPS", CASES.servfail, [CASES.servfail], "2026-12-01T08:02:00Z");
  const changing = ["192.0.2.60", "192.0.2.61", "192.0.2.62"];
  await watch(
    "discord:1180000000000000001",
    "192.0.2.60/30",
    [...changing, "192.0.2.63"],
    "2026-12-01T09:00:00Z",
  );
  await watch("discord:1180000000000000001", CASES.ipv6Pass, [CASES.ipv6Pass], "2026-12-01T09:01:00Z");
  await watch("discord:1180000000000000001", CASES.ipv6Broken, [CASES.ipv6Broken], "2026-12-01T09:02:00Z");
  const all = [
    ...range,
    CASES.pass,
    CASES.servfail,
    ...changing,
    "192.0.2.63",
    CASES.ipv6Pass,
    CASES.ipv6Broken,
  ];
  for (const ip of all) await check(ip);
  // Real changes at the authority, checked as they happen: breaks and recoveries for the strips.
  for (let round = 0; round < 3; round++) {
    await Promise.all(changing.map((ip, i) => (round + i) % 2 === 0 && lab.removePtr(ip)));
    await sleep(300);
    for (const ip of changing) await check(ip);
    await Promise.all(changing.map((ip) => lab.setPtr(ip, `ptr${ip.split(".")[3]}.example.test`)));
    await sleep(300);
    for (const ip of changing) await check(ip);
  }
  await lab.removePtr("192.0.2.61");
  await check("192.0.2.61");

  const web = await startWebServer({
    host: "127.0.0.1",
    port: 0,
    token: undefined,
    store: { redis, keys },
    logger: createLogger("warn"),
  });
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1360, height: 900, deviceScaleFactor: 1 });
    await page.goto(`${web.url}/`);
    await page.screenshot({ path: "docs/servers-page.png", fullPage: true });
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true });
    await page.goto(`${web.url}/`);
    await page.screenshot({ path: "docs/servers-page-phone.png" });
    process.stdout.write("saved docs/servers-page.png and docs/servers-page-phone.png\n");
  } finally {
    await chromium.close();
    await web.close();
  }
} finally {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (found.length > 0) await redis.del(...found);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
  await lab.stop();
}

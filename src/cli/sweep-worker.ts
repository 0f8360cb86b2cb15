// One worker thread of a threaded `rdns sweep` (sweep-threads.ts): it checks its share of the
// addresses (every `parts`-th, starting at `part`) with a DNS client of its own, turns each
// report into what the main thread prints and counts (sweepResult), and posts them in batches.
// It waits for the main thread to acknowledge batches before running far ahead, so a slow reader
// of stdout slows the checks instead of filling memory with unwritten rows.
import { parentPort, workerData } from "node:worker_threads";
import { SerialCache } from "../check/authority-serial-cache.js";
import { DnsClient } from "../check/dns-client.js";
import { runCheck } from "../check/index.js";
import { addressesOfAll, parseRange } from "../check/ranges.js";
import { pacedConcurrency, sweepAddresses } from "../check/sweep.js";
import {
  BATCH_SIZE,
  BATCHES_AHEAD,
  FLUSH_MS,
  partOf,
  type SweepResult,
  shareOf,
  sweepResult,
  type ToMain,
  type WorkerSettings,
} from "./sweep-threads.js";

const port = parentPort;
if (port === null) throw new Error("sweep-worker.ts runs as a worker thread only");
const settings = workerData as WorkerSettings;

let questions = 0;
const client = new DnsClient({
  // The per-server cap is shared out, so the threads together stay within it.
  qpsPerServer: (server) => {
    const cap = settings.qps ?? (settings.listed.includes(server) ? 0 : settings.unlistedQps);
    return cap <= 0 ? 0 : shareOf(cap, settings.part, settings.parts);
  },
  onQuery: () => {
    questions++;
  },
});

/** This thread's kept zone SOAs (authority-serial-cache.ts). */
const serialCache = new SerialCache();

let batch: SweepResult[] = [];
let timer: NodeJS.Timeout | null = null;
let unacknowledged = 0;
let credit: (() => void) | null = null;
port.on("message", () => {
  unacknowledged--;
  credit?.();
  credit = null;
});

function flush(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (batch.length === 0) return;
  const message: ToMain = { kind: "results", results: batch };
  port?.postMessage(message);
  batch = [];
  unacknowledged++;
}

async function add(result: SweepResult): Promise<void> {
  batch.push(result);
  if (batch.length >= BATCH_SIZE) flush();
  // A trickle (slow servers) still reaches the main thread and its progress bar promptly.
  else timer ??= setTimeout(flush, FLUSH_MS);
  while (unacknowledged >= BATCHES_AHEAD) await new Promise<void>((resolve) => (credit = resolve));
}

try {
  const ranges = settings.ranges.map(parseRange);
  await sweepAddresses(partOf(addressesOfAll(ranges), settings.part, settings.parts), {
    // This thread's share of the checks in flight, and of them what its share of --qps keeps busy.
    concurrency: pacedConcurrency(
      shareOf(settings.concurrency, settings.part, settings.parts),
      settings.qps === null ? 0 : shareOf(settings.qps, settings.part, settings.parts),
    ),
    check: (ip) => runCheck({ ip, ...settings.check }, { transport: client.query, serialCache }),
    // sweepAddresses numbers this thread's reports; the address's place in the whole sweep is
    // part + n * parts.
    onReport: (report, n) => add(sweepResult(report, settings.part + n * settings.parts, settings)),
  });
  flush();
  const done: ToMain = { kind: "done", questions };
  port.postMessage(done);
} finally {
  client.close();
}

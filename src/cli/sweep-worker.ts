// One worker thread of a threaded `rdns sweep` (sweep-threads.ts): it checks its share of the
// addresses (every `parts`-th, starting at `part`) with a DNS client of its own, turns each
// report into what the main thread prints and counts (sweepResult), and posts them in batches.
// It waits for the main thread to acknowledge batches before running far ahead, so a slow reader
// of stdout slows the checks instead of filling memory with unwritten rows.
import { parentPort, workerData } from "node:worker_threads";
import { addressesOfAll, parseRange } from "../check/ranges.js";
import { sweepChecks } from "./sweep-checks.js";
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

const ranges = settings.ranges.map(parseRange);
const { questions } = await sweepChecks(partOf(addressesOfAll(ranges), settings.part, settings.parts), {
  check: settings.check,
  concurrency: settings.concurrency,
  qps: settings.qps,
  listed: new Set(settings.listed),
  unlistedQps: settings.unlistedQps,
  // This thread's share of the checks in flight and of each server's cap, so the threads
  // together stay within them (and of its checks, what its share of --qps keeps busy).
  share: (total) => shareOf(total, settings.part, settings.parts),
  // sweepAddresses numbers this thread's reports; the address's place in the whole sweep is
  // part + n * parts.
  onReport: (report, n) => add(sweepResult(report, settings.part + n * settings.parts, settings)),
});
flush();
const done: ToMain = { kind: "done", questions };
port.postMessage(done);

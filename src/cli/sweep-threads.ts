// `rdns sweep --threads N`: the sweep over several worker threads (sweep-worker.ts). One thread
// spends most of a sweep's time in JavaScript (building and reading DNS messages, the check's
// rules, the report), so on a machine with spare cores a large sweep can split its addresses
// between threads: each checks every `parts`-th address with its own DNS client and posts back
// only what the main thread prints and counts (a row or a line, the verdict, the problem codes),
// never the report object.
import { Worker } from "node:worker_threads";
import type { CheckOptions, CheckReport, Verdict } from "../check/types.js";
import { ndjsonLine, type SweepFormat, type SweepRow, toRow } from "./sweep-output.js";

/** Results a worker posts at once, and batches it may have unacknowledged before it waits. */
export const BATCH_SIZE = 64;
export const BATCHES_AHEAD = 8;
/** A partial batch is posted after this long, so a slow sweep's progress still shows. */
export const FLUSH_MS = 50;
export interface WorkerSettings {
  ranges: string[];
  part: number;
  parts: number;
  check: Pick<CheckOptions, "helo" | "resolvers" | "authorities" | "timeoutMs" | "showPrivateAddresses">;
  /** Checks in flight in the whole sweep (this thread takes its share). */
  concurrency: number;
  qps: number | null;
  listed: string[];
  unlistedQps: number;
  format: SweepFormat;
  onlyFailing: boolean;
}

/** What the main thread needs of one check: the tally's part and what to print (if anything). */
export interface SweepResult {
  verdict: Verdict;
  codes: string[];
  /** The ndjson line, the table's or csv's row, or null when --only-failing leaves it out. */
  out: string | SweepRow | null;
}

export type ToMain = { kind: "results"; results: SweepResult[] } | { kind: "done"; questions: number };

export function sweepResult(
  report: CheckReport,
  index: number,
  options: { format: SweepFormat; onlyFailing: boolean },
): SweepResult {
  const codes = [...new Set(report.problems.map((problem) => problem.code))];
  let out: SweepResult["out"] = null;
  if (!(options.onlyFailing && report.verdict === "pass")) {
    out = options.format === "ndjson" ? ndjsonLine(report) : toRow(report, index);
  }
  return { verdict: report.verdict, codes, out };
}

/**
 * Thread `part`'s share of a limit of `total` split between `parts` threads: the shares add up
 * to `total` exactly (the first `total % parts` threads get one more), each at least 1 when
 * total >= parts (threadsFor's callers keep it so: a share of 0 would mean "no limit").
 */
export function shareOf(total: number, part: number, parts: number): number {
  return Math.floor(total / parts) + (part < total % parts ? 1 : 0);
}

/** Every `parts`-th item of `items`, starting at `part`. */
export function* partOf<T>(items: Iterable<T>, part: number, parts: number): Generator<T> {
  let index = 0;
  for (const item of items) {
    if (index % parts === part) yield item;
    index++;
  }
}

/**
 * Threads for a sweep: --threads N (never more than one per address), else 1. Not chosen
 * automatically: on this project's 2-core benchmark machine, shared with the lab's Unbound and
 * Knot and other work, 2 threads were as often slower as faster (each thread also warms up its
 * own JIT); they help only where a core is otherwise idle.
 */
export function threadsFor(addresses: number, requested: number | null): number {
  return Math.max(1, Math.min(requested ?? 1, addresses));
}

/**
 * A worker running sweep-worker (next to this file). Built, that is plain JavaScript. Run from
 * source through tsx (the tests, `npm run bench:sweep`), Node 20 does not carry tsx's module
 * hooks into worker threads, so the worker loads its file through tsx's own API instead.
 */
function startWorker(workerData: WorkerSettings): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./sweep-worker.js", import.meta.url), { workerData });
  const file = new URL("./sweep-worker.ts", import.meta.url).href;
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData, execArgv: [] });
}

/**
 * Runs the sweep in `settings.parts` threads; `onResults` handles each batch (and may make the
 * worker wait by resolving late: the batch is acknowledged after it). Resolves with the number
 * of DNS questions asked; rejects if a thread fails (the others are stopped).
 */
export async function sweepInThreads(
  settings: Omit<WorkerSettings, "part">,
  onResults: (results: SweepResult[]) => Promise<void>,
): Promise<number> {
  const workers = Array.from({ length: settings.parts }, (_, part) => startWorker({ ...settings, part }));
  try {
    const counts = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<number>((resolve, reject) => {
            let done = false;
            // Batches are handled in order, one at a time per worker.
            let queue = Promise.resolve();
            worker.on("message", (message: ToMain) => {
              if (message.kind === "done") {
                done = true;
                void queue.then(() => resolve(message.questions), reject);
                return;
              }
              queue = queue.then(async () => {
                await onResults(message.results);
                worker.postMessage("ack");
              });
              queue.catch(reject);
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (!done) reject(new Error(`a sweep thread stopped (exit ${code}) before it finished`));
            });
          }),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

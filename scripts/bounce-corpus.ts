// Measures the bounce reader against the Sisimai corpus (docs/sources.md "The bounce corpus": labels.json
// and samples/*.eml, read in place, never copied). Shared by `npm run bench:bounce` and
// test/integration/bounce-corpus.test.ts so the printed figures and the asserted floors agree.
//
// Rules: every figure is taken from the FIRST finding of each sample (the reader orders findings
// as the bounce lists them). Address accuracy is over samples whose label has a `rejected_ip`:
// a miss is a first finding with a different address or none (or no finding at all). Samples
// labelled null are not in that figure; an address reported for them is counted separately as
// `extraAddresses`. rdnsRelated precision/recall compare the first finding's rdnsRelated (false
// when there is no finding) to the label's `rdns_related`. Receiver accuracy is over all samples
// (no finding counts as "unknown").
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readBounce } from "../src/bounce/index.js";

export interface CorpusLabel {
  file: string;
  rejected_ip: string | null;
  receiver: string;
  rdns_related: boolean;
  diagnostic: string;
  sisimai_reason: string;
}

export interface CorpusMiss {
  kind: "address" | "rdns-false-positive" | "rdns-false-negative" | "receiver" | "extra-address" | "category";
  file: string;
  expected: string;
  got: string;
  diagnostic: string;
}

export interface CorpusMetrics {
  samples: number;
  recognised: number;
  address: { correct: number; total: number; accuracy: number };
  extraAddresses: number;
  rdns: {
    truePositive: number;
    falsePositive: number;
    falseNegative: number;
    precision: number;
    recall: number;
  };
  receiver: { correct: number; total: number; accuracy: number };
  /** The first finding's category (or "no bounce") against category-map.json. */
  category: { correct: number; total: number; accuracy: number };
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  /** The process's CPU time for the pass (user + system): what a busy shared machine does not inflate. */
  cpuSeconds: number;
  mbPerCpuSecond: number;
  maxParseMs: number;
  maxParseFile: string;
  misses: CorpusMiss[];
}

/** `BOUNCE_CORPUS` (or the older `RDNS_CORPUS_DIR`), else ../shared/corpus/sisimai beside the repository. */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(
    env.BOUNCE_CORPUS ??
      env.RDNS_CORPUS_DIR ??
      join(import.meta.dirname, "..", "..", "shared", "corpus", "sisimai"),
  );
}

/** How to get a corpus, in one line, for a clone without one. */
export const CORPUS_HINT =
  "put the labelled Sisimai corpus (labels.json, category-map.json, samples/*.eml from the Sisimai project's set-of-emails) at ../shared/corpus/sisimai beside the repository, or point BOUNCE_CORPUS or --corpus at it";

export function corpusPresent(dir: string = corpusDir()): boolean {
  return existsSync(join(dir, "labels.json")) && existsSync(join(dir, "samples"));
}

export async function measureCorpus(dir: string = corpusDir()): Promise<CorpusMetrics> {
  const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as CorpusLabel[];
  const categoryMap = JSON.parse(readFileSync(join(dir, "category-map.json"), "utf8")) as Record<
    string,
    (string | null)[]
  >;
  const inputs = labels.map((label) => readFileSync(join(dir, "samples", label.file)));
  const misses: CorpusMiss[] = [];
  let recognised = 0;
  let addressCorrect = 0;
  let addressTotal = 0;
  let extraAddresses = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let receiverCorrect = 0;
  let categoryCorrect = 0;
  let bytes = 0;
  let maxParseMs = 0;
  let maxParseFile = "";
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (const [index, label] of labels.entries()) {
    const input = inputs[index] as Buffer;
    bytes += input.length;
    const t0 = performance.now();
    const reading = await readBounce(input, { file: label.file });
    const parseMs = performance.now() - t0;
    if (parseMs > maxParseMs) {
      maxParseMs = parseMs;
      maxParseFile = label.file;
    }
    const first = reading.findings[0];
    if (first !== undefined) recognised++;
    const got = (value: string | null | undefined) => value ?? "(none)";
    const diagnostic = first?.diagnostic ?? "(no finding)";
    if (label.rejected_ip !== null) {
      addressTotal++;
      if (first?.ip === label.rejected_ip) addressCorrect++;
      else
        misses.push({
          kind: "address",
          file: label.file,
          expected: label.rejected_ip,
          got: got(first?.ip),
          diagnostic,
        });
    } else if (first?.ip) {
      extraAddresses++;
      misses.push({ kind: "extra-address", file: label.file, expected: "(none)", got: first.ip, diagnostic });
    }
    const rdns = first?.rdnsRelated ?? false;
    if (rdns && label.rdns_related) tp++;
    else if (rdns) {
      fp++;
      misses.push({
        kind: "rdns-false-positive",
        file: label.file,
        expected: "false",
        got: "true",
        diagnostic,
      });
    } else if (label.rdns_related) {
      fn++;
      misses.push({
        kind: "rdns-false-negative",
        file: label.file,
        expected: "true",
        got: "false",
        diagnostic,
      });
    }
    // null in the map: not a delivery failure, right only when the reader finds no bounce.
    const allowed = categoryMap[label.sisimai_reason] ?? [];
    const category = first?.category ?? null;
    if (allowed.includes(category)) categoryCorrect++;
    else
      misses.push({
        kind: "category",
        file: label.file,
        expected: `${allowed.map((c) => c ?? "no bounce").join("|")} (${label.sisimai_reason})`,
        got: category ?? "no bounce",
        diagnostic,
      });
    const receiver = first?.receiver ?? "unknown";
    if (receiver === label.receiver) receiverCorrect++;
    else
      misses.push({
        kind: "receiver",
        file: label.file,
        expected: label.receiver,
        got: receiver,
        diagnostic,
      });
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    samples: labels.length,
    recognised,
    address: {
      correct: addressCorrect,
      total: addressTotal,
      accuracy: addressTotal === 0 ? 1 : addressCorrect / addressTotal,
    },
    extraAddresses,
    rdns: {
      truePositive: tp,
      falsePositive: fp,
      falseNegative: fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    },
    receiver: { correct: receiverCorrect, total: labels.length, accuracy: receiverCorrect / labels.length },
    category: { correct: categoryCorrect, total: labels.length, accuracy: categoryCorrect / labels.length },
    bytes,
    seconds,
    mbPerSecond: bytes / 1024 / 1024 / seconds,
    cpuSeconds,
    mbPerCpuSecond: bytes / 1024 / 1024 / cpuSeconds,
    maxParseMs,
    maxParseFile,
    misses,
  };
}

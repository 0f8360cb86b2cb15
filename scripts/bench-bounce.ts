// `npm run bench:bounce [--corpus DIR] [miss kinds...]`: the bounce reader against the Sisimai
// corpus, or against an external labelled set when DIR holds external-labels.json (see
// scripts/bounce-external.ts); prints the figures and every miss, then the time for a 10 MB log with one bounce at its
// end. The rules behind each figure are in scripts/bounce-corpus.ts. Without a corpus it says in
// one line how to get one and exits 0 with nothing measured.

import { loadavg } from "node:os";
import { readBounce } from "../src/bounce/index.js";
import { readDmarcReport, rowsBySource } from "../src/dmarc/index.js";
import { CORPUS_HINT, corpusDir, corpusPresent, measureCorpus } from "./bounce-corpus.js";
import { isExternalCorpus, measureExternal } from "./bounce-external.js";
import { receiverLogWithOneReject, syntheticDmarcReport } from "./dmarc-sample.js";

const args = process.argv.slice(2);
const corpusFlag = args.indexOf("--corpus");
const dir = corpusFlag >= 0 ? (args[corpusFlag + 1] ?? "") : corpusDir();
const kinds = args.filter((_arg, index) => index !== corpusFlag && index !== corpusFlag + 1);
// An external labelled set (scripts/bounce-external.ts) is measured on its own: agreement only.
if (isExternalCorpus(dir)) {
  const external = await measureExternal(dir);
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const lines = [
    `external corpus: ${dir} (${external.samples} samples from ${external.projects} projects)`,
    `category agreement: ${pct(external.category.accuracy)} (${external.category.correct}/${external.category.total})`,
    `refused-IP agreement: ${pct(external.ip.accuracy)} (${external.ip.correct}/${external.ip.total})`,
    "",
    "per project (category, refused IP):",
    ...external.byProject.map(
      (p) =>
        `  ${p.source}: ${p.samples} samples, ${pct(p.categoryCorrect / p.samples)} (${p.categoryCorrect}), ${pct(p.ipCorrect / p.samples)} (${p.ipCorrect})`,
    ),
    "",
    "misses:",
  ];
  for (const miss of external.misses) {
    if (kinds.length > 0 && !kinds.includes(miss.kind)) continue;
    lines.push(`  [${miss.kind}] ${miss.file}: expected ${miss.expected}, got ${miss.got}`);
    lines.push(`      ${miss.diagnostic}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exit(0);
}
if (!corpusPresent(dir)) {
  process.stdout.write(`bench:bounce: no corpus at ${dir}, nothing measured; ${CORPUS_HINT}\n`);
  process.exit(0);
}
// Warm-up passes so the figures are the reader's steady state, not module loading and JIT; then
// seven measured passes, of which the median is printed (and the best, the pass least disturbed
// by other work) (the figures other than time are the same
// in every pass: the reader is deterministic). Throughput is bytes per second of the process's
// CPU time, which other work on a shared machine does not inflate; wall-clock is printed beside it.
const WARM_UPS = 3;
const RUNS = 7;
for (let i = 0; i < WARM_UPS; i++) await measureCorpus(dir);
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await measureCorpus(dir));
runs.sort((a, b) => a.mbPerCpuSecond - b.mbPerCpuSecond);
const metrics = runs[Math.floor(RUNS / 2)] ?? runs[0];
if (metrics === undefined) process.exit(1);
const slowest = Math.max(...runs.map((run) => run.maxParseMs));
const slowestFile = runs.find((run) => run.maxParseMs === slowest)?.maxParseFile ?? "?";

// A 10 MB Postfix log of successful deliveries with one Gmail 5.7.25 bounce as its last line.
const logLine = (i: number) =>
  `Nov 30 10:${String(i % 60).padStart(2, "0")}:01 mta1 postfix/smtp[4242]: 4B${i}F: to=<user${i}@example.org>, relay=mx.example.org[198.51.100.9]:25, delay=0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X${i})\n`;
const parts: string[] = [];
let size = 0;
for (let i = 0; size < 10 * 1024 * 1024 - 2048; i++) {
  const line = logLine(i);
  parts.push(line);
  size += line.length;
}
parts.push(
  "Nov 30 11:00:01 mta1 postfix/smtp[4242]: 9ZZ: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.27]:25, dsn=5.7.25, status=bounced (host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup (in reply to end of DATA command))\n",
);
const log = Buffer.from(parts.join(""));
await readBounce(log);
const logTimes: number[] = [];
const logCpu: number[] = [];
let logFound = false;
for (let i = 0; i < 3; i++) {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const reading = await readBounce(log);
  logTimes.push(performance.now() - started);
  const cpu = process.cpuUsage(cpuStart);
  logCpu.push((cpu.user + cpu.system) / 1000);
  logFound = reading.findings[0]?.ip === "203.0.113.5" && reading.findings[0]?.category === "rdns";
}
logTimes.sort((a, b) => a - b);
logCpu.sort((a, b) => a - b);
const receiverLog = await timeThree(async () => {
  const reading = await readBounce(receiverLogWithOneReject(10 * 1024 * 1024));
  return reading.findings[0]?.ip === "203.0.113.5";
});
const dmarcReport = syntheticDmarcReport(100_000);
const dmarc = await timeThree(() => rowsBySource(readDmarcReport(dmarcReport).records).length > 10_000);

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const lines = [
  `corpus: ${dir} (${metrics.samples} samples, ${metrics.recognised} recognised as bounces)`,
  `refused-address accuracy: ${pct(metrics.address.accuracy)} (${metrics.address.correct}/${metrics.address.total}; first finding's ip vs labelled rejected_ip)`,
  `addresses reported where the label has none: ${metrics.extraAddresses}`,
  `rdnsRelated precision: ${pct(metrics.rdns.precision)} (${metrics.rdns.truePositive}/${metrics.rdns.truePositive + metrics.rdns.falsePositive})`,
  `rdnsRelated recall: ${pct(metrics.rdns.recall)} (${metrics.rdns.truePositive}/${metrics.rdns.truePositive + metrics.rdns.falseNegative})`,
  `category agreement with category-map.json: ${pct(metrics.category.accuracy)} (${metrics.category.correct}/${metrics.category.total})`,
  `receiver accuracy: ${pct(metrics.receiver.accuracy)} (${metrics.receiver.correct}/${metrics.receiver.total})`,
  `throughput: ${metrics.mbPerCpuSecond.toFixed(2)} MB/s of CPU time (median of ${RUNS} passes after ${WARM_UPS} warm-ups, best ${runs[RUNS - 1]?.mbPerCpuSecond.toFixed(2)}: ${(metrics.bytes / 1024 / 1024).toFixed(2)} MB in ${metrics.cpuSeconds.toFixed(3)} s CPU; passes ${runs.map((run) => run.mbPerCpuSecond.toFixed(1)).join(", ")}); wall clock ${metrics.mbPerSecond.toFixed(2)} MB/s on this machine (load ${loadavg()[0]?.toFixed(1)})`,
  `slowest sample: ${slowest.toFixed(1)} ms (${slowestFile})`,
  `10 MB log, one bounce at its end: ${logTimes[1]?.toFixed(0)} ms wall, ${logCpu[1]?.toFixed(0)} ms CPU (median of 3; ${(log.length / 1024 / 1024).toFixed(1)} MB; bounce ${logFound ? "found" : "NOT found"})`,
  `10 MB receiver log, one reject at its end: ${receiverLog.wall.toFixed(0)} ms wall, ${receiverLog.cpu.toFixed(0)} ms CPU (median of 3; reject ${receiverLog.ok ? "found" : "NOT found"})`,
  `100,000-record DMARC report (${(dmarcReport.length / 1024 / 1024).toFixed(1)} MB): ${dmarc.wall.toFixed(0)} ms wall, ${dmarc.cpu.toFixed(0)} ms CPU (median of 3; ${dmarc.ok ? "read" : "NOT read"})`,
  "",
  "misses:",
];
for (const miss of metrics.misses) {
  if (kinds.length > 0 && !kinds.includes(miss.kind)) continue;
  lines.push(`  [${miss.kind}] ${miss.file}: expected ${miss.expected}, got ${miss.got}`);
  lines.push(`      ${miss.diagnostic.slice(0, 300)}`);
}
process.stdout.write(`${lines.join("\n")}\n`);

/** Median wall-clock and CPU milliseconds of three runs, and whether every run found what it should. */
async function timeThree(
  work: () => boolean | Promise<boolean>,
): Promise<{ wall: number; cpu: number; ok: boolean }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let ok = true;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    ok = (await work()) && ok;
    walls.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStart);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { wall: walls[1] ?? 0, cpu: cpus[1] ?? 0, ok };
}

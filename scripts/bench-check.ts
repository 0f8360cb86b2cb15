// `npm run bench:check`: latency and throughput of one full check against the lab, compared
// with raw DNS round trips measured in the same run (issue 2, item 7). Not a test: it prints.
//
// The check runs as `rdns check 203.0.113.10 --resolver <unbound> --authority <knot>`: the
// authority is listed, so discovery is not on the path, and its critical path is one PTR round
// trip (resolver and authority at once) followed by one forward (A) round trip. A check sends 3
// questions (PTR to the resolver, PTR to the authority, A to the resolver) against the 2 of the
// raw baseline.
import { query } from "../src/check/dns-client.js";
import { runCheck } from "../src/check/index.js";
import { startLab } from "../test/lab/lab.js";
import { CASES } from "../test/lab/zones.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TIMEOUT_MS = 2000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timeSequential(samples: number, task: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  return times;
}

async function throughput(total: number, concurrency: number, task: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await task();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

const lab = await startLab();
try {
  const ip = CASES.pass;
  const reverseName = "10.113.0.203.in-addr.arpa";
  const rawPtr = async () => {
    const response = await query({
      name: reverseName,
      type: "PTR",
      server: lab.resolver,
      recursion: true,
      timeoutMs: TIMEOUT_MS,
    });
    if (response.rcode !== "NOERROR" || response.answers.length === 0)
      throw new Error(`raw PTR failed: ${response.error}`);
  };
  const rawForward = async () => {
    const response = await query({
      name: "mail.example.test",
      type: "A",
      server: lab.resolver,
      recursion: true,
      timeoutMs: TIMEOUT_MS,
    });
    if (response.rcode !== "NOERROR" || response.answers.length === 0)
      throw new Error(`raw A failed: ${response.error}`);
  };
  const check = async () => {
    const report = await runCheck({
      ip,
      resolvers: [lab.resolver],
      authorities: [lab.authority],
      timeoutMs: TIMEOUT_MS,
    });
    if (report.verdict !== "pass") throw new Error(`check did not pass: ${report.summary}`);
  };

  // Warm up: caches filled (Unbound keeps the 5 s records; re-asked before expiry mostly, as a
  // busy resolver would), JIT warm.
  for (let i = 0; i < 50; i++) await Promise.all([rawPtr(), rawForward(), check()]);

  // Interleave the three series in rounds so machine noise hits them alike.
  const ptrTimes: number[] = [];
  const forwardTimes: number[] = [];
  const checkTimes: number[] = [];
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    ptrTimes.push(...(await timeSequential(SAMPLES / rounds, rawPtr)));
    forwardTimes.push(...(await timeSequential(SAMPLES / rounds, rawForward)));
    checkTimes.push(...(await timeSequential(SAMPLES / rounds, check)));
  }
  const ptrP50 = percentile(ptrTimes, 50);
  const forwardP50 = percentile(forwardTimes, 50);
  const sum = ptrP50 + forwardP50;
  const checkP50 = percentile(checkTimes, 50);
  const checkP99 = percentile(checkTimes, 99);

  const rawQps = await throughput(CHECKS, CONCURRENCY, rawPtr);
  const checksPerSecond = await throughput(CHECKS, CONCURRENCY, check);

  const ms = (value: number) => `${value.toFixed(3)} ms`;
  console.log(
    `rdns check benchmark (lab on loopback; ${SAMPLES} sequential samples; authorities listed, no discovery)`,
  );
  console.log(`  raw PTR round trip     p50 ${ms(ptrP50)}   p99 ${ms(percentile(ptrTimes, 99))}`);
  console.log(`  raw A round trip       p50 ${ms(forwardP50)}   p99 ${ms(percentile(forwardTimes, 99))}`);
  console.log(`  sum of the two p50s    ${ms(sum)}`);
  console.log(`  full check             p50 ${ms(checkP50)}   p99 ${ms(checkP99)}`);
  console.log(`  check p50 / (PTR + A)  ${(checkP50 / sum).toFixed(2)}x   (target <= 1.5x)`);
  console.log(`throughput (${CHECKS} each, concurrency ${CONCURRENCY})`);
  console.log(`  raw PTR queries        ${rawQps.toFixed(0)} /s`);
  console.log(`  full checks            ${checksPerSecond.toFixed(0)} /s`);
  console.log(
    `  checks/s / raw PTR q/s ${(checksPerSecond / rawQps).toFixed(3)}   (a passing check asks 3 questions: PTR at the resolver and the authority, A)`,
  );
} finally {
  await lab.stop();
}

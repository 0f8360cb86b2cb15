// `npm run bench:check`: latency and throughput of one full check against the lab, compared
// with raw DNS round trips measured in the same run (issue 2, item 7). Not a test: it prints.
//
// The check runs as `rdns check 203.0.113.10 --resolver <unbound> --authority <knot>`: the
// authority is listed, so discovery is not on the path, and its critical path is one PTR round
// trip (resolver and authority at once, the owner's SOA read from the SOA question asked beside
// the PTR) followed by one forward (A) round trip (the owner's NS beside it). A check sends 5
// questions (PTR to the resolver, PTR and SOA to the authority, A to the resolver, NS to the
// authority: the owner section's only own question) against the 2 of the raw baseline; each
// further authority adds its PTR and SOA, in the same round trip.
// BENCH_AUTHORITIES_ONLY=1 runs only that last part (1, 2 and 4 authorities).
import dgram from "node:dgram";
import { type DnsResponse, query, type RecordType } from "../src/check/dns-client.js";
import { runCheck } from "../src/check/index.js";
import { forgetBlocklistAnswers } from "../src/check/sections/blocklists/ask.js";
import { createRdapLookup, inProcessRdapCache } from "../src/check/sections/owner/rdap.js";
import type { CheckOptions } from "../src/check/types.js";
import { startFakeRdap } from "../test/fakes/rdap/server.js";
import { startLab } from "../test/lab/lab.js";
import { BLOCKLIST_ZONES, CASES } from "../test/lab/zones.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TIMEOUT_MS = 2000;
/** One-way delay of the relay run, ms (a nearby resolver: a few ms RTT). */
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 2);

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

/**
 * A UDP relay on loopback that holds each datagram `delayMs` each way, so round trips look like a
 * real network's (one-way delay 2 x delayMs RTT) without touching the machine's interfaces.
 */
async function delayedRelay(
  target: string,
  delayMs: number,
): Promise<{ address: string; close: () => void }> {
  const [host = "127.0.0.1", port] = target.split(":");
  const front = dgram.createSocket("udp4");
  const clients = new Map<string, dgram.Socket>();
  front.on("message", (message, client) => {
    const key = `${client.address}:${client.port}`;
    let back = clients.get(key);
    if (back === undefined) {
      const socket = dgram.createSocket("udp4");
      socket.on("message", (answer) =>
        setTimeout(() => front.send(answer, client.port, client.address), delayMs),
      );
      socket.bind(0, "127.0.0.1");
      clients.set(key, socket);
      back = socket;
    }
    const upstream = back;
    setTimeout(() => upstream.send(message, Number(port), host), delayMs);
  });
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${front.address().port}`,
    close: () => {
      front.close();
      for (const socket of clients.values()) socket.close();
    },
  };
}

const describe = (response: DnsResponse) =>
  `${response.outcome} ${response.rcode} ${response.answers.length} answers ${response.error ?? ""}`;

async function measure(label: string, resolver: string, authority: string, checks: number): Promise<void> {
  // A failed question is counted and shown, not thrown: a benchmark reports what happened.
  const failures: string[] = [];
  const ip = CASES.pass;
  const reverseName = "10.113.0.203.in-addr.arpa";
  // One raw question to the resolver, as the check asks it.
  const raw = (name: string, type: RecordType) => async () => {
    const response = await query({ name, type, server: resolver, recursion: true, timeoutMs: TIMEOUT_MS });
    if (response.rcode !== "NOERROR" || response.answers.length === 0)
      failures.push(`raw ${type}: ${describe(response)}`);
  };
  const rawPtr = raw(reverseName, "PTR");
  const rawForward = raw("mail.example.test", "A");
  const check = async () => {
    const report = await runCheck({
      ip,
      resolvers: [resolver],
      authorities: [authority],
      timeoutMs: TIMEOUT_MS,
    });
    if (report.verdict !== "pass") failures.push(`check: ${report.summary}`);
  };
  // The same check asking the three lists (the lab serves them; this address is on none). The
  // in-process answer cache is emptied first, so every sample asks the lists through the
  // resolver as a first check of an address does (the resolver's own cache is warm, as it is
  // for the PTR questions).
  const checkWithLists = async () => {
    forgetBlocklistAnswers(query);
    const report = await runCheck({
      ip,
      resolvers: [resolver],
      authorities: [authority],
      timeoutMs: TIMEOUT_MS,
      blocklists: { zones: BLOCKLIST_ZONES },
    });
    if (report.verdict !== "pass" || report.blocklists.some((entry) => entry.status !== "clean"))
      failures.push(`check with lists: ${report.summary}`);
  };

  // Warm up: caches filled, JIT warm.
  for (let i = 0; i < 30; i++) await Promise.all([rawPtr(), rawForward(), check(), checkWithLists()]);

  // Interleave the series in rounds so machine noise hits them alike.
  const samples = Math.min(SAMPLES, checks);
  const ptrTimes: number[] = [];
  const forwardTimes: number[] = [];
  const pairTimes: number[] = [];
  const checkTimes: number[] = [];
  const listTimes: number[] = [];
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    ptrTimes.push(...(await timeSequential(samples / rounds, rawPtr)));
    forwardTimes.push(...(await timeSequential(samples / rounds, rawForward)));
    pairTimes.push(
      ...(await timeSequential(samples / rounds, async () => {
        await rawPtr();
        await rawForward();
      })),
    );
    checkTimes.push(...(await timeSequential(samples / rounds, check)));
    listTimes.push(...(await timeSequential(samples / rounds, checkWithLists)));
  }
  const sum = percentile(ptrTimes, 50) + percentile(forwardTimes, 50);
  const checkP50 = percentile(checkTimes, 50);
  const rawQps = await throughput(checks, CONCURRENCY, rawPtr);
  const checksPerSecond = await throughput(checks, CONCURRENCY, check);

  const ms = (value: number) => `${value.toFixed(3)} ms`;
  console.log(`${label} (${samples} sequential samples each)`);
  console.log(
    `  raw PTR round trip     p50 ${ms(percentile(ptrTimes, 50))}   p99 ${ms(percentile(ptrTimes, 99))}`,
  );
  console.log(
    `  raw A round trip       p50 ${ms(percentile(forwardTimes, 50))}   p99 ${ms(percentile(forwardTimes, 99))}`,
  );
  console.log(`  sum of the two p50s    ${ms(sum)}`);
  console.log(
    `  PTR then A, measured   p50 ${ms(percentile(pairTimes, 50))}   p99 ${ms(percentile(pairTimes, 99))}`,
  );
  console.log(`  full check             p50 ${ms(checkP50)}   p99 ${ms(percentile(checkTimes, 99))}`);
  console.log(`  check p50 / (PTR + A)  ${(checkP50 / sum).toFixed(2)}x   (target <= 1.5x)`);
  const listP50 = percentile(listTimes, 50);
  console.log(`  check with 3 lists     p50 ${ms(listP50)}   p99 ${ms(percentile(listTimes, 99))}`);
  console.log(`  with lists / without   ${(listP50 / checkP50).toFixed(2)}x   (p50s; target <= 1.1x)`);
  console.log(`  throughput, ${checks} each at concurrency ${CONCURRENCY}:`);
  console.log(`    raw PTR queries      ${rawQps.toFixed(0)} /s`);
  console.log(
    `    full checks          ${checksPerSecond.toFixed(0)} /s   (ratio ${(checksPerSecond / rawQps).toFixed(3)}; a passing check asks 4 questions once its zone's NS is known; the first, 5)`,
  );
  console.log(
    `  failed questions/checks: ${failures.length}${failures.length > 0 ? ` (first: ${failures[0]})` : ""}`,
  );
}

/**
 * Questions one check asks, by type. With listed authorities the owner section adds only the
 * zone's NS (beside the forward lookups), once per zone: the zone's SOA (its contact) is read from
 * the SOA question the authority work asks beside the PTR; with discovery it adds nothing
 * (discovery's own SOA and NS answers are read).
 */
async function questionsPerCheck(label: string, options: CheckOptions): Promise<void> {
  const types = new Map<string, number>();
  const transport = (question: Parameters<typeof query>[0]) => {
    types.set(question.type, (types.get(question.type) ?? 0) + 1);
    return query(question);
  };
  await runCheck(options, { transport });
  const total = [...types.values()].reduce((a, b) => a + b, 0);
  console.log(`  ${label}: ${total} questions (${[...types].map(([t, n]) => `${t} ${n}`).join(", ")})`);
}

/** p50 of a check with RDAP off, on against a loopback RDAP server (every look-up asked), and on with its cache. */
async function rdapLatency(resolver: string, authority: string, samples: number): Promise<void> {
  const rdap = await startFakeRdap();
  try {
    const base = {
      ip: CASES.ownerHetzner,
      resolvers: [resolver],
      authorities: [authority],
      timeoutMs: TIMEOUT_MS,
    };
    const uncached = createRdapLookup({ baseUrl: rdap.base("ok") });
    const cached = createRdapLookup({ baseUrl: rdap.base("ok"), cache: inProcessRdapCache() });
    const series: Array<[string, () => Promise<unknown>]> = [
      ["RDAP off", () => runCheck(base)],
      ["RDAP on, loopback server, no cache", () => runCheck({ ...base, rdap: uncached })],
      ["RDAP on, network cached", () => runCheck({ ...base, rdap: cached })],
    ];
    for (const [, task] of series) for (let i = 0; i < 20; i++) await task();
    const times = new Map<string, number[]>(series.map(([name]) => [name, []]));
    for (let round = 0; round < 4; round++) {
      for (const [name, task] of series) times.get(name)?.push(...(await timeSequential(samples / 4, task)));
    }
    console.log(
      `RDAP (${CASES.ownerHetzner}, ${samples} sequential checks each, NO_PTR with listed authority)`,
    );
    for (const [name, values] of times) {
      console.log(
        `  ${name.padEnd(36)} p50 ${percentile(values, 50).toFixed(3)} ms   p99 ${percentile(values, 99).toFixed(3)} ms`,
      );
    }
  } finally {
    await rdap.close();
  }
}

/**
 * Issue 29: questions per check and latency with 1, 2 and 4 authorities (each a relay to the one
 * Knot, so each is a distinct server with the relay's RTT). Asking every authority (PTR and SOA
 * at once) must add questions, never round trips in sequence: the p50 stays ~2 RTTs (PTR, then A).
 */
async function measureAuthorities(resolver: string, authorities: string[], samples: number): Promise<void> {
  const failures: string[] = [];
  const questions: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < samples + 10; i++) {
    let asked = 0;
    const started = performance.now();
    const report = await runCheck({
      ip: CASES.pass,
      resolvers: [resolver],
      authorities,
      timeoutMs: TIMEOUT_MS,
      onQuestion: () => asked++,
    });
    const elapsed = performance.now() - started;
    if (report.verdict !== "pass") failures.push(report.summary);
    if (i < 10) continue; // warm-up
    questions.push(asked);
    times.push(elapsed);
  }
  const rtt = 2 * AUTHORITY_DELAY_MS;
  console.log(
    `  ${authorities.length} authorit${authorities.length === 1 ? "y" : "ies"}: ${percentile(questions, 50)} questions per check (min ${Math.min(...questions)}, max ${Math.max(...questions)}); check p50 ${percentile(times, 50).toFixed(1)} ms = ${(percentile(times, 50) / rtt).toFixed(2)} RTTs of ${rtt} ms; failures ${failures.length}`,
  );
}

/** One-way delay of the authorities run, ms: large enough that a round trip in sequence shows. */
const AUTHORITY_DELAY_MS = Number(process.env.BENCH_AUTHORITY_DELAY_MS ?? 10);

const lab = await startLab();
const relays: Array<{ close: () => void }> = [];
try {
  if (process.env.BENCH_AUTHORITIES_ONLY !== "1") {
    console.log(
      "rdns check benchmark: `rdns check 203.0.113.10 --resolver <unbound> --authority <knot>` (no discovery)",
    );
    await measure("loopback, direct", lab.resolver, lab.authority, CHECKS);
    const resolver = await delayedRelay(lab.resolver, DELAY_MS);
    const authority = await delayedRelay(lab.authority, DELAY_MS);
    relays.push(resolver, authority);
    await measure(
      `through a relay adding ${DELAY_MS} ms each way (${2 * DELAY_MS} ms RTT)`,
      resolver.address,
      authority.address,
      CHECKS,
    );
  }
  console.log("questions per check (a fresh DNS client each: the first check of its zone)");
  const common = { resolvers: [lab.resolver], timeoutMs: TIMEOUT_MS };
  await questionsPerCheck("pass, listed authority", {
    ip: CASES.pass,
    authorities: [lab.authority],
    ...common,
  });
  await questionsPerCheck("no PTR, listed authority", {
    ip: CASES.nxdomain,
    authorities: [lab.authority],
    ...common,
  });
  await questionsPerCheck("pass, discovered authority", {
    ip: CASES.pass,
    authorities: [],
    authorityPort: lab.authorityPort,
    // The lab's NS are on loopback, asked only when told to (issue 28).
    askNonPublicNameServers: true,
    ...common,
  });
  await questionsPerCheck("no PTR, discovered authority", {
    ip: CASES.nxdomain,
    authorities: [],
    authorityPort: lab.authorityPort,
    // The lab's NS are on loopback, asked only when told to (issue 28).
    askNonPublicNameServers: true,
    ...common,
  });
  await rdapLatency(lab.resolver, lab.authority, Math.min(SAMPLES, 400));
  const samples = Math.min(SAMPLES, 100);
  console.log(
    `every authority asked (issue 29): ${samples} sequential checks each, every server behind a relay adding ${AUTHORITY_DELAY_MS} ms each way`,
  );
  const slowResolver = await delayedRelay(lab.resolver, AUTHORITY_DELAY_MS);
  relays.push(slowResolver);
  const authorities: string[] = [];
  for (let i = 0; i < 4; i++) {
    const relay = await delayedRelay(lab.authority, AUTHORITY_DELAY_MS);
    relays.push(relay);
    authorities.push(relay.address);
  }
  for (const count of [1, 2, 4])
    await measureAuthorities(slowResolver.address, authorities.slice(0, count), samples);
} finally {
  for (const relay of relays) relay.close();
  await lab.stop();
}

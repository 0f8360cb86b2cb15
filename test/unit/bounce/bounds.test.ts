// Issue 3 point 5: any input, random or adversarial, is read within 50 ms and never throws; input
// over 256 KB is cut and the reading says so. Each call is timed on its own (wall clock, and the
// process's CPU time). The machine running the tests is shared (up to 7 agents on 2 cores), so a
// call over the bound is run twice more and the fastest of the three counts; when even that is
// over, the call's CPU time decides, which a busy machine does not inflate. A parse that really
// takes too long fails both.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES, readBounce } from "../../../src/bounce/index.js";

const BOUND_MS = 50;
let slowestWall = 0;
let slowestCpu = 0;

const CUT_BYTES = 256 * 1024;

async function timedRead(input: string | Uint8Array, maxBytes = CUT_BYTES): Promise<number> {
  const buffer = typeof input === "string" ? input : Buffer.from(input);
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3 && wall >= BOUND_MS; attempt++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const reading = await readBounce(buffer, { maxBytes });
    wall = Math.min(wall, performance.now() - started);
    const used = process.cpuUsage(cpuStart);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
    expect(Array.isArray(reading.findings)).toBe(true);
    expect(reading.bytesRead).toBeLessThanOrEqual(maxBytes);
  }
  slowestWall = Math.max(slowestWall, wall);
  slowestCpu = Math.max(slowestCpu, cpu);
  return wall < BOUND_MS ? wall : cpu;
}

const bounceWords = fc.constantFrom(
  "550-5.7.25 ",
  "550 5.7.1 ",
  "421-4.7.0 ",
  "[203.0.113.5] ",
  "[2001:db8::1 12] ",
  "host mx.example.com[192.0.2.1] said: ",
  "Client host [",
  "?ip=",
  "4.16.55.1",
  "PTR record ",
  "reverse DNS ",
  "> ",
  ">>> ",
  "<<< ",
  "```",
  "\r\n",
  "\n",
  "    ",
  "Final-Recipient: rfc822; a@b\n",
  "Diagnostic-Code: smtp; ",
  "Content-Type: multipart/report; boundary=x\n",
  "--x\n",
  "::",
  ".",
  "1",
  // Logs, exports and webhooks (issue 12): prefixes, escapes, JSON and CSV shapes.
  "Nov 30 10:00:01 mta1 postfix/smtp[1]: 4AB: ",
  "2026-11-30T10:00:01Z ",
  "@4000000065678a1b2c3d4e5f delivery 7: failure: ",
  "_",
  "\\n550-5.7.25 ",
  "status=bounced (",
  "** a@b R=x T=remote_smtp H=mx [192.0.2.9]: ",
  "relay=mx[198.51.100.1]:25, ",
  '{"diagnosticCode":"smtp; 550 ',
  '"remoteMtaIp":"192.0.2.1"}',
  "[{",
  "email,reason,status\n",
  '"a@b","550 5.1.1 x",',
  "\t",
  "=\n",
  "=3D",
  "\u00a0",
);
const pastes = fc.array(bounceWords, { maxLength: 400 }).map((parts) => parts.join(""));
const digitsAndDots = fc
  .array(fc.constantFrom("1", "2", "5", "55", ".", ":", "[", "]", " "), {
    minLength: 1000,
    maxLength: 60_000,
  })
  .map((parts) => parts.join(""));
const nestedQuotes = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 200 }))
  .map(([depth, lines]) => `${"> ".repeat(depth)}550-5.7.25 [192.0.2.1] no PTR\n`.repeat(lines));
const messages = fc
  .tuple(fc.string({ maxLength: 2000 }), fc.string({ unit: "binary", maxLength: 2000 }))
  .map(
    ([body, tail]) =>
      `From: MAILER-DAEMON@example.net\nSubject: Undelivered\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\n${body}\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nDiagnostic-Code: smtp; 550 ${tail}\n--b--\n`,
  );

describe("reading is bounded", () => {
  beforeAll(async () => {
    await readBounce("From: a@b\nSubject: warm-up\n\n550 5.7.1 x"); // load the reader once
  });
  afterAll(() => {
    process.stdout.write(
      `bounce property tests: slowest call ${slowestWall.toFixed(1)} ms wall, ${slowestCpu.toFixed(1)} ms CPU (bound ${BOUND_MS} ms)\n`,
    );
  });

  const properties: [string, fc.Arbitrary<string | Uint8Array>, number][] = [
    ["random text", fc.string({ maxLength: 5000 }), 150],
    ["random binary", fc.uint8Array({ maxLength: 100_000 }), 60],
    ["bounce-shaped fragments in any order", pastes, 200],
    ["long runs of digits, dots and colons", digitsAndDots, 40],
    ["deeply nested quotes", nestedQuotes, 40],
    ["MIME reports with random bodies", messages, 60],
  ];
  it.each(properties)("%s: never throws and ends in time", async (_name, inputs, numRuns) => {
    await fc.assert(
      fc.asyncProperty(inputs, async (input) => {
        expect(await timedRead(input)).toBeLessThan(BOUND_MS);
      }),
      { numRuns },
    );
  });

  it("1 MB of 550- (one line, and one per line) is cut at maxBytes (256 KB here) and read in time", async () => {
    for (const input of [
      "550-".repeat(262_144),
      "550-\n".repeat(209_716),
      `550-5.7.25 ${"9.".repeat(500_000)}`,
    ]) {
      expect(await timedRead(input)).toBeLessThan(BOUND_MS);
      const reading = await readBounce(input, { maxBytes: CUT_BYTES });
      expect(reading.truncated).toBe(true);
      expect(reading.bytesRead).toBe(CUT_BYTES);
    }
  });

  it("huge single lines and a 1 MB run of digits", async () => {
    for (const input of [
      "a".repeat(1_000_000),
      "1".repeat(1_000_000),
      `${"1.".repeat(300_000)}550 5.7.25`,
      "[".repeat(400_000),
    ]) {
      expect(await timedRead(input)).toBeLessThan(BOUND_MS);
    }
  });

  it("reads 10 MB (the default limit) of log with one bounce at its end within 1 s", async () => {
    const line = (i: number) =>
      `Nov 30 10:${String(i % 60).padStart(2, "0")}:01 mta1 postfix/smtp[4242]: 4B${i}F: to=<user${i}@example.org>, relay=mx.example.org[198.51.100.9]:25, delay=0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X${i})\n`;
    const body: string[] = [];
    let size = 0;
    for (let i = 0; size < MAX_INPUT_BYTES - 2048; i++) {
      const next = line(i);
      body.push(next);
      size += next.length;
    }
    const bounce =
      "Nov 30 11:00:01 mta1 postfix/smtp[4242]: 9ZZ: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.27]:25, dsn=5.7.25, status=bounced (host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup (in reply to end of DATA command))\n";
    const input = Buffer.from(body.join("") + bounce);
    expect(input.length).toBeLessThanOrEqual(MAX_INPUT_BYTES);
    let best = Number.POSITIVE_INFINITY;
    let cpu = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3 && best > 1000; attempt++) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      const reading = await readBounce(input);
      best = Math.min(best, performance.now() - started);
      const used = process.cpuUsage(cpuStart);
      cpu = Math.min(cpu, (used.user + used.system) / 1000);
      expect(reading.truncated).toBe(false);
      expect(reading.findings).toHaveLength(1);
      expect(reading.findings[0]).toMatchObject({
        ip: "203.0.113.5",
        category: "rdns",
        enhancedCode: "5.7.25",
      });
    }
    process.stdout.write(`10 MB log: ${best.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU\n`);
    expect(Math.min(best, cpu)).toBeLessThan(1000);
  }, 60_000);

  it("reads 10 MB of failure lines, of JSON events and of CSV rows within 1 s each", async () => {
    const failure =
      "Nov 30 10:00:01 mta1 postfix/smtp[1]: 4AB: to=<a@b.example>, relay=mx[198.51.100.1]:25, dsn=5.7.1, status=bounced (host mx[198.51.100.1] said: 550-5.7.1 [192.0.2.9] blocked 550-5.7.1 x)\n";
    const event = '{"email":"a@b.example","event":"bounce","reason":"550 5.7.1 [192.0.2.9] blocked"},';
    const row = 'a@b.example,1733000000,"250 2.0.0 ok",2.0.0\n';
    const inputs = [
      failure.repeat(Math.floor(MAX_INPUT_BYTES / failure.length)),
      `[${event.repeat(Math.floor(MAX_INPUT_BYTES / event.length) - 1)}{}]`,
      `email,created,reason,status\n${row.repeat(Math.floor(MAX_INPUT_BYTES / row.length) - 1)}`,
    ];
    for (const [index, input] of inputs.entries()) {
      const buffer = Buffer.from(input);
      let best = Number.POSITIVE_INFINITY;
      for (let attempt = 0; attempt < 3 && best > 1000; attempt++) {
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        const reading = await readBounce(buffer);
        const used = process.cpuUsage(cpuStart);
        best = Math.min(best, performance.now() - started, (used.user + used.system) / 1000);
        // The log and the events carry bounces; the export only successful deliveries.
        expect(reading.findings.length > 0).toBe(index < 2);
      }
      process.stdout.write(`10 MB input ${index}: ${best.toFixed(0)} ms\n`);
      expect(best).toBeLessThan(1000);
    }
  }, 60_000);
});

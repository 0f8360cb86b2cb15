// A broken pair fixed at the authority, measured on the lab in real time (RECHECK_POLL_SECONDS=1),
// as follow-fix.test.ts measures a PTR fix: the PTR name's A pointed elsewhere, the resolver
// cached that A, and the A is then fixed at the authority.
// (a) the fix right after the first check: the "fixed at the authority" notice predicts the
//     resolver's let-go from the A's TTL in the first check, the resolver meets it, "cleared"
//     <= 2 s after it, and the resolver is asked exactly once after the fix is seen;
// (b) the fix in the slow phase just after a mail receiver re-filled the resolver's cache with the
//     old A: the notice says honestly it should already serve it, the confirmation finds the new
//     entry and one more look follows at its TTL (2 resolver questions, not one per poll);
//     "cleared" <= 2 s after the real let-go.
// DNS questions are counted by the DNS client's own observer (addQueryListener), per server and
// name; the test's own probes go through a client of their own, which the observer does not hear.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { DnsClient } from "../../../src/check/dns-client.js";
import { addQueryListener } from "../../../src/check/dns-observer.js";
import type { Runtime } from "../../../src/runtime.js";
import { connectLab } from "../../lab/lab.js";
import { cleanupPrefix, labSettings, type Posted, RecordingPlatform, startLabRuntime } from "./support.js";

// Addresses of this file only (test/lab/README.md): no PTR in the lab's zones until set here.
const EARLY = { ip: "192.0.2.65", name: "pair65.example.test" };
const SLOW = { ip: "192.0.2.66", name: "pair66.example.test" };
const WRONG = "203.0.113.99";
/** The broken A's TTL: longer than the lab's other records (5 s), so its timing is its own. */
const A_TTL = 8;

type Report = Extract<OutboundMessage, { kind: "report" }>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function measure(line: string) {
  process.stdout.write(`[measure] ${line}\n`);
}

describe("a broken pair's fix at the authority, timed by the old A's TTL", () => {
  const lab = inject("lab");
  const control = connectLab(lab);
  const platform = new RecordingPlatform("console");
  const settings = labSettings("pairfix", { recheckPollMs: 1000 });
  const asked: { at: number; server: string; name: string; type: string }[] = [];
  const probe = new DnsClient();
  let stopListening: () => void = () => {};
  let runtime: Runtime;

  const breakPair = async ({ ip, name }: typeof EARLY) => {
    await control.setRecord(name, "A", WRONG, { replace: true, ttl: A_TTL });
    await control.setPtr(ip, name);
  };
  const fixPair = ({ ip, name }: typeof EARLY) =>
    control.setRecord(name, "A", ip, { replace: true, ttl: A_TTL });

  beforeAll(async () => {
    await Promise.all([breakPair(EARLY), breakPair(SLOW)]);
    stopListening = addQueryListener((event) =>
      asked.push({
        at: Date.now(),
        server: event.server,
        name: event.name.toLowerCase().replace(/\.$/, ""),
        type: event.type,
      }),
    );
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    stopListening();
    probe.close();
    for (const pair of [EARLY, SLOW]) {
      await control.removePtr(pair.ip);
      await control.removeRecord(pair.name);
    }
    await cleanupPrefix(settings.prefix);
  });

  /** The bot's A questions for `name` to the resolver since `since`. */
  const resolverAsked = (name: string, since: number) =>
    asked.filter((q) => q.at >= since && q.server === lab.resolver && q.name === name && q.type === "A");

  const notices = (thread: string, text: string): Posted[] =>
    platform.in(thread).filter((item) => item.message.kind === "notice" && item.message.text.includes(text));

  /** The instant a notice names after `phrase` (HH:MM:SS UTC, on the notice's day). */
  function timeIn(notice: Posted, phrase: string): number | null {
    const text = notice.message.kind === "notice" ? notice.message.text : "";
    const at = new RegExp(`${phrase} (\\d\\d):(\\d\\d):(\\d\\d) UTC`).exec(text);
    if (at === null) return null;
    const day = new Date(notice.at);
    return Date.UTC(
      day.getUTCFullYear(),
      day.getUTCMonth(),
      day.getUTCDate(),
      Number(at[1]),
      Number(at[2]),
      Number(at[3]),
    );
  }

  /** The resolver's A for `name`, asked by the test (uncounted). */
  const resolverA = async (name: string) => {
    const answer = await probe.query({
      name,
      type: "A",
      server: lab.resolver,
      recursion: true,
      timeoutMs: 500,
    });
    return answer.answers.filter((record) => record.type === "A").map((record) => record.data);
  };

  /** Asks the resolver every 50 ms until it serves `ip` for `name`: the instant it let go. */
  async function letGoOf({ ip, name }: typeof EARLY, until: number): Promise<number> {
    for (;;) {
      if ((await resolverA(name)).includes(ip)) return Date.now();
      if (Date.now() > until) throw new Error(`the resolver never served ${name} A ${ip}`);
      await sleep(50);
    }
  }

  async function firstReport({ ip }: typeof EARLY, channel: string) {
    const origin = await platform.command([ip], channel);
    if (origin === null) throw new Error("no thread");
    await platform.waitFor(() => platform.in(origin.thread).length >= 1);
    const report = (platform.in(origin.thread)[0]?.message as Report).report;
    expect(report.problems.map((problem) => problem.code)).toContain("BROKEN_PAIR");
    return { origin, report };
  }

  it("(a) fixed right after the first check: the let-go predicted from the A's TTL, cleared <= 2 s after it, one resolver question", async () => {
    const { origin, report } = await firstReport(EARLY, "PA");
    const forward = report.forward[0];
    // The resolver's cached A and the time it had left, as the check's JSON now carries it.
    expect(forward).toMatchObject({ server: lab.resolver, addresses: [WRONG], confirms: false });
    expect(forward?.ttl).toBeGreaterThan(0);
    expect(forward?.ttl).toBeLessThanOrEqual(A_TTL);
    const seenAt = Date.parse(report.checkedAt) + report.durationMs;
    await fixPair(EARLY);
    const editedAt = Date.now();
    await platform.waitFor(() => notices(origin.thread, "Fixed at the authority").length === 1, 10_000);
    const notice = notices(origin.thread, "Fixed at the authority")[0] as Posted;
    const text = notice.message.kind === "notice" ? notice.message.text : "";
    expect(text).toContain(`${lab.resolver} still holds ${EARLY.name} A ${WRONG}`);
    const predicted = timeIn(notice, "lets go at");
    expect(predicted, text).not.toBeNull();
    // T + R + 1 s (whole-second TTLs), shown to the second.
    const expected = seenAt + ((forward?.ttl ?? 0) + 1) * 1000;
    expect(Math.abs((predicted ?? 0) - Math.floor(expected / 1000) * 1000)).toBeLessThanOrEqual(1000);
    const expiredAt = await letGoOf(EARLY, editedAt + 20_000);
    await platform.waitFor(
      () => platform.in(origin.thread).some((item) => item.message.kind === "cleared"),
      10_000,
    );
    const cleared = platform.in(origin.thread).find((item) => item.message.kind === "cleared") as Posted;
    const toResolver = resolverAsked(EARLY.name, notice.at);
    measure(
      `(a) notice after edit: ${notice.at - editedAt} ms; A TTL at the first check ${forward?.ttl} s; resolver let-go vs predicted (to the second): ${expiredAt - (predicted ?? 0)} ms; cleared after let-go: ${cleared.at - expiredAt} ms; resolver questions after the fix was seen: ${toResolver.length}`,
    );
    expect(notice.at - editedAt).toBeLessThanOrEqual(settings.recheckPollMs + 1000);
    expect(Math.abs(expiredAt - (predicted ?? 0))).toBeLessThanOrEqual(2000);
    expect(cleared.at - expiredAt).toBeLessThanOrEqual(2000);
    expect(cleared.at).toBeGreaterThanOrEqual(expiredAt - 1000);
    // One look at the resolver, when its old A ran out; not one per poll while it was cached.
    expect(toResolver).toHaveLength(1);
    expect(cleared.message).toMatchObject({ kind: "cleared", report: { verdict: "pass", fcrdns: "pass" } });
  }, 40_000);

  it("(b) fixed in the slow phase after a receiver re-filled the cache: said honestly, one more look at the new TTL, cleared <= 2 s after the real let-go", async () => {
    const { origin, report } = await firstReport(SLOW, "PB");
    const forward = report.forward[0];
    // The slow phase: the old A of the first check has run out; the chain only polls the authority.
    await sleep(
      Math.max(0, Date.parse(report.checkedAt) + ((forward?.ttl ?? A_TTL) + 2) * 1000 - Date.now()),
    );
    // A mail receiver asks the resolver just before the fix: it caches the old A again.
    expect(await resolverA(SLOW.name)).toEqual([WRONG]);
    await fixPair(SLOW);
    const editedAt = Date.now();
    await platform.waitFor(() => notices(origin.thread, "Fixed at the authority").length === 1, 10_000);
    const notice = notices(origin.thread, "Fixed at the authority")[0] as Posted;
    const text = notice.message.kind === "notice" ? notice.message.text : "";
    // The chain's last look is older than the receiver's entry: no invented prediction.
    expect(text).toContain(`held ${SLOW.name} A ${WRONG} until`);
    expect(text).toContain("should already serve it; confirming at");
    const expiredAt = await letGoOf(SLOW, editedAt + 20_000);
    await platform.waitFor(
      () => platform.in(origin.thread).some((item) => item.message.kind === "cleared"),
      10_000,
    );
    const cleared = platform.in(origin.thread).find((item) => item.message.kind === "cleared") as Posted;
    const toResolver = resolverAsked(SLOW.name, notice.at);
    measure(
      `(b) notice after edit: ${notice.at - editedAt} ms; cleared after the real let-go: ${cleared.at - expiredAt} ms; resolver questions after the notice: ${toResolver.length} (at ${toResolver.map((q) => q.at - notice.at).join(", ")} ms)`,
    );
    expect(notice.at - editedAt).toBeLessThanOrEqual(settings.recheckPollMs + 1000);
    expect(cleared.at - expiredAt).toBeLessThanOrEqual(2000);
    // The confirmation found the receiver's entry; one more look at its TTL, then cleared.
    expect(toResolver).toHaveLength(2);
    expect(cleared.message).toMatchObject({ kind: "cleared", report: { verdict: "pass" } });
  }, 60_000);
});

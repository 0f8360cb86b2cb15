// The whole flow with the real engine, real Redis and the real DNS lab: a command opens a thread,
// the check job runs in a worker, and the deliveries land in that thread and on its parent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

describe("engine flow: command -> queue -> check worker -> delivery", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("flow");
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("answers /rdns <ip> <helo> in the thread it opened, and puts the verdict on the parent", async () => {
    const origin = await platform.command(["203.0.113.10", "mail.example.test"]);
    expect(origin).not.toBeNull();
    const thread = origin?.thread ?? "";
    expect(platform.posted[0]).toMatchObject({
      op: "post",
      message: { kind: "checking", ip: "203.0.113.10" },
    });
    await platform.waitFor(
      () => platform.in(thread).length === 1 && platform.in(thread, "update").length === 1,
    );
    const [report] = platform.in(thread);
    expect(report?.message).toMatchObject({
      kind: "report",
      report: { ip: "203.0.113.10", verdict: "pass" },
    });
    expect(platform.in(thread, "update")[0]?.message).toMatchObject({
      kind: "verdict",
      report: { verdict: "pass" },
    });
  });

  it("keeps two askers' answers in their own threads", async () => {
    const [a, b] = await Promise.all([
      platform.command(["203.0.113.13"], "C-A"),
      platform.command(["203.0.113.13"], "C-B"),
    ]);
    await platform.waitFor(
      () => platform.in(a?.thread ?? "").length === 1 && platform.in(b?.thread ?? "").length === 1,
    );
    for (const origin of [a, b]) {
      const [reply] = platform.in(origin?.thread ?? "");
      expect(reply?.message).toMatchObject({
        kind: "report",
        report: { ip: "203.0.113.13", verdict: "fail" },
      });
    }
  });

  it("says 'could not tell' (never 'no PTR') only after BullMQ's retries of a SERVFAIL run out", async () => {
    const origin = await platform.command(["198.51.100.7"]); // the lab's stub to a dead server
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length === 1, 30_000);
    const [answer] = platform.in(thread);
    expect(answer?.message).toMatchObject({
      kind: "could-not-tell",
      ip: "198.51.100.7",
      attempts: settings.checkAttempts,
    });
    expect(platform.in(origin?.parent ?? "", "update")[0]?.message).toMatchObject({
      report: { verdict: "inconclusive" },
    });
    const checks = await runtime.queues.check.getCompleted();
    expect(checks.find((job) => job.data.ip === "198.51.100.7")?.attemptsMade).toBe(settings.checkAttempts);
    expect(
      platform.posted.some(
        (item) => item.message.kind === "report" && item.message.report.ip === "198.51.100.7",
      ),
    ).toBe(false);
  });

  it("reads a pasted bounce: the reading and the refused IP's check go into a thread on the message", async () => {
    const bounce = [
      "<someone@example.com>: host gmail-smtp-in.l.google.com[142.250.27.26] said:",
      "    550-5.7.25 [203.0.113.13] The IP address sending this message does not have a",
      "    550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not",
      "    550-5.7.25 point to the sending IP. As a policy, Gmail does not accept messages",
      "    550-5.7.25 from IPs with missing PTR records. - gsmtp (in reply to end of DATA command)",
    ].join("\n");
    const origin = await platform.paste(bounce);
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length === 2);
    const kinds = platform
      .in(thread)
      .map((item) => item.message.kind)
      .sort();
    expect(kinds).toEqual(["bounce", "report"]);
    const reading = platform.in(thread).find((item) => item.message.kind === "bounce")?.message;
    expect(reading).toMatchObject({
      findings: [{ ip: "203.0.113.13", receiver: "gmail", enhancedCode: "5.7.25" }],
    });
    const report = platform.in(thread).find((item) => item.message.kind === "report")?.message;
    expect(report).toMatchObject({ report: { ip: "203.0.113.13", verdict: "fail" } });
  });

  it("stays quiet about a pasted message that is not a bounce", async () => {
    const before = platform.posted.length;
    expect(await platform.paste("hi all, is the deploy done?")).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platform.posted.length).toBe(before);
  });

  it.each([
    [["10.0.0.1"], /10\.0\.0\.1 is private \(RFC 1918/],
    [["300.1.2.3"], /not an IP address/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["watch", "203.0.113.0/15"], /too large to watch/],
    [["203.0.113.10", "bad name!"], /not a host name/],
  ])("answers bad input %j privately with a usage example", async (args, problem) => {
    const before = platform.posted.length;
    const origin = await platform.command(args);
    expect(origin).toBeNull();
    const answer = platform.posted.slice(before);
    expect(answer).toHaveLength(1);
    expect(answer[0]).toMatchObject({ op: "private", message: { kind: "usage-error" } });
    const message = answer[0]?.message as { problem: string; example: string };
    expect(message.problem).toMatch(problem);
    expect(message.example).toMatch(/^\/rdns /);
  });
});

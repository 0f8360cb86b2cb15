// `/rdns probe` and `/rdns watch <ip> probe` through the engine (issue 21 points 5 and 7): the
// command's job carries the probe to a check worker, which reads a real SMTP server's greeting
// (smtp-server on loopback), and a probing watch hears when the greeting's name changes. The
// lab's addresses are documentation addresses, so the workers' runCheck is wrapped to send the
// IP's port 25 to the loopback server: everything else is the production path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { runCheck } from "../../../src/check/index.js";
import type { CheckOptions } from "../../../src/check/types.js";
import type { Runtime } from "../../../src/runtime.js";
import { CASES, HELOS } from "../../lab/zones.js";
import { smtpServer } from "../../support/smtp-servers.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = CASES.pass; // PTR mail.example.test, A back to it; no test changes it

describe("SMTP probes through the engine", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("probe", { watchIntervalMs: 1000, watchCap: 20 });
  let server: Awaited<ReturnType<typeof smtpServer>>;
  let runtime: Runtime;
  const probed: string[] = [];

  beforeAll(async () => {
    server = await smtpServer({ name: HELOS.equal });
    const redirect = (options: CheckOptions) => {
      if (!options.smtp) return runCheck(options);
      // What the worker asked for: the checked IP's own port 25.
      probed.push(`${options.smtp.host}:${options.smtp.port}`);
      return runCheck({ ...options, smtp: { host: "127.0.0.1", port: server.port } });
    };
    runtime = await startLabRuntime(settings, [platform], { runCheck: redirect });
  });
  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await cleanupPrefix(settings.prefix);
  });

  const reportIn = (thread: string) =>
    platform.in(thread).find((item) => item.message.kind === "report")?.message as
      | Extract<OutboundMessage, { kind: "report" }>
      | undefined;

  it("/rdns probe <ip> answers in its thread with the greeting, and the greeting's name as the HELO", async () => {
    const origin = await platform.command(["probe", IP], "C-probe");
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => reportIn(thread) !== undefined, 15_000);
    const report = reportIn(thread)?.report;
    expect(report?.smtp).toMatchObject({
      outcome: "ok",
      bannerName: HELOS.equal,
      matchesPtr: true,
      starttls: true,
    });
    expect(report?.helo).toMatchObject({ name: HELOS.equal, source: "greeting" });
    expect(probed).toContain(`${IP}:25`);
  });

  it("/rdns probe refuses a private address: chat never makes the bot connect inside", async () => {
    const before = probed.length;
    await platform.command(["probe", "10.0.0.25"], "C-probe-private");
    const answer = platform.posted.find((item) => item.address === "C-probe-private");
    expect(answer?.message.kind).toBe("usage-error");
    expect(probed.length).toBe(before);
  });

  it("/rdns watch <ip> probe hears a changed greeting name as a notice, once", async () => {
    const origin = await platform.command(["watch", IP, "probe"], "C-watch-probe");
    const thread = origin?.thread ?? "";
    const announced = platform.posted.find((item) => item.address === thread)?.message;
    expect(announced).toMatchObject({ kind: "notice" });
    expect(announced?.kind === "notice" && announced.text).toContain("greeting");
    await platform.waitFor(
      () => platform.in(thread).some((item) => item.message.kind === "watch-baseline"),
      15_000,
    );
    const greetingChanges = () =>
      platform
        .in(thread)
        .map((item) => item.message)
        .filter((message) => message.kind === "watch-change" && message.change === "greeting-drifted");

    server.setName(HELOS.resolvesToIp);
    await platform.waitFor(() => greetingChanges().length >= 1, 20_000);
    const notice = greetingChanges()[0];
    expect(notice).toMatchObject({
      kind: "watch-change",
      change: "greeting-drifted",
      previousNames: [HELOS.equal],
    });
    expect(notice?.kind === "watch-change" && notice.report.smtp?.bannerName).toBe(HELOS.resolvesToIp);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // several more runs: silence
    expect(greetingChanges()).toHaveLength(1);
    await platform.command(["watches"], "C-watch-probe");
    const listed = platform.posted.filter(
      (item) => item.op === "private" && item.address === "C-watch-probe",
    );
    expect(listed.at(-1)?.message).toMatchObject({ kind: "watches", targets: [`${IP} (probe)`] });
  });

  it("a pasted receiver log line names the HELO: the check is made with it (issue 21 point 6)", async () => {
    const origin = await platform.paste(
      `Dec  7 06:00:03 mx1 postfix/smtpd[999]: NOQUEUE: reject: RCPT from unknown[${IP}]: 450 4.7.1 Client host rejected: cannot find your reverse hostname, [${IP}]; from=<a@sender.test> to=<b@example.org> proto=ESMTP helo=<${HELOS.resolvesToIp}>`,
      "C-paste-helo",
    );
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => reportIn(thread) !== undefined, 15_000);
    expect(reportIn(thread)?.report.helo).toMatchObject({ name: HELOS.resolvesToIp, source: "given" });
    // A paste asks for no probe.
    expect(reportIn(thread)?.report.smtp).toBeNull();
  });
});

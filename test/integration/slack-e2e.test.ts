// The whole path with nothing faked but Slack itself: a signed /rdns (or a Socket Mode envelope)
// into the real Bolt receiver, the engine's handlers, BullMQ on real Redis, the check worker's
// real runCheck against the DNS lab (Knot + Unbound), and the delivery worker posting through
// this adapter into the right thread of the loopback fake Web API.
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Runtime } from "../../src/runtime.js";
import {
  createSlackHarness,
  SIGNING_SECRET,
  type SlackHarness,
  SUPPORT_CHANNEL,
} from "../fakes/slack/harness.js";
import { eventCallback, postSigned, slashCommandForm, slashCommandPayload } from "../fakes/slack/requests.js";
import type { RecordedCall } from "../fakes/slack/web-api.js";
import { connectLab } from "../lab/lab.js";
import { CASES } from "../lab/zones.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./engine/support.js";

let h: SlackHarness | null = null;
let runtime: Runtime | null = null;
let prefix: string | null = null;

afterEach(async () => {
  await runtime?.stop();
  await h?.close();
  if (prefix !== null) await cleanupPrefix(prefix);
  runtime = null;
  h = null;
  prefix = null;
});

async function start(mode: "http" | "socket"): Promise<SlackHarness> {
  h = await createSlackHarness({ mode });
  const settings = labSettings(`slack-${mode}`);
  prefix = settings.prefix;
  runtime = await startLabRuntime(settings, [h.platform]);
  return h;
}

function threadReplies(harness: SlackHarness, parentTs: string): RecordedCall[] {
  return harness.fake.callsTo("chat.postMessage").filter((call) => call.args.thread_ts === parentTs);
}

async function expectCheckedIntoThread(
  harness: SlackHarness,
  ip: string,
  verdict: "pass" | "fail",
): Promise<void> {
  await harness.fake.waitFor((f) => f.callsTo("chat.postMessage").length >= 1, 10_000, "parent message");
  const parent = harness.fake.callsTo("chat.postMessage")[0];
  expect(parent?.args.thread_ts).toBeUndefined();
  expect(String(parent?.args.text)).toContain(`Checking \`${ip}\``);
  const parentTs = "1700000000.000001";
  await harness.fake.waitFor(
    (f) => threadReplies(harness, parentTs).length >= 1 && f.callsTo("chat.update").length >= 1,
    20_000,
    "report in the thread and verdict in the parent",
  );
  const [report] = threadReplies(harness, parentTs);
  expect(report?.args.channel).toBe("C0CMD");
  const blocks = report?.args.blocks as { type: string; text?: { text: string } }[];
  expect(blocks[0]).toMatchObject({
    type: "header",
    text: { text: `${ip} ${verdict === "pass" ? "passes" : "fails"}` },
  });
  const update = harness.fake.callsTo("chat.update")[0];
  expect(update?.args).toMatchObject({ channel: "C0CMD", ts: parentTs });
  expect(String(update?.args.text)).toContain(`*${ip}* ${verdict === "pass" ? "passes" : "fails"}`);
}

describe("Slack end to end (Bolt -> queue -> check worker on the lab -> delivery)", () => {
  it("HTTP: a passing IP gets its report in the thread and the verdict in the parent", async () => {
    const harness = await start("http");
    const form = slashCommandForm({
      text: `${CASES.pass} mail.example.test`,
      responseUrl: `${harness.fake.url}/response/e2e`,
    });
    const answer = await postSigned(harness.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    expect(answer.status).toBe(200);
    await expectCheckedIntoThread(harness, CASES.pass, "pass");
    const report = JSON.stringify(threadReplies(harness, "1700000000.000001")[0]?.args.blocks);
    expect(report).toContain("`mail.example.test`");
  });

  it("HTTP: a 429 on the verdict update is retried after Retry-After and lands once", async () => {
    const harness = await start("http");
    harness.fake.failNext("chat.update", { status: 429, retryAfter: 1 });
    const form = slashCommandForm({ text: CASES.nxdomain, responseUrl: `${harness.fake.url}/response/e2e` });
    await postSigned(harness.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    await expectCheckedIntoThread(harness, CASES.nxdomain, "fail");
    const updates = harness.fake.calls.filter((call) => call.method === "chat.update");
    expect(updates.map((call) => call.status)).toEqual([429, 200]);
    expect((updates[1]?.at ?? 0) - (updates[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    const report = JSON.stringify(threadReplies(harness, "1700000000.000001")[0]?.args);
    expect(report).toContain("NO_PTR");
  });

  it("HTTP: a private address is answered privately with an example, nothing queued", async () => {
    const harness = await start("http");
    const form = slashCommandForm({ text: "10.1.2.3", responseUrl: `${harness.fake.url}/response/e2e` });
    await postSigned(harness.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    await harness.fake.waitFor(
      (f) => f.callsTo("chat.postEphemeral").length === 1,
      10_000,
      "ephemeral usage error",
    );
    const text = String(harness.fake.callsTo("chat.postEphemeral")[0]?.args.text);
    expect(text).toMatch(/Example: `/);
    expect(harness.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it('HTTP: re-check news lands in the same thread: fixed at the authority, then "cleared"', async () => {
    const ip = "192.0.2.57"; // spare57.example.test A 192.0.2.57; no PTR until this test adds it
    const control = connectLab(inject("lab"));
    await control.removePtr(ip);
    try {
      const harness = await start("http");
      const form = slashCommandForm({ text: ip, responseUrl: `${harness.fake.url}/response/e2e` });
      await postSigned(harness.eventsUrl, form, {
        secret: SIGNING_SECRET,
        contentType: "application/x-www-form-urlencoded",
      });
      await expectCheckedIntoThread(harness, ip, "fail");
      await control.setPtr(ip, "spare57.example.test");
      await harness.fake.waitFor(
        () =>
          threadReplies(harness, "1700000000.000001").some((call) =>
            String(call.args.text).includes(`\`${ip}\` cleared after`),
          ),
        30_000,
        "cleared in the same thread",
      );
      // "Fixed at the authority" comes first (it says it will say "cleared"), then "cleared" once.
      const fixed = threadReplies(harness, "1700000000.000001").filter((c) =>
        String(c.args.text).startsWith("Fixed at the authority"),
      );
      expect(fixed).toHaveLength(1);
      // With the chain's buttons, as a check result has them.
      expect(JSON.stringify(fixed[0]?.args.blocks)).toContain('"action_id":"rdns_stop"');
      const cleared = threadReplies(harness, "1700000000.000001").filter((c) =>
        String(c.args.text).includes(`\`${ip}\` cleared after`),
      );
      expect(cleared).toHaveLength(1);
      expect(cleared[0]?.args.channel).toBe("C0CMD");
      expect(String(cleared[0]?.args.text)).toContain(`\`${ip}\` cleared after`);
    } finally {
      await control.removePtr(ip);
    }
  });

  it("Socket Mode: a slash command envelope ends with the report in the thread", async () => {
    const harness = await start("socket");
    const payload = slashCommandPayload(
      slashCommandForm({
        text: `${CASES.pass} mail.example.test`,
        responseUrl: `${harness.fake.url}/response/e2e`,
      }),
    );
    const { ack, sentAt } = await (harness.socket as NonNullable<SlackHarness["socket"]>).send(
      "slash_commands",
      payload,
    );
    expect(ack.at - sentAt).toBeLessThan(1000);
    await expectCheckedIntoThread(harness, CASES.pass, "pass");
  });

  it("HTTP: a pasted Gmail bounce gets the bounce and the named IP's check in its own thread; chatter is left alone", async () => {
    const harness = await start("http");
    const gmail =
      "550-5.7.25 [203.0.113.11] The IP address sending this message does not have a PTR record setup, or the\n" +
      "550-5.7.25 corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not\n" +
      "550 5.7.25 accept messages from IPs with missing PTR records. - gsmtp";
    const paste = (text: string, ts: string, eventId: string) =>
      postSigned(
        harness.eventsUrl,
        JSON.stringify(
          eventCallback({ type: "message", channel: SUPPORT_CHANNEL, user: "U0PASTER", ts, text }, eventId),
        ),
        { secret: SIGNING_SECRET, contentType: "application/json" },
      );
    expect((await paste("anyone seen the deploy?", "1700000300.000100", "EvE2E1")).status).toBe(200);
    expect((await paste(gmail, "1700000300.000200", "EvE2E2")).status).toBe(200);
    await harness.fake.waitFor(
      (f) =>
        f.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === "1700000300.000200").length >= 2,
      20_000,
      "bounce and report in the pasted message's thread",
    );
    const inThread = harness.fake
      .callsTo("chat.postMessage")
      .filter((c) => c.args.thread_ts === "1700000300.000200");
    expect(inThread.every((c) => c.args.channel === SUPPORT_CHANNEL)).toBe(true);
    const texts = inThread.map((c) => String(c.args.text));
    expect(texts.some((t) => t.includes("refused"))).toBe(true);
    expect(texts.some((t) => t.includes("*203.0.113.11* fails"))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      harness.fake.callsTo("chat.postMessage").filter((c) => c.args.thread_ts !== "1700000300.000200"),
    ).toHaveLength(0);
  });

  it("Socket Mode: a shared .eml bounce is downloaded, read and answered in the file message's thread", async () => {
    const harness = await start("socket");
    const eml = [
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
      "To: sender@example.test",
      "Subject: Delivery Status Notification (Failure)",
      "MIME-Version: 1.0",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "Your message wasn't delivered to bob@gmail.com.",
      "",
      "--b1",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; googlemail.com",
      "",
      "Final-Recipient: rfc822; bob@gmail.com",
      "Action: failed",
      "Status: 5.7.25",
      `Diagnostic-Code: smtp; 550-5.7.25 [${CASES.brokenPair}] The IP address sending this message does not`,
      " have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.",
      "",
      "--b1--",
      "",
    ].join("\r\n");
    harness.fake.addFile({ id: "F0DSN", name: "bounce.eml", content: Buffer.from(eml) });
    const ts = "1700000400.000100";
    await (harness.socket as NonNullable<SlackHarness["socket"]>).send(
      "events_api",
      eventCallback(
        {
          type: "message",
          subtype: "file_share",
          channel: SUPPORT_CHANNEL,
          user: "U0PASTER",
          ts,
          text: "",
          files: [{ id: "F0DSN", name: "bounce.eml", mimetype: "message/rfc822" }],
        },
        "EvE2EFile",
      ),
    );
    await harness.fake.waitFor(
      (f) => f.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === ts).length >= 2,
      20_000,
      "bounce and check in the file message's thread",
    );
    expect(harness.fake.downloads).toEqual([{ id: "F0DSN", authorized: true }]);
    const texts = harness.fake
      .callsTo("chat.postMessage")
      .filter((c) => c.args.thread_ts === ts)
      .map((c) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks)}`);
    expect(texts.some((t) => t.includes(`\`${CASES.brokenPair}\``) && t.includes("refused"))).toBe(true);
    expect(texts.some((t) => t.includes(`*${CASES.brokenPair}* fails`))).toBe(true);
  });
});

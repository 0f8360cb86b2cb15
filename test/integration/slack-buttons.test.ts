// Issue 10, measured (c) on Slack: a press of "Re-check now" on a check result, signed like real
// Slack (HTTP) or in an "interactive" envelope (Socket Mode), through the real Bolt receiver and
// the app's pipeline, starts exactly one check on the DNS lab, whose result lands in the thread
// of the message the button is on. "Watch this IP" makes the channel watch it and says so there.
import { afterEach, describe, expect, it } from "vitest";
import type { CheckOptions } from "../../src/check/index.js";
import { runCheck } from "../../src/check/index.js";
import { storeKeys } from "../../src/keys.js";
import type { Runtime } from "../../src/runtime.js";
import { openChainsOf } from "../../src/store/chains.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../fakes/slack/harness.js";
import {
  blockActionsPayload,
  interactivityForm,
  postSigned,
  slashCommandForm,
  slashCommandPayload,
} from "../fakes/slack/requests.js";
import type { PostedMessage } from "../fakes/slack/web-api.js";
import { CASES } from "../lab/zones.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./engine/support.js";

let h: SlackHarness | null = null;
let runtime: Runtime | null = null;
let prefix: string | null = null;
/** DNS checks the workers ran, per IP. */
let checks = new Map<string, number>();

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
  checks = new Map();
  // The window shares one check among a burst of askers; a press is its own request.
  const settings = labSettings(`slack-buttons-${mode}`, { dedupWindowMs: 30_000 });
  prefix = settings.prefix;
  runtime = await startLabRuntime(settings, [h.platform], {
    runCheck: (options: CheckOptions) => {
      checks.set(options.ip, (checks.get(options.ip) ?? 0) + 1);
      return runCheck(options);
    },
  });
  return h;
}

type Button = { action_id: string; value?: string };

function buttonsOf(message: PostedMessage | undefined): Button[] {
  const blocks = (message?.blocks ?? []) as { type: string; elements?: Button[] }[];
  return blocks.find((block) => block.type === "actions")?.elements ?? [];
}

/** `/rdns <ip> <helo>`, then its report in the thread; returns the parent's ts and the report. */
async function checkedIntoThread(
  harness: SlackHarness,
  ip: string,
  mode: "http" | "socket" = "http",
): Promise<{ parentTs: string; report: PostedMessage }> {
  const form = slashCommandForm({
    text: `${ip} mail.example.test`,
    responseUrl: `${harness.fake.url}/response/1`,
  });
  if (mode === "socket") {
    await (harness.socket as NonNullable<SlackHarness["socket"]>).send(
      "slash_commands",
      slashCommandPayload(form),
    );
  } else {
    const answer = await postSigned(harness.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    expect(answer.status).toBe(200);
  }
  await harness.fake.waitFor((f) => f.posted.length >= 2, 20_000, "parent and report");
  const parentTs = harness.fake.posted[0]?.ts as string;
  const report = harness.fake.posted.find((m) => m.thread_ts === parentTs) as PostedMessage;
  return { parentTs, report };
}

async function press(harness: SlackHarness, message: PostedMessage, button: Button, mode: "http" | "socket") {
  const payload = blockActionsPayload({
    channel: message.channel,
    message: {
      ts: message.ts,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
      blocks: message.blocks,
    },
    button,
    responseUrl: `${harness.fake.url}/response/press`,
  });
  if (mode === "socket") {
    const { ack, sentAt } = await (harness.socket as NonNullable<SlackHarness["socket"]>).send(
      "interactive",
      payload,
    );
    return ack.at - sentAt;
  }
  const answer = await postSigned(harness.eventsUrl, interactivityForm(payload), {
    secret: SIGNING_SECRET,
    contentType: "application/x-www-form-urlencoded",
  });
  expect(answer.status).toBe(200);
  return answer.ms;
}

const reportsIn = (harness: SlackHarness, parentTs: string) =>
  harness.fake.posted.filter((m) => m.thread_ts === parentTs && /\* (passes|fails)/.test(m.text));

describe.each(["http", "socket"] as const)("Slack buttons (%s)", (mode) => {
  it("Re-check now on the report: one check, its result in the same thread, the presser told privately", async () => {
    const harness = await start(mode);
    const { parentTs, report } = await checkedIntoThread(harness, CASES.pass, mode);
    expect(checks.get(CASES.pass)).toBe(1);
    const recheck = buttonsOf(report).find((b) => b.action_id === "rdns_recheck") as Button;
    expect(JSON.parse(recheck.value ?? "")).toEqual({ ip: CASES.pass, helo: "mail.example.test" });

    const ackMs = await press(harness, report, recheck, mode);
    expect(ackMs).toBeLessThan(1500);
    await harness.fake.waitFor(
      () => reportsIn(harness, parentTs).length >= 2,
      20_000,
      "the re-check's report",
    );
    const ephemeral = harness.fake.callsTo("chat.postEphemeral").at(-1);
    expect(ephemeral?.args).toMatchObject({ channel: "C0CMD", user: "U0PRESSER", thread_ts: parentTs });
    expect(String(ephemeral?.args.text)).toContain(`Re-checking ${CASES.pass} (HELO mail.example.test) now`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(checks.get(CASES.pass)).toBe(2);
    expect(reportsIn(harness, parentTs)).toHaveLength(2);
    // Nothing landed outside the thread (no new parent).
    expect(harness.fake.posted.filter((m) => m.thread_ts === undefined)).toHaveLength(1);
  });

  it("Watch this IP: the channel watches it and the thread says so; pressed again, nothing twice", async () => {
    const harness = await start(mode);
    const { parentTs, report } = await checkedIntoThread(harness, CASES.nxdomain, mode);
    const watch = buttonsOf(report).find((b) => b.action_id === "rdns_watch") as Button;
    await press(harness, report, watch, mode);
    await harness.fake.waitFor(
      () => harness.fake.posted.some((m) => m.thread_ts === parentTs && m.text.includes("asked to watch")),
      10_000,
      "the watch notice in the thread",
    );
    await press(harness, report, watch, mode);
    await harness.fake.waitFor(
      (f) => f.callsTo("chat.postEphemeral").some((c) => String(c.args.text).includes("already watches")),
      10_000,
      "already watched",
    );
    expect(harness.fake.posted.filter((m) => m.text.includes("asked to watch"))).toHaveLength(1);
    const keys = await (runtime as Runtime).redis.keys(`${prefix}:s:watches:*`);
    expect(keys).toHaveLength(1);
    expect(await (runtime as Runtime).redis.hkeys(keys[0] as string)).toEqual([CASES.nxdomain]);
  });
});

describe("Slack buttons: Stop re-checking", () => {
  it("ends the open chain once: the thread says who stopped it, a second press is told privately", async () => {
    const harness = await start("http");
    const { parentTs, report } = await checkedIntoThread(harness, CASES.nxdomain);
    const stop = buttonsOf(report).find((b) => b.action_id === "rdns_stop") as Button;
    expect(stop).toBeDefined();
    await press(harness, report, stop, "http");
    await harness.fake.waitFor(
      () =>
        harness.fake.posted.some((m) => m.thread_ts === parentTs && m.text.includes("stopped re-checking")),
      10_000,
      "who stopped it, in the thread",
    );
    expect(harness.fake.posted.find((m) => m.text.includes("stopped re-checking"))?.text).toContain(
      `presser stopped re-checking ${CASES.nxdomain}`,
    );
    await press(harness, report, stop, "http");
    await harness.fake.waitFor(
      (f) => f.callsTo("chat.postEphemeral").some((c) => String(c.args.text).includes("stopped by presser")),
      10_000,
      "already ended, privately",
    );
    expect(harness.fake.posted.filter((m) => m.text.includes("stopped re-checking"))).toHaveLength(1);
  });
});

describe("Slack buttons: Re-check now on a failing chain", () => {
  it("the chain adopts the check: its result in the thread, one open chain, one stopped notice", async () => {
    const harness = await start("http");
    const { parentTs, report } = await checkedIntoThread(harness, CASES.nxdomain);
    const keys = storeKeys(prefix as string);
    const redis = (runtime as Runtime).redis;
    const [chainId] = await openChainsOf(redis, keys, CASES.nxdomain);
    expect(chainId).toBeDefined();
    // What the per-user limit has counted for the presser (src/app/command-limits.ts keys).
    const counted = async () => {
      const found = await redis.keys(`${prefix}:slack:limit:user:U0PRESSER:*`);
      const values = found.length === 0 ? [] : await redis.mget(...found);
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    };
    const countedBefore = await counted();
    const recheck = buttonsOf(report).find((b) => b.action_id === "rdns_recheck") as Button;
    await press(harness, report, recheck, "http");
    await harness.fake.waitFor(
      () => reportsIn(harness, parentTs).length >= 2,
      20_000,
      "the re-check's report",
    );
    expect(checks.get(CASES.nxdomain)).toBe(2);
    // The press spent the presser's allowance once, in the pipeline, as a command would.
    expect((await counted()) - countedBefore).toBe(1);
    // Still failing, and still one chain: the one the button belongs to, whose Stop the new
    // result carries.
    expect(await openChainsOf(redis, keys, CASES.nxdomain)).toEqual([chainId]);
    const second = reportsIn(harness, parentTs)[1] as PostedMessage;
    const stop = buttonsOf(second).find((b) => b.action_id === "rdns_stop") as Button;
    expect(JSON.parse(stop.value ?? "")).toEqual({ chain: chainId });
    await press(harness, second, stop, "http");
    const stopped = () =>
      harness.fake.posted.filter((m) => m.thread_ts === parentTs && m.text.includes("stopped re-checking"));
    await harness.fake.waitFor(() => stopped().length >= 1, 10_000, "who stopped it, in the thread");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stopped()).toHaveLength(1);
    expect(await openChainsOf(redis, keys, CASES.nxdomain)).toEqual([]);
  });
});

describe("Slack buttons: what is not ours", () => {
  it("a press with a forged value is answered privately, and nothing is checked", async () => {
    const harness = await start("http");
    const { report } = await checkedIntoThread(harness, CASES.pass);
    await press(
      harness,
      report,
      { action_id: "rdns_recheck", value: '{"ip":"10.0.0.1","helo":null}' },
      "http",
    );
    await harness.fake.waitFor(
      (f) => f.callsTo("chat.postEphemeral").some((c) => String(c.args.text).includes("out of date")),
      10_000,
      "the private answer",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...checks.values()].reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("an unsigned press is refused by the receiver", async () => {
    const harness = await start("http");
    const payload = blockActionsPayload({
      channel: "C0CMD",
      message: { ts: "1700000000.000001" },
      button: { action_id: "rdns_watch", value: JSON.stringify({ ip: CASES.pass }) },
      responseUrl: `${harness.fake.url}/response/press`,
    });
    const answer = await postSigned(harness.eventsUrl, interactivityForm(payload), {
      secret: "not-the-secret",
      contentType: "application/x-www-form-urlencoded",
    });
    expect(answer.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
  });
});

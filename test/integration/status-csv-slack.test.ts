// `/rdns status` cut at Slack's limit, end to end: signed slash commands into the real Bolt app,
// the engine's queues and workers checking a /26 against the DNS lab, then the status message
// posted through the Web API and the whole table uploaded by the v2 file flow
// (files.getUploadURLExternal, the bytes, files.completeUploadExternal) into its thread. The
// message and the CSV are compared with what GET /api/servers serves for the channel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackText } from "../../src/platforms/slack/escape.js";
import type { Runtime } from "../../src/runtime.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../fakes/slack/harness.js";
import { postSigned, slashCommandForm } from "../fakes/slack/requests.js";
import type { RecordedCall } from "../fakes/slack/web-api.js";
import { CASES, HOSTILE_NAME } from "../lab/zones.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./engine/support.js";
import { expectCsvMatchesRows, listedIps, RANGE, RANGE_SIZE, settledRows } from "./status-csv/support.js";

const CHANNEL = "C0CMD";
// Block Kit: a section's text holds 3,000 characters; a message's `text` 40,000 (Slack truncates).
const SECTION_LIMIT = 3000;
const TEXT_LIMIT = 40_000;

let h: SlackHarness;
let runtime: Runtime;
let prefix: string;

beforeAll(async () => {
  h = await createSlackHarness({ mode: "http" });
  const settings = labSettings("status-slack", { watchIntervalMs: 3_600_000 });
  prefix = settings.prefix;
  runtime = await startLabRuntime(settings, [h.platform]);
});

afterAll(async () => {
  await runtime?.stop();
  await h?.close();
  if (prefix !== undefined) await cleanupPrefix(prefix);
});

async function slash(text: string): Promise<void> {
  const form = slashCommandForm({ text, channel: CHANNEL, responseUrl: `${h.fake.url}/response/status` });
  const answer = await postSigned(h.eventsUrl, form, {
    secret: SIGNING_SECRET,
    contentType: "application/x-www-form-urlencoded",
  });
  expect(answer.status).toBe(200);
}

const topLevel = () => h.fake.callsTo("chat.postMessage").filter((call) => call.args.thread_ts === undefined);

function sectionText(call: RecordedCall | undefined): string {
  const blocks = call?.args.blocks as { type: string; text?: { text: string } }[] | undefined;
  expect(blocks?.length ?? 0).toBeGreaterThan(0);
  expect(blocks?.length ?? 0).toBeLessThanOrEqual(50);
  return blocks?.map((block) => block.text?.text ?? "").join("\n") ?? "";
}

describe("Slack: /rdns status of a channel watching a /26", () => {
  it("is cut within Slack's limits with the right 'N more', and the whole table is one uploaded CSV", async () => {
    await slash(`watch ${RANGE}`);
    await h.fake.waitFor(
      (f) => f.posted.some((m) => m.thread_ts === undefined),
      10_000,
      "the watch's thread",
    );
    const rows = await settledRows(runtime, prefix, `slack:${CHANNEL}`);
    expect(rows).toHaveLength(RANGE_SIZE);
    // The lab's /26 has passing, failing and could-not-tell addresses; the hostile PTR among them.
    expect(new Set(rows.map((row) => row.verdict))).toEqual(new Set(["pass", "fail", "inconclusive"]));
    expect(rows.find((row) => row.ip === CASES.hostile)?.ptr).toEqual([HOSTILE_NAME]);

    const before = topLevel().length;
    await slash("status");
    await h.fake.waitFor((f) => f.uploads.length >= 1, 20_000, "the CSV upload");
    const status = topLevel()[before];
    expect(topLevel()).toHaveLength(before + 1);
    expect(status?.args.channel).toBe(CHANNEL);

    // Within the limits, and every non-passing row either listed or counted in "N more".
    const text = sectionText(status);
    expect(text.length).toBeLessThanOrEqual(SECTION_LIMIT);
    expect(String(status?.args.text).length).toBeLessThanOrEqual(TEXT_LIMIT);
    const notPassing = rows.filter((row) => row.verdict !== "pass");
    const shown = listedIps(text.split("\n"));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(notPassing.slice(0, shown.length).map((row) => row.ip));
    const more = notPassing.length - shown.length;
    expect(more).toBeGreaterThan(0);
    expect(text).toContain(`… ${more} more: the whole table is attached as rdns-status.csv.`);
    expect(text).toContain(`${RANGE}: ${rows.filter((r) => r.verdict === "pass").length} pass`);

    // Exactly one file, in the status message's thread, through the whole v2 flow.
    expect(h.fake.uploads).toHaveLength(1);
    const [upload] = h.fake.uploads;
    expect(upload).toMatchObject({ filename: "rdns-status.csv", channel: CHANNEL });
    const statusTs = h.fake.posted.filter((m) => m.thread_ts === undefined)[before]?.ts;
    expect(upload?.threadTs).toBe(statusTs);
    expect(h.fake.callsTo("files.getUploadURLExternal")).toHaveLength(1);
    expect(h.fake.callsTo("files.completeUploadExternal")).toHaveLength(1);

    // The CSV: a header and one record per watched address, the same as GET /api/servers.
    const records = expectCsvMatchesRows(upload?.content ?? "", rows);
    expect(records.find((record) => record.ip === CASES.hostile)?.ptr).toBe(HOSTILE_NAME);
  }, 90_000);

  it("a hostile PTR name is shown inert, and an answer that fits uploads nothing", async () => {
    const uploads = h.fake.uploads.length;
    const before = topLevel().length;
    await slash(`status ${CASES.hostile}`);
    await h.fake.waitFor(() => topLevel().length > before, 20_000, "the status message");
    const text = sectionText(topLevel()[before]);
    expect(text).toContain(slackText(HOSTILE_NAME));
    expect(text).toContain("&lt;img src=x onerror=\"alert('x')\"&gt;.hostile.example.test");
    // No raw markup, no mention, special or link can form from the name.
    expect(text).not.toMatch(/<img|<[@!#]|<https?:/);
    expect(text).not.toContain("more:");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.uploads).toHaveLength(uploads);
  }, 30_000);

  it("a 429 on the upload is waited out for the upload alone: one status message, one file", async () => {
    const uploads = h.fake.uploads.length;
    const before = topLevel().length;
    h.fake.failNext("files.getUploadURLExternal", { status: 429, retryAfter: 1 });
    await slash("status");
    await h.fake.waitFor((f) => f.uploads.length > uploads, 20_000, "the CSV upload after the 429");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(topLevel()).toHaveLength(before + 1);
    expect(h.fake.uploads).toHaveLength(uploads + 1);
    const statusTs = h.fake.posted.filter((m) => m.thread_ts === undefined)[before]?.ts;
    expect(h.fake.uploads.at(-1)?.threadTs).toBe(statusTs);
    const tries = h.fake.calls.filter((call) => call.method === "files.getUploadURLExternal").slice(-2);
    expect(tries.map((call) => call.status)).toEqual([429, 200]);
  }, 30_000);

  it("an upload Slack refuses is not retried by posting again: one message, and the asker is told", async () => {
    const uploads = h.fake.uploads.length;
    const before = topLevel().length;
    const ephemeral = h.fake.callsTo("chat.postEphemeral").length;
    h.fake.failNext("files.getUploadURLExternal", { status: 200, error: "missing_scope" });
    await slash("status");
    await h.fake.waitFor(
      (f) => f.callsTo("chat.postEphemeral").length > ephemeral,
      20_000,
      "the private failure notice",
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(topLevel()).toHaveLength(before + 1);
    expect(h.fake.uploads).toHaveLength(uploads);
    const notice = String(h.fake.callsTo("chat.postEphemeral").at(-1)?.args.text);
    expect(notice).toMatch(/failed on our side \(reference [0-9a-f]{8}\)/);
  }, 30_000);
});

// `/rdns status` cut at Discord's limits, end to end: the real discord.js client against the
// loopback fake (gateway + REST), the engine's queues and workers checking a /26 against the DNS
// lab, then the deferred interaction answered with the cut table and the whole table as a
// multipart attachment (`payload_json` + `files[0]`, as @discordjs/rest sends files). The message
// and the CSV are compared with what GET /api/servers serves for the channel.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { escapeInline } from "../../src/platforms/discord/escape.js";
import { type Runtime, startRuntime } from "../../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../../src/settings.js";
import { FakeDiscord, type FakeMessage } from "../fakes/discord/index.js";
import { CASES, HOSTILE_NAME } from "../lab/zones.js";
import { until } from "../support/until.js";
import { expectCsvMatchesRows, listedIps, RANGE, RANGE_SIZE, settledRows } from "./status-csv/support.js";

const lab = inject("lab");
const logger = createLogger(process.env.TEST_LOG ?? "silent");
// Discord: message content 2,000 characters; an embed's description 4,096; all of a message's
// embeds together 6,000.
const CONTENT_LIMIT = 2000;
const DESCRIPTION_LIMIT = 4096;
const EMBEDS_TOTAL_LIMIT = 6000;

let fake: FakeDiscord;
let runtime: Runtime;
let settings: EngineSettings;

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  const config = loadConfig({
    QUEUE_PREFIX: `test-status-discord-${randomUUID().slice(0, 8)}`,
    DISCORD_TOKEN: "fake-token",
    DISCORD_API_URL: fake.apiUrl,
    LOG_LEVEL: "silent",
  });
  settings = {
    ...settingsFromConfig(config),
    check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 },
    checkRetryDelayMs: 200,
    deliveryRetryDelayMs: 200,
  };
  runtime = await startRuntime({ config, logger, bot: true, worker: true, settings });
});

afterAll(async () => {
  const keys = await runtime?.redis.keys(`${settings.prefix}:*`);
  if (keys !== undefined && keys.length > 0) await runtime.redis.del(...keys);
  await runtime?.stop();
  await fake?.stop();
});

type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[] };

function embedChars(message: FakeMessage): number {
  return (message.embeds as Embed[]).reduce(
    (sum, embed) =>
      sum +
      (embed.title?.length ?? 0) +
      (embed.description?.length ?? 0) +
      (embed.fields ?? []).reduce((n, field) => n + field.name.length + field.value.length, 0),
    0,
  );
}

const description = (message: FakeMessage) => (message.embeds as Embed[])[0]?.description ?? "";

/** The interaction's answer: the bot's message whose content is the status title. */
function statusAnswers(title: RegExp): FakeMessage[] {
  return fake.rest.botMessages(fake.generalChannelId).filter((m) => title.test(m.content));
}

describe("Discord: /rdns status of a channel watching a /26", () => {
  it("is cut within Discord's limits with the right 'N more', and carries the whole table as files[0]", async () => {
    fake.slashCommand("watch", { range: RANGE });
    await until("the watch's thread", () => [...fake.channels.values()].find((c) => c.type === 11), 20_000);
    const rows = await settledRows(runtime, settings.prefix, `discord:${fake.generalChannelId}`);
    expect(rows).toHaveLength(RANGE_SIZE);
    expect(new Set(rows.map((row) => row.verdict))).toEqual(new Set(["pass", "fail", "inconclusive"]));

    const id = fake.slashCommand("status");
    const answer = await until(
      "the status answer with its file",
      () =>
        statusAnswers(/^Status of this channel's watches:/).find(
          (m) => (m.attachments as unknown[]).length > 0,
        ),
      20_000,
    );
    expect(statusAnswers(/^Status of/)).toHaveLength(1);

    // Within the limits, and every non-passing row either listed or counted in "N more".
    expect(answer.content.length).toBeLessThanOrEqual(CONTENT_LIMIT);
    expect(description(answer).length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(embedChars(answer)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
    const text = description(answer);
    const notPassing = rows.filter((row) => row.verdict !== "pass");
    const shown = listedIps(text.split("\n"));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(notPassing.slice(0, shown.length).map((row) => row.ip));
    const more = notPassing.length - shown.length;
    expect(more).toBeGreaterThan(0);
    expect(text).toContain(`… ${more} more: the whole table is attached as rdns-status.csv.`);
    expect(answer.allowed_mentions).toMatchObject({ parse: [] });

    // One multipart request carried it: payload_json listing attachment 0, the bytes in files[0].
    const token = `token-${id}`;
    const carried = fake.rest.requests.filter(
      (r) =>
        r.path.includes(`/${token}`) && (r.body as { multipart?: unknown } | null)?.multipart !== undefined,
    );
    expect(carried).toHaveLength(1);
    const body = carried[0]?.body as {
      multipart: { fields: string[]; listed: { id: string | number; filename?: string }[] };
      attachments: { filename: string; field: string; content: string; content_type: string | null }[];
    };
    expect(body.multipart.fields).toEqual(["files[0]", "payload_json"]);
    expect(body.multipart.listed.map((a) => String(a.id))).toEqual(["0"]);
    expect(body.attachments).toHaveLength(1);
    const [file] = body.attachments;
    expect(file).toMatchObject({ filename: "rdns-status.csv", field: "files[0]" });
    expect(answer.attachments).toHaveLength(1);

    // The CSV: a header and one record per watched address, the same as GET /api/servers.
    const records = expectCsvMatchesRows(file?.content ?? "", rows);
    expect(records.find((record) => record.ip === CASES.hostile)?.ptr).toBe(HOSTILE_NAME);
  }, 90_000);

  it("a hostile PTR name is shown inert, and an answer that fits attaches nothing", async () => {
    fake.slashCommand("status", { range: CASES.hostile });
    const answer = await until(
      "the status answer",
      () => statusAnswers(new RegExp(`^Status of ${CASES.hostile.replace(/\./g, "\\.")}:`))[0],
      20_000,
    );
    const text = description(answer);
    expect(text).toContain(escapeInline(HOSTILE_NAME));
    expect(text).not.toMatch(/<[@#/]|<a?:|<t:|@everyone|@here/);
    expect(text).not.toContain("more:");
    expect(answer.attachments).toEqual([]);
    expect(answer.allowed_mentions).toMatchObject({ parse: [] });
  }, 30_000);

  it("a 429 on the answer carrying the file is retried by discord.js as the same request: one answer, one file", async () => {
    const before = statusAnswers(/^Status of this channel's watches:/).length;
    fake.rest.failNext("PATCH", /\/messages\/@original$/, 429, 1);
    const id = fake.slashCommand("status");
    const token = `token-${id}`;
    await until(
      "the status answer after the 429",
      () => statusAnswers(/^Status of this channel's watches:/).length > before,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answers = statusAnswers(/^Status of this channel's watches:/).slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.attachments).toHaveLength(1);
    const edits = fake.rest.requests.filter((r) => r.method === "PATCH" && r.path.includes(`/${token}/`));
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(
      edits.map((r) => (r.body as { attachments?: { field: string }[] }).attachments?.map((a) => a.field)),
    ).toEqual([["files[0]"], ["files[0]"]]);
  }, 30_000);
});

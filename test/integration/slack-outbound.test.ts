// The Slack sender's exactly-once posting against the fake Web API: the delivery id rides in the
// message metadata, and a retry after an unanswered attempt (client timeout after Slack accepted
// the post) finds that message instead of posting again.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_EVENT_TYPE } from "../../src/platforms/slack/delivery-lookup.js";
import { type SlackHarness, startSlackHarness } from "../fakes/slack/harness.js";
import { RecordingHandlers } from "../fakes/slack/recording-handlers.js";

const CLIENT_TIMEOUT_MS = 300;
const THREAD = "C0CMD";

let h: SlackHarness;

beforeEach(async () => {
  h = await startSlackHarness(new RecordingHandlers(), { apiTimeoutMs: CLIENT_TIMEOUT_MS });
  h.fake.tsEpochSeconds = Math.floor(Date.now() / 1000);
});

afterEach(async () => {
  await h.close();
});

describe("Slack: a delivery is posted once even when the answer is lost", () => {
  it("a reply whose answer came after the client timeout is not posted again by the retry", async () => {
    const parent = await h.platform.post(THREAD, { kind: "notice", text: "Checking 203.0.113.5" });
    const thread = parent;
    const parentTs = parent.split(":")[2];
    h.fake.delayNextAnswer("chat.postMessage", CLIENT_TIMEOUT_MS * 3);
    const message = { kind: "notice", text: "the report" } as const;
    const first = await h.platform
      .reply(thread, message, { deliveryId: "delivery-1" })
      .catch((error: unknown) => error);
    expect(first).toBeInstanceOf(Error);
    expect(h.fake.posted.filter((m) => m.thread_ts === parentTs)).toHaveLength(1); // Slack did post it

    const retried = await h.platform.reply(thread, message, { deliveryId: "delivery-1" });
    const inThread = h.fake.posted.filter((m) => m.thread_ts === parentTs);
    expect(inThread).toHaveLength(1);
    expect(inThread[0]?.metadata).toEqual({
      event_type: DELIVERY_EVENT_TYPE,
      event_payload: { delivery_id: "delivery-1" },
    });
    expect(retried).toBe(`slack:${THREAD}:${inThread[0]?.ts}`);
    const lookups = h.fake.callsTo("conversations.replies");
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.args).toMatchObject({ channel: THREAD, ts: parentTs, include_all_metadata: "true" });
  });

  it("a top-level post retried after a lost answer is found in the channel history", async () => {
    h.fake.delayNextAnswer("chat.postMessage", CLIENT_TIMEOUT_MS * 3);
    const message = { kind: "notice", text: "hello" } as const;
    await expect(h.platform.post(THREAD, message, { deliveryId: "delivery-2" })).rejects.toThrow();
    const retried = await h.platform.post(THREAD, message, { deliveryId: "delivery-2" });
    expect(h.fake.posted).toHaveLength(1);
    expect(retried).toBe(`slack:${THREAD}:${h.fake.posted[0]?.ts}`);
    expect(h.fake.callsTo("conversations.history")).toHaveLength(1);
  });

  it("looks nothing up on a first attempt or after Slack clearly refused, and posts when nothing was posted", async () => {
    const message = { kind: "notice", text: "same words" } as const;
    await h.platform.post(THREAD, message, { deliveryId: "delivery-3" });
    await h.platform.post(THREAD, message, { deliveryId: "delivery-4" });
    h.fake.failNext("chat.postMessage", { status: 200, error: "fatal_error" });
    await expect(h.platform.post(THREAD, message, { deliveryId: "delivery-5" })).rejects.toThrow();
    await h.platform.post(THREAD, message, { deliveryId: "delivery-5" });
    expect(h.fake.posted).toHaveLength(3);
    expect(h.fake.calls.filter((c) => c.method.startsWith("conversations."))).toHaveLength(0);
  });
});

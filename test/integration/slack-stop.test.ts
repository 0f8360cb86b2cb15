// stop() lets a request Slack already got its ack for finish (a slow handler's enqueue), instead
// of cutting it off: Slack will not send an acknowledged command again.
import { afterEach, describe, expect, it } from "vitest";
import { SIGNING_SECRET, type SlackHarness, startSlackHarness } from "../fakes/slack/harness.js";
import { RecordingHandlers } from "../fakes/slack/recording-handlers.js";
import { postSigned, slashCommandForm } from "../fakes/slack/requests.js";

let h: SlackHarness | undefined;

afterEach(async () => {
  await h?.close();
});

describe("Slack stop()", () => {
  it("waits for a slow command handler to finish its work", async () => {
    const handlers = new RecordingHandlers();
    handlers.commandDelayMs = 800;
    h = await startSlackHarness(handlers);
    const form = slashCommandForm({ text: "203.0.113.5", responseUrl: `${h.fake.url}/response/1` });
    const answer = await postSigned(h.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    expect(answer.status).toBe(200);
    const fake = h.fake;
    await fake.waitFor(() => handlers.commands.length === 1, 5000, "the command");
    // /readyz's question: the HTTP receiver is listening until stop().
    expect(h.platform.ready()).toBe(true);
    const stopping = Date.now();
    await h.platform.stop();
    expect(h.platform.ready()).toBe(false);
    // The handler finished (its thread is open) before stop() returned.
    expect(handlers.commands[0]?.origin).not.toBeNull();
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
    expect(Date.now() - stopping).toBeLessThan(5000);
  });
});

// The Slack adapter's Redis keys (event claims) live under QUEUE_PREFIX (as its hash tag,
// `{prefix}`), so two deployments sharing one Redis (staging, production) keep apart. (Command limits are counted by the app
// pipeline under QUEUE_PREFIX too: test/integration/platform-contract/.)
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { SIGNING_SECRET, type SlackHarness, startSlackHarness } from "../fakes/slack/harness.js";
import { RecordingHandlers } from "../fakes/slack/recording-handlers.js";
import { postSigned, slashCommandForm } from "../fakes/slack/requests.js";

const harnesses: SlackHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function deployment(queuePrefix: string) {
  const handlers = new RecordingHandlers();
  const h = await startSlackHarness(handlers, {
    env: { QUEUE_PREFIX: queuePrefix },
    keyPrefix: "configured",
  });
  harnesses.push(h);
  const command = async () => {
    const form = slashCommandForm({ text: "203.0.113.5", responseUrl: `${h.fake.url}/response/1` });
    await postSigned(h.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
  };
  return { h, handlers, command };
}

describe("Slack Redis keys", () => {
  it("are written under QUEUE_PREFIX, and two prefixes on one Redis do not share claims", async () => {
    const run = randomUUID().slice(0, 8);
    const staging = await deployment(`test-staging-${run}`);
    const production = await deployment(`test-production-${run}`);
    // Each deployment handles its own command and keeps the claim under its own prefix.
    await staging.command();
    await production.command();
    await staging.h.fake.waitFor(() => staging.handlers.commands.length === 1, 5000, "staging command");
    await production.h.fake.waitFor(
      () => production.handlers.commands.length === 1,
      5000,
      "production command",
    );
    const keys = await staging.h.redis.keys(`{test-staging-${run}}:slack:*`);
    expect(keys.some((key) => key.includes(":once:"))).toBe(true);
    expect(await production.h.redis.keys(`{test-production-${run}}:slack:*`)).not.toHaveLength(0);
  });
});

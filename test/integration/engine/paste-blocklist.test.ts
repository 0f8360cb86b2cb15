// A pasted bounce that names a blocklist: its check's report reaches the thread with that list
// named first (Origin.focusList through the de-duplication window and the check job, in Redis),
// and the list's state for the refused IP is the lab's (zen.spamhaus.org lists 192.0.2.81).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderText } from "../../../src/render/text.js";
import type { Runtime } from "../../../src/runtime.js";
import { BLOCKLIST_CASES, BLOCKLIST_ZONES } from "../../lab/zones.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

describe("a pasted blocklist bounce", () => {
  const platform = new RecordingPlatform("console");
  const base = labSettings("paste-lists");
  const settings = { ...base, check: { ...base.check, blocklists: { zones: BLOCKLIST_ZONES } } };
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("answers with the named list's state for the refused IP first", async () => {
    const ip = BLOCKLIST_CASES.sbl;
    const bounce = [
      "This is the mail system at host mail.example.test.",
      "",
      "<someone@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1",
      `    Service unavailable; Client host [${ip}] blocked using zen.spamhaus.org;`,
      `    https://check.spamhaus.org/query/ip/${ip} (in reply to RCPT TO command)`,
    ].join("\n");
    const origin = await platform.paste(bounce);
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length === 2);
    const reading = platform.in(thread).find((item) => item.message.kind === "bounce")?.message;
    expect(reading).toMatchObject({
      findings: [{ ip, category: "blocklist", blocklist: "zen.spamhaus.org" }],
    });
    const report = platform.in(thread).find((item) => item.message.kind === "report")?.message;
    expect(report).toMatchObject({
      kind: "report",
      focusList: "zen.spamhaus.org",
      report: { ip, verdict: "fail" },
    });
    if (report?.kind !== "report") throw new Error("no report");
    expect(renderText(report).split("\n")[0]).toMatch(
      /^The bounce names zen\.spamhaus\.org: for 192\.0\.2\.81 it says LISTED 127\.0\.0\.2/,
    );
  });
});

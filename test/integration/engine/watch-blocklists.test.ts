// A watched address gets listed and delisted (the lab's zen.spamhaus.org, changed at runtime):
// its thread hears "listed" naming the list and its meaning, then "delisted", once each; the
// channel's row (servers page, /api/servers, CSV, /rdns status) carries the list's state.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadSnapshot } from "../../../src/app/load-servers.js";
import { buildServerRows } from "../../../src/app/server-rows.js";
import { storeKeys } from "../../../src/keys.js";
import type { Runtime } from "../../../src/runtime.js";
import { connectLab } from "../../lab/lab.js";
import { BLOCKLIST_CASES, BLOCKLIST_ZONES, listOwner } from "../../lab/zones.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = BLOCKLIST_CASES.toggled; // PTR list94.example.test, A back; clean at start
const LIST_NAME = `${listOwner(IP)}.zen.spamhaus.org`;

describe("a watch hears listings", () => {
  const lab = inject("lab");
  const control = connectLab(lab);
  const platform = new RecordingPlatform("console");
  const base = labSettings("watch-lists", { watchIntervalMs: 1000, watchCap: 20 });
  const settings = { ...base, check: { ...base.check, blocklists: { zones: BLOCKLIST_ZONES } } };
  let runtime: Runtime;

  beforeAll(async () => {
    await control.removeRecord(LIST_NAME).catch(() => {});
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await control.removeRecord(LIST_NAME).catch(() => {});
    await cleanupPrefix(settings.prefix);
  });

  it("listed, then delisted, once each, with the row's state", async () => {
    const origin = await platform.command(["watch", IP], "C-lists");
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length === 1, 15_000);
    expect(platform.in(thread)[0]?.message).toMatchObject({ kind: "watch-baseline", pass: 1 });
    const changes = () =>
      platform
        .in(thread)
        .slice(1)
        .map((item) => (item.message.kind === "watch-change" ? item.message : null));

    await control.setRecord(LIST_NAME, "A", "127.0.0.2", { replace: true });
    await platform.waitFor(() => changes().length === 1, 25_000);
    expect(changes()[0]).toMatchObject({ change: "listed", lists: ["zen.spamhaus.org"] });
    expect(changes()[0]?.report.verdict).toBe("fail");

    const rows = buildServerRows(
      await loadSnapshot({ redis: runtime.redis, keys: storeKeys(settings.prefix) }),
    );
    const row = rows.find((candidate) => candidate.ip === IP);
    expect(row?.blocklists).toContainEqual({
      zone: "zen.spamhaus.org",
      status: "listed",
      codes: ["127.0.0.2"],
    });

    await control.removeRecord(LIST_NAME);
    await platform.waitFor(() => changes().length === 2, 25_000);
    expect(changes()[1]).toMatchObject({ change: "delisted", lists: ["zen.spamhaus.org"] });
    await new Promise((resolve) => setTimeout(resolve, 2500)); // more runs: silence
    expect(changes().map((message) => message?.change)).toEqual(["listed", "delisted"]);
  });
});

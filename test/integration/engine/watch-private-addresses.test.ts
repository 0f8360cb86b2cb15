// Issue 28 point 1 through the whole engine (real Redis, workers and the DNS lab): a watched
// address's HELO name moves to a private address (changed in the lab at runtime), and the watch's
// thread hears that it broke, on a HELO that "resolves to a private address", never the address; a one-off
// check of a PTR name resolving inside, and a host name resolving only inside, say nothing of
// the addresses either. What every platform renders comes from these messages.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderText } from "../../../src/render/text.js";
import type { Runtime } from "../../../src/runtime.js";
import { connectLab } from "../../lab/lab.js";
import { CASES, PRIVATE_NAMES } from "../../lab/zones.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = CASES.pass; // PTR mail.example.test, A back to it
const HELO = "helo-inside.example.test"; // this file's own name: A IP at start, then 10.1.2.3
const INSIDE = /10\.1\.2\.3|169\.254\.169\.254|fd00::1|127\.0\.0\.1(?!:\d)/;

describe("watch notices and chat answers never show inside addresses", () => {
  const lab = inject("lab");
  const control = connectLab(lab);
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watch-private", { watchIntervalMs: 1000, watchCap: 20 });
  let runtime: Runtime;

  /** Everything posted so far, as the messages and as the console renders them. */
  const everything = () =>
    platform.posted.map((item) => `${JSON.stringify(item.message)}\n${renderText(item.message)}`).join("\n");

  beforeAll(async () => {
    await control.setRecord(HELO, "A", IP, { replace: true });
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await control.removeRecord(HELO, "A").catch(() => {});
    await cleanupPrefix(settings.prefix);
  });

  it("a watch whose HELO name moves inside hears 'a private address'", async () => {
    const origin = await platform.command(["watch", IP, HELO], "C-inside");
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length === 1, 15_000);
    expect(platform.in(thread)[0]?.message).toMatchObject({ kind: "watch-baseline", pass: 1 });

    await control.setRecord(HELO, "A", "10.1.2.3", { replace: true });
    const change = () => platform.in(thread).find((item) => item.message.kind === "watch-change")?.message;
    await platform.waitFor(() => change() !== undefined, 25_000);
    const notice = change();
    // The verdict goes from pass to fail: "broke" (a HELO-only change would be "helo-broke").
    expect(notice).toMatchObject({ kind: "watch-change", change: "broke" });
    const problems = notice?.kind === "watch-change" ? notice.report.problems : [];
    expect(problems.find((problem) => problem.code === "HELO_IP_MISMATCH")?.message).toContain(
      `HELO ${HELO} resolves to a private address, not ${IP}`,
    );
    expect(everything()).not.toMatch(INSIDE);
  });

  it("a one-off check and a host name resolving inside", async () => {
    const origin = await platform.command([CASES.privateForward], "C-oneoff");
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).some((item) => item.message.kind === "report"), 20_000);
    expect(renderText(platform.in(thread)[0]?.message ?? { kind: "notice", text: "" })).toContain(
      `FCrDNS    fail: ${PRIVATE_NAMES.inside} -> 3 private addresses (not ${CASES.privateForward})`,
    );
    await platform.command([PRIVATE_NAMES.inside], "C-name");
    await platform.waitFor(() => platform.posted.some((item) => item.op === "private"), 10_000);
    expect(everything()).toContain("resolves only to 4 non-public addresses");
    expect(everything()).not.toMatch(INSIDE);
  });
});

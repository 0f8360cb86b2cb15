// The buttons on check results: which messages carry them, how Slack values and Discord custom
// ids encode what a press needs, and that anything else read back is refused, not guessed at.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { customIdFor, readCustomId } from "../../../src/platforms/discord/buttons.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { readSlackButton, slackActionsBlock } from "../../../src/platforms/slack/buttons.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { buttonsFor } from "../../../src/render/buttons.js";
import { makeReport } from "../../fixtures/check-report.js";

const report = makeReport();

describe("which messages carry buttons", () => {
  it("every check result offers Re-check now and Watch this IP; notices offer none", () => {
    for (const message of [
      { kind: "verdict", report },
      { kind: "report", report },
      { kind: "cleared", report, elapsedSeconds: 60, rechecks: 1 },
      { kind: "still-failing", report, elapsedSeconds: 60, rechecks: 1 },
    ] as OutboundMessage[]) {
      expect(
        buttonsFor(message)
          .map((b) => b.kind)
          .slice(0, 2),
      ).toEqual(["recheck", "watch"]);
    }
    expect(
      buttonsFor({ kind: "watch-change", target: report.ip, change: "broke", report, previousNames: [] }),
    ).toEqual([{ kind: "recheck", ip: report.ip, helo: "mail.example.test", chainId: null }]);
    for (const message of [
      { kind: "notice", text: "hi" },
      { kind: "checking", ip: report.ip, helo: null },
      { kind: "not-queued", ip: report.ip },
    ] as OutboundMessage[]) {
      expect(buttonsFor(message)).toEqual([]);
    }
  });

  it("a chain's notice (fixed at the authority) carries the chain's buttons on Slack and Discord", () => {
    const chainId = "chk-203.0.113.5-1";
    const notice: OutboundMessage = {
      kind: "notice",
      text: "Fixed at the authority: ...",
      chain: { ip: "203.0.113.5", helo: null, chainId },
    };
    expect(buttonsFor(notice)).toEqual([
      { kind: "recheck", ip: "203.0.113.5", helo: null, chainId },
      { kind: "watch", ip: "203.0.113.5" },
      { kind: "stop", chainId },
    ]);
    const slack = renderSlackMessage(notice).blocks.at(-1) as {
      type: string;
      elements: { action_id: string }[];
    };
    expect(slack.type).toBe("actions");
    expect(slack.elements.map((element) => element.action_id)).toEqual([
      "rdns_recheck",
      "rdns_watch",
      "rdns_stop",
    ]);
    const row = renderMessage(notice)[0]?.components?.[0];
    expect(row?.components.map((c) => c.custom_id)).toEqual([
      `rdns:recheck:${chainId}`,
      "rdns:watch:203.0.113.5",
      `rdns:stop:${chainId}`,
    ]);
  });

  it("Stop re-checking only while the result's chain is open; re-check then names the chain on Discord", () => {
    const chainId = "chk-203.0.113.5-4c1d2b7e-52a1-4a3e-9d7e-0b1c2d3e4f50";
    expect(buttonsFor({ kind: "report", report, chainId }).map((b) => b.kind)).toEqual([
      "recheck",
      "watch",
      "stop",
    ]);
    expect(buttonsFor({ kind: "report", report, chainId: null }).map((b) => b.kind)).toEqual([
      "recheck",
      "watch",
    ]);
    const failing = { kind: "still-failing", report, elapsedSeconds: 60, rechecks: 2, chainId } as const;
    expect(buttonsFor(failing).map((b) => b.kind)).toContain("stop");
    expect(buttonsFor({ ...failing, final: true }).map((b) => b.kind)).not.toContain("stop");
    const row = renderMessage({ kind: "verdict", report, chainId })[0]?.components?.[0];
    expect(row?.components.map((c) => [c.custom_id, c.style])).toEqual([
      [`rdns:recheck:${chainId}`, 1],
      ["rdns:watch:203.0.113.5", 2],
      [`rdns:stop:${chainId}`, 4],
    ]);
    const slack = renderSlackMessage({ kind: "verdict", report, chainId }).blocks.at(-1) as {
      elements: { action_id: string; value: string; style?: string }[];
    };
    expect(slack.elements.at(-1)).toMatchObject({ action_id: "rdns_stop", style: "danger" });
    expect(JSON.parse(slack.elements.at(-1)?.value ?? "")).toEqual({ chain: chainId });
  });

  it("a HELO that is not a host name or address literal never rides in a button: no re-check button", () => {
    const hostile = makeReport({ helo: { ...report.helo, name: "x <!channel>\n" } as typeof report.helo });
    expect(buttonsFor({ kind: "report", report: hostile }).map((b) => b.kind)).toEqual(["watch"]);
    const literal = makeReport({
      helo: { ...report.helo, name: "[IPv6:2001:db8::1]" } as typeof report.helo,
    });
    expect(buttonsFor({ kind: "report", report: literal })[0]).toMatchObject({ helo: "[IPv6:2001:db8::1]" });
  });

  it("Slack: the actions block comes last with the action ids; Discord: one row on the last payload", () => {
    const slack = renderSlackMessage({ kind: "report", report });
    const actions = slack.blocks.at(-1);
    expect(actions).toMatchObject({ type: "actions", block_id: "rdns_actions" });
    const ids = (actions as { elements: { action_id: string }[] }).elements.map((e) => e.action_id);
    expect(ids).toEqual(["rdns_recheck", "rdns_watch"]);
    const discord = renderMessage({ kind: "report", report });
    for (const payload of discord.slice(0, -1)) expect(payload.components).toBeUndefined();
    const row = discord.at(-1)?.components?.[0];
    expect(row?.components.map((c) => c.custom_id)).toEqual([
      "rdns:recheck:203.0.113.5/mail.example.test",
      "rdns:watch:203.0.113.5",
    ]);
    expect(renderMessage({ kind: "notice", text: "hi" })[0]?.components).toBeUndefined();
  });
});

describe("Slack values", () => {
  it("read back what they carry", () => {
    const block = slackActionsBlock([
      { kind: "recheck", ip: "2001:db8::25", helo: "mail.example.test", chainId: null },
      { kind: "watch", ip: "2001:db8::25" },
      { kind: "stop", chainId: "chk-2001_db8__25-0b1c" },
    ]);
    const read = block?.elements.map((e) =>
      readSlackButton((e as { action_id: string }).action_id, (e as { value?: string }).value),
    );
    expect(read).toEqual([
      { kind: "recheck", target: { ip: "2001:db8::25", helo: "mail.example.test" } },
      { kind: "watch", ip: "2001:db8::25" },
      { kind: "stop", chainId: "chk-2001_db8__25-0b1c" },
    ]);
  });

  it("refuse what we never wrote: other ids, broken JSON, extra or wrong fields, oversized values", () => {
    expect(readSlackButton("rdns_other", '{"ip":"203.0.113.5"}')).toBeNull();
    expect(readSlackButton("rdns_watch", undefined)).toBeNull();
    expect(readSlackButton("rdns_watch", "{ip:")).toBeNull();
    expect(readSlackButton("rdns_watch", '{"ip":"203.0.113.5","x":1}')).toBeNull();
    expect(readSlackButton("rdns_recheck", '{"ip":"203.0.113.5"}')).toBeNull();
    expect(readSlackButton("rdns_stop", '{"chain":"../../etc"}')).toBeNull();
    expect(readSlackButton("rdns_stop", '{"chain":"a b"}')).toBeNull();
    expect(readSlackButton("rdns_watch", JSON.stringify({ ip: "1".repeat(3000) }))).toBeNull();
  });
});

describe("Discord custom ids", () => {
  it("read back what they carry, IPv6 and HELO included, within 100 characters", () => {
    const specs = [
      { kind: "recheck", ip: "2001:db8::25", helo: "mail.example.test", chainId: null },
      { kind: "recheck", ip: "203.0.113.5", helo: null, chainId: null },
      { kind: "recheck", ip: "203.0.113.5", helo: null, chainId: "chk-203.0.113.5-1f0e" },
      { kind: "watch", ip: "2001:db8::25" },
      { kind: "stop", chainId: "chk-203.0.113.5-1f0e" },
    ] as const;
    expect(specs.map((spec) => readCustomId(customIdFor(spec) as string))).toEqual([
      { kind: "recheck", target: { ip: "2001:db8::25", helo: "mail.example.test" } },
      { kind: "recheck", target: { ip: "203.0.113.5", helo: null } },
      { kind: "recheck", target: { chainId: "chk-203.0.113.5-1f0e" } },
      { kind: "watch", ip: "2001:db8::25" },
      { kind: "stop", chainId: "chk-203.0.113.5-1f0e" },
    ]);
  });

  it("a button whose id would pass 100 characters is left out, never cut", () => {
    const helo = `${"a".repeat(60)}.example.test`;
    const ip = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff";
    expect(customIdFor({ kind: "recheck", ip, helo, chainId: null })).toBeNull();
    const payloads = renderMessage({
      kind: "report",
      report: makeReport({ ip, helo: { ...report.helo, name: helo } as typeof report.helo }),
    });
    expect(payloads.at(-1)?.components?.[0]?.components.map((c) => c.custom_id)).toEqual([
      `rdns:watch:${ip}`,
    ]);
    fc.assert(
      fc.property(fc.ipV6(), fc.domain(), (address, name) => {
        const id = customIdFor({ kind: "recheck", ip: address, helo: name, chainId: null });
        if (id === null) return;
        expect(id.length).toBeLessThanOrEqual(100);
        expect(readCustomId(id)).toEqual({ kind: "recheck", target: { ip: address, helo: name } });
      }),
    );
  });

  it("refuse what we never wrote", () => {
    for (const id of [
      "other:recheck:203.0.113.5",
      "rdns:recheck:",
      "rdns:recheck:203.0.113.5/",
      "rdns:watch:not-an-ip",
      "rdns:stop:a b",
      "rdns:explode:1",
      `rdns:stop:${"a".repeat(120)}`,
    ]) {
      expect(readCustomId(id), id).toBeNull();
    }
  });
});

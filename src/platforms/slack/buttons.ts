// Block Kit buttons for check results, and reading them back. Each button's `action_id` says what
// it does (rdns_recheck, rdns_watch, rdns_stop) and its `value` carries what that needs, as small
// JSON: {"ip","helo"} to re-check, {"ip"} to watch, {"chain"} to stop. Slack returns the value
// as we wrote it, but it is read back as untrusted input: bounded, parsed with a schema, and the
// app checks the IP, HELO and chain again before acting.
// Limits (api.slack.com/reference/block-kit/block-elements#button): action_id 255, value 2000,
// text 75 characters; at most 25 elements in an actions block.
import type { types as SlackTypes } from "@slack/bolt";
import { z } from "zod";
import type { ButtonAction } from "../../chat/types.js";
import { BUTTON_LABELS, type ButtonSpec } from "../../render/buttons.js";

export const SLACK_ACTION_IDS = {
  recheck: "rdns_recheck",
  watch: "rdns_watch",
  stop: "rdns_stop",
} as const;

/** Matches every action id above (Bolt's app.action route). */
export const SLACK_ACTION_PATTERN = /^rdns_(recheck|watch|stop)$/;

export const SLACK_ACTIONS_BLOCK_ID = "rdns_actions";

const MAX_VALUE = 2000;

/** Longest IPv6 text form with an embedded IPv4; a HELO is a name (253) or an address literal. */
const ip = z.string().min(2).max(45);
const helo = z.string().min(1).max(260);
const chain = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/);

const VALUES = {
  recheck: z.strictObject({ ip, helo: helo.nullable() }),
  watch: z.strictObject({ ip }),
  stop: z.strictObject({ chain }),
};

function value(spec: ButtonSpec): string {
  if (spec.kind === "recheck") return JSON.stringify({ ip: spec.ip, helo: spec.helo });
  if (spec.kind === "watch") return JSON.stringify({ ip: spec.ip });
  return JSON.stringify({ chain: spec.chainId });
}

/** One actions block with a button per spec; null when there are none (or a value would not fit). */
export function slackActionsBlock(specs: ButtonSpec[]): SlackTypes.ActionsBlock | null {
  const elements: SlackTypes.Button[] = [];
  for (const spec of specs) {
    const encoded = value(spec);
    if (encoded.length > MAX_VALUE) continue;
    elements.push({
      type: "button",
      action_id: SLACK_ACTION_IDS[spec.kind],
      text: { type: "plain_text", text: BUTTON_LABELS[spec.kind], emoji: false },
      value: encoded,
      ...(spec.kind === "stop" ? { style: "danger" as const } : {}),
    });
  }
  return elements.length === 0 ? null : { type: "actions", block_id: SLACK_ACTIONS_BLOCK_ID, elements };
}

/** A pressed button's action id and value back into what it asks for; null when unreadable. */
export function readSlackButton(actionId: string, raw: string | undefined): ButtonAction | null {
  const kind = SLACK_ACTION_PATTERN.exec(actionId)?.[1] as keyof typeof VALUES | undefined;
  if (kind === undefined || raw === undefined || raw.length > MAX_VALUE) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  if (kind === "recheck") {
    const parsed = VALUES.recheck.safeParse(json);
    return parsed.success ? { kind, target: { ip: parsed.data.ip, helo: parsed.data.helo } } : null;
  }
  if (kind === "watch") {
    const parsed = VALUES.watch.safeParse(json);
    return parsed.success ? { kind, ip: parsed.data.ip } : null;
  }
  const parsed = VALUES.stop.safeParse(json);
  return parsed.success ? { kind, chainId: parsed.data.chain } : null;
}

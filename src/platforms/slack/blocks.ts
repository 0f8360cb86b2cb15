// Block Kit building blocks and Slack's limits (api.slack.com/reference/block-kit/blocks): 50
// blocks per message, 3000 characters per section text, 150 per header. Every mrkdwn text object
// is `verbatim: true` (no auto-linking).
import type { types as SlackTypes } from "@slack/bolt";
import { truncateMrkdwn } from "./escape.js";

export type SlackBlock = SlackTypes.KnownBlock;

export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_HEADER_TEXT = 150;

export function mrkdwn(text: string): SlackTypes.MrkdwnElement {
  return { type: "mrkdwn", text, verbatim: true };
}

export function section(text: string): SlackBlock {
  return { type: "section", text: mrkdwn(truncateMrkdwn(text, MAX_SECTION_TEXT)) };
}

export function header(text: string): SlackBlock {
  const cut = text.length > MAX_HEADER_TEXT ? `${text.slice(0, MAX_HEADER_TEXT - 1)}…` : text;
  return { type: "header", text: { type: "plain_text", text: cut, emoji: true } };
}

export function context(text: string): SlackBlock {
  return { type: "context", elements: [mrkdwn(truncateMrkdwn(text, MAX_SECTION_TEXT))] };
}

/** Keeps a message within 50 blocks: the tail is replaced by a note saying how much was left out. */
export function limitBlocks(blocks: SlackBlock[], max: number = MAX_BLOCKS): SlackBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [
    ...kept,
    context(`… ${blocks.length - kept.length} more sections left out (Slack shows at most 50).`),
  ];
}

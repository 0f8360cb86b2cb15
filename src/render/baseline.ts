// A watch's baseline (the "watch-baseline" message) as lines of text, with the escaping and
// markup each platform brings: the plain-text renderer, Block Kit and Discord embeds all build
// their message from these lines, so the three say the same thing.
import type { BaselineLine, OutboundMessage } from "../chat/types.js";

export type BaselineMessage = Extract<OutboundMessage, { kind: "watch-baseline" }>;

/** How a platform writes untrusted text inline, and bold. */
export interface BaselineMarkup {
  inline(text: string): string;
  bold(text: string): string;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** "Baseline of 203.0.113.0/24: 250 pass, 4 fail, 2 could not be told." */
export function baselineTitle(message: BaselineMessage, markup: BaselineMarkup): string {
  const total = message.pass + message.fail + message.inconclusive;
  return `Baseline of ${markup.inline(message.target)} (${plural(total, "address", "addresses")}): ${message.pass.toLocaleString("en-US")} pass, ${message.fail.toLocaleString("en-US")} fail, ${message.inconclusive.toLocaleString("en-US")} could not be told`;
}

/** One non-passing address: its PTR and its problem. */
export function baselineLineText(line: BaselineLine, markup: BaselineMarkup): string {
  const ptr = line.ptr.length === 0 ? "no PTR name" : `PTR ${line.ptr.map(markup.inline).join(", ")}`;
  const verdict = line.verdict === "inconclusive" ? "could not tell" : "fails";
  const problem = line.problem === null ? "" : `${markup.bold(line.problem)}: `;
  return `${markup.inline(line.ip)} ${verdict}: ${ptr}; ${problem}${markup.inline(line.detail)}`;
}

/** "NO_PTR: 40 addresses (203.0.113.1, 203.0.113.2, …)" */
export function baselineGroupText(group: BaselineMessage["groups"][number], markup: BaselineMarkup): string {
  const more = group.count > group.ips.length ? ", …" : "";
  return `${markup.bold(group.problem)}: ${plural(group.count, "address", "addresses")} (${group.ips.map(markup.inline).join(", ")}${more})`;
}

/** The lines after the title: groups (when there are many), then the listed addresses. */
export function baselineBody(message: BaselineMessage, markup: BaselineMarkup): string[] {
  const nonPassing = message.fail + message.inconclusive;
  if (nonPassing === 0) return ["Every address passes."];
  const lines: string[] = [];
  if (message.groups.length > 0) {
    lines.push("By problem:", ...message.groups.map((group) => `• ${baselineGroupText(group, markup)}`));
    lines.push(`The first ${message.lines.length} that do not pass:`);
  } else {
    lines.push("Not passing:");
  }
  lines.push(...message.lines.map((line) => `• ${baselineLineText(line, markup)}`));
  if (message.unlisted > 0)
    lines.push(`… and ${plural(message.unlisted, "more address", "more addresses")} not listed.`);
  return lines;
}

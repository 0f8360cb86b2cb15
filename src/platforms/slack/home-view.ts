// The App Home tab's blocks (docs/chat-commands.md "App Home"): a summary (counts, last run), a
// link to the servers page, then the addresses that do not pass, failing first, one section each
// with a Re-check button. A Home view holds at most 100 blocks (Block Kit, "Views: home tab"):
// what does not fit is summed up in one line that points to the servers page.
import type { types as SlackTypes } from "@slack/bolt";
import type { HomeRow, HomeView } from "../../chat/types.js";
import { formatDuration } from "../../render/duration.js";
import { context, header, type SlackBlock, section } from "./blocks.js";
import { inlineCode, slackText } from "./escape.js";

/** Block Kit's limit for a Home tab view. */
export const MAX_HOME_BLOCKS = 100;
export const HOME_RECHECK_ACTION = "rdns_home_recheck";
export const HOME_SERVERS_ACTION = "rdns_home_servers";

const WORDS: Record<HomeRow["verdict"], string> = {
  fail: "failing",
  inconclusive: "could not tell",
  pending: "not checked yet",
  pass: "passing",
};

function summary(view: HomeView): string {
  const { counts } = view;
  const when = view.lastRun === null ? "no run yet" : `last run ${slackText(view.lastRun)}`;
  return (
    `*${view.addresses}* watched addresses in *${view.channels.length}* of your channels: ` +
    `*${counts.fail}* failing, ${counts.inconclusive} could not tell, ${counts.pending} not checked yet, ` +
    `${counts.pass} passing. ${when}.`
  );
}

/** The watch's own pace and a maintenance window still running (`/rdns watch ... every`, `/rdns mute`). */
function paceNotes(row: HomeRow, now: string): string {
  const notes: string[] = [];
  if (row.everySeconds !== null) notes.push(`every ${formatDuration(row.everySeconds)}`);
  if (row.mutedUntil !== null && row.mutedUntil > now)
    notes.push(`muted until ${row.mutedUntil.slice(0, 16).replace("T", " ")} UTC`);
  return notes.length === 0 ? "" : `, ${notes.join(", ")}`;
}

function rowBlock(row: HomeRow, now: string): SlackBlock {
  const problems = row.problems.length === 0 ? "" : `: ${row.problems.map(inlineCode).join(", ")}`;
  const block: SlackTypes.SectionBlock = {
    type: "section",
    text: {
      type: "mrkdwn",
      verbatim: true,
      text: `${inlineCode(row.ip)} ${WORDS[row.verdict]} in <#${row.channel}> (watch ${inlineCode(row.watch)}${paceNotes(row, now)})${problems}`,
    },
    accessory: {
      type: "button",
      action_id: HOME_RECHECK_ACTION,
      text: { type: "plain_text", text: "Re-check", emoji: false },
      value: JSON.stringify({ ip: row.ip, helo: row.helo }),
    },
  };
  return block;
}

/** The Home's blocks, at most MAX_HOME_BLOCKS. Pure. */
export function homeBlocks(view: HomeView, serversUrl: string | null, now = new Date()): SlackBlock[] {
  const blocks: SlackBlock[] = [header("Watched addresses"), section(summary(view))];
  if (serversUrl !== null) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: HOME_SERVERS_ACTION,
          text: { type: "plain_text", text: "Open the servers page", emoji: false },
          url: serversUrl,
        },
      ],
    });
  }
  if (view.channels.length === 0) {
    blocks.push(
      section("None of the channels you are in watches an address. `/rdns watch <ip|range>` starts one."),
    );
    return blocks;
  }
  blocks.push({ type: "divider" });
  // One block is kept for the line that sums up what did not fit.
  const room = MAX_HOME_BLOCKS - blocks.length - 1;
  const shown = view.rows.slice(0, room);
  blocks.push(...shown.map((row) => rowBlock(row, now.toISOString())));
  const left = view.rows.length - shown.length + view.unlisted;
  if (left > 0) {
    blocks.push(
      context(
        `… and ${left} more not passing${serversUrl === null ? "" : ": the servers page lists them all"} (\`/rdns status\` in a channel shows its own).`,
      ),
    );
  } else if (shown.length === 0) {
    blocks.push(section("Every watched address passes."));
  }
  return blocks;
}

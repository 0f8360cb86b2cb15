// `/rdns mute <ip or range> <duration>`: a maintenance window for one of the channel's watches
// (src/app/mute.ts). Runs go on; notices wait and are summed up in the watch's thread when it
// ends. `off` ends it now.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { durationWords, MUTE_BOUNDS, parseDuration } from "../src/app/durations.js";
import { muteWatch } from "../src/app/mute.js";
import { parseWatchTarget, WATCHED_TARGET_OPTION } from "../src/app/targets.js";

export default {
  name: "mute",
  summary:
    "hold a watch's notices for a maintenance window (1m to 7d, or off); they are summed up when it ends",
  dnsWork: false,
  changesWatches: true,
  options: [
    WATCHED_TARGET_OPTION,
    {
      name: "duration",
      kind: "duration",
      required: true,
      description: "How long, 1m to 7d, e.g. 2h; off ends the window now",
      minLength: 2,
      maxLength: 16,
    },
  ],
  examples: [{ range: "203.0.113.0/28", duration: "2h" }],
  async run({ ctx, request, respond, options, example }) {
    const text = options.range ?? "";
    const parsed = parseWatchTarget(text);
    const label = parsed.ok ? parsed.value.label : text.trim();
    const off = (options.duration ?? "").trim().toLowerCase() === "off";
    const window = off ? null : parseDuration(options.duration ?? "", MUTE_BOUNDS);
    if (window !== null && !window.ok) {
      await refuse(respond, window.problem, example);
      return;
    }
    const result = await muteWatch(ctx, {
      platform: request.platform,
      channel: request.channel,
      target: label,
      durationMs: window === null ? null : window.ms,
    });
    if (result.status === "not-watched") {
      const list = result.watching.length === 0 ? "nothing" : result.watching.join(", ");
      await refuse(respond, `this channel does not watch ${label} (it watches ${list})`, example);
      return;
    }
    const said =
      result.status === "unmuted"
        ? `${label} is no longer muted; what changed while it was is summed up in its thread.`
        : `${label} is muted for ${durationWords(window?.ok ? window.ms : 0)} (until ${result.until.slice(0, 16).replace("T", " ")} UTC): its checks go on, and what changes is summed up in its thread when the window ends.`;
    await respond.replyPublicly({ kind: "notice", text: said });
  },
} satisfies Command;

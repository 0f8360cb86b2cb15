// `/rdns unwatch <ip or range>`: stop watching (src/app/unwatch.ts); an IP's scheduler goes when
// no channel watches it.
import type { Command } from "../src/app/command.js";
import { oneArgument, refuse } from "../src/app/command-args.js";
import { parseWatchTarget, WATCHED_TARGET_OPTION } from "../src/app/targets.js";
import { unwatch } from "../src/app/unwatch.js";

const example = "/rdns unwatch 203.0.113.0/28";

export default {
  name: "unwatch",
  summary: "stop watching an IP or range",
  dnsWork: false,
  changesWatches: true,
  options: [WATCHED_TARGET_OPTION],
  examples: [{ range: "203.0.113.0/28" }],
  async run({ ctx, request, respond, args }) {
    const text = await oneArgument(args, respond, "name the IP or range to stop watching", example);
    if (text === null) return;
    const parsed = parseWatchTarget(text);
    const label = parsed.ok ? parsed.value.label : text.trim();
    const result = await unwatch(ctx, {
      platform: request.platform,
      channel: request.channel,
      target: label,
    });
    if (result.removed === null) {
      const list = result.watching.length === 0 ? "nothing" : result.watching.join(", ");
      await refuse(respond, `this channel does not watch ${label} (it watches ${list})`, example);
      return;
    }
    await respond.replyPublicly({ kind: "notice", text: `Stopped watching ${result.removed.target}.` });
  },
} satisfies Command;

// `/rdns unwatch <ip or range>`: stop watching; the IP's scheduler goes when no channel watches it.
import type { Command } from "../src/app/command.js";
import { oneArgument, refuse } from "../src/app/command-args.js";
import { MAX_ADDRESS, parseWatchTarget } from "../src/app/targets.js";
import { dropWatchSchedulerIfUnwatched } from "../src/queue/watch-schedulers.js";
import { channelKey, listWatches, removeWatch } from "../src/store/watches.js";

const example = "/rdns unwatch 203.0.113.0/28";

export default {
  name: "unwatch",
  summary: "stop watching an IP or range",
  options: [
    {
      name: "range",
      kind: "range",
      required: true,
      description: "The IP or range as it was watched, e.g. 203.0.113.0/28",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
  ],
  examples: [{ range: "203.0.113.0/28" }],
  async run({ ctx, request, respond, args }) {
    const text = await oneArgument(args, respond, "name the IP or range to stop watching", example);
    if (text === null) return;
    const parsed = parseWatchTarget(text);
    const label = parsed.ok ? parsed.value.label : text.trim();
    const channel = channelKey(request.platform, request.channel);
    const { removed, unwatchedIps } = await removeWatch(ctx.redis, ctx.keys, channel, label);
    if (removed === null) {
      const watches = await listWatches(ctx.redis, ctx.keys, channel);
      const list = watches.length === 0 ? "nothing" : watches.map((watch) => watch.target).join(", ");
      await refuse(respond, `this channel does not watch ${label} (it watches ${list})`, example);
      return;
    }
    for (const ip of unwatchedIps) {
      await dropWatchSchedulerIfUnwatched(
        ctx.redis,
        ctx.keys,
        ctx.queues.check,
        ip,
        ctx.settings.watchIntervalMs,
      );
    }
    await respond.replyPublicly({ kind: "notice", text: `Stopped watching ${removed.target}.` });
  },
} satisfies Command;

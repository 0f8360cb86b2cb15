// `/rdns watch <ip or range>`: the channel follows an IP or a small range (src/app/watch.ts stores
// it and schedules its checks); changes go to the thread this command opens.
import type { Command } from "../src/app/command.js";
import { oneArgument, refuse } from "../src/app/command-args.js";
import { MAX_ADDRESS, parseWatchTarget } from "../src/app/targets.js";
import { watch } from "../src/app/watch.js";

const example = "/rdns watch 203.0.113.0/28";

function every(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? "every hour" : `every ${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? "every minute" : `every ${ms / 60_000} minutes`;
  return `every ${Math.round(ms / 1000)} s`;
}

export default {
  name: "watch",
  summary: "watch an IP or a range (up to /24, IPv6 /120) and hear when one breaks, recovers or changes name",
  options: [
    {
      name: "range",
      kind: "range",
      required: true,
      description: "An IP or CIDR range, e.g. 203.0.113.0/28",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
  ],
  examples: [{ range: "203.0.113.0/28" }, { range: "2001:db8::25" }],
  async run({ ctx, request, respond, args }) {
    const text = await oneArgument(args, respond, "watch one IP or one range at a time", example);
    if (text === null) return;
    const parsed = parseWatchTarget(text);
    if (!parsed.ok) {
      await refuse(respond, parsed.problem, example);
      return;
    }
    const target = parsed.value;
    const count = target.ips.length === 1 ? "" : ` (${target.ips.length} addresses)`;
    // The service stores the watch and its schedulers first, and calls this only then.
    const announce = () =>
      respond.openThread({
        kind: "notice",
        text: `Watching ${target.label}${count} ${every(ctx.settings.watchIntervalMs)}. This thread hears when one breaks, recovers or its PTR name changes.`,
      });
    const result = await watch(
      ctx,
      { platform: request.platform, channel: request.channel, user: request.user, target },
      announce,
    );
    if (result.status === "cap") {
      await refuse(
        respond,
        `this channel watches ${result.watched} addresses and may watch at most ${result.cap}; unwatch something first`,
        "/rdns watches",
      );
    } else if (result.status === "exists") {
      const repaired =
        result.repaired.length === 0
          ? ""
          : ` Its schedule was missing for ${result.repaired.length === 1 ? result.repaired[0] : `${result.repaired.length} addresses`} and runs again.`;
      await respond.replyPrivately({
        kind: "notice",
        text: `This channel already watches ${target.label}.${repaired}`,
      });
    }
  },
} satisfies Command;

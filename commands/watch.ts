// `/rdns watch <ip or range>`: the channel follows an IP or a small range. Each watched IP gets a
// BullMQ job scheduler (shared by every channel watching it); changes go to this watch's thread.
import type { Command } from "../src/app/command.js";
import { oneArgument, refuse } from "../src/app/command-args.js";
import { MAX_ADDRESS, parseWatchTarget } from "../src/app/targets.js";
import { watchSchedulerId } from "../src/queue/ids.js";
import { newCheckJob } from "../src/queue/jobs.js";
import { addWatch, channelKey, listWatches } from "../src/store/watches.js";

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
    const channel = channelKey(request.platform, request.channel);
    const { redis, keys, settings, queues } = ctx;
    // Refuse before opening a thread; addWatch checks again atomically.
    const existing = await listWatches(redis, keys, channel);
    if (existing.some((watch) => watch.target === target.label)) {
      await respond.replyPrivately({ kind: "notice", text: `This channel already watches ${target.label}.` });
      return;
    }
    const watched = new Set(existing.flatMap((watch) => watch.ips));
    const after = new Set([...watched, ...target.ips]).size;
    if (after > settings.watchCap) {
      await refuse(
        respond,
        `this channel watches ${watched.size} addresses and may watch at most ${settings.watchCap}; unwatch something first`,
        "/rdns watches",
      );
      return;
    }
    const count = target.ips.length === 1 ? "" : ` (${target.ips.length} addresses)`;
    const origin = await respond.openThread({
      kind: "notice",
      text: `Watching ${target.label}${count} ${every(settings.watchIntervalMs)}. This thread hears when one breaks, recovers or its PTR name changes.`,
    });
    const added = await addWatch(
      redis,
      keys,
      channel,
      {
        target: target.label,
        ips: target.ips,
        origin,
        user: request.user,
        createdAt: new Date().toISOString(),
      },
      settings.watchCap,
    );
    if (!added.ok) {
      await respond.replyPrivately({
        kind: "notice",
        text:
          added.reason === "exists"
            ? `This channel already watches ${target.label}.`
            : `This channel reached its limit of ${settings.watchCap} watched addresses.`,
      });
      return;
    }
    for (const ip of target.ips) {
      const id = watchSchedulerId(ip);
      await queues.check.upsertJobScheduler(
        id,
        { every: settings.watchIntervalMs },
        {
          name: "watch",
          data: newCheckJob({ ip, helo: null, origins: [], originsKey: null, reason: "watch", chainId: id }),
        },
      );
    }
  },
} satisfies Command;

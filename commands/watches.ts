// `/rdns watches`: what this channel watches (src/app/list-watches.ts, which also restores a
// watched IP's missing scheduler).
import type { Command } from "../src/app/command.js";
import { listChannelWatches, watchNotes } from "../src/app/list-watches.js";

export default {
  name: "watches",
  summary: "list what this channel watches",
  dnsWork: false,
  options: [],
  examples: [{}],
  async run({ ctx, request, respond }) {
    const watches = await listChannelWatches(ctx, { platform: request.platform, channel: request.channel });
    await respond.replyPrivately({
      kind: "watches",
      channel: request.channel,
      targets: watches.map((watch) => {
        const notes = watchNotes(watch, new Date().toISOString());
        return notes.length === 0 ? watch.target : `${watch.target} (${notes.join(", ")})`;
      }),
    });
  },
} satisfies Command;

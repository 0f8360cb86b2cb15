// `/rdns watches`: what this channel watches.
import type { Command } from "../src/app/command.js";
import { channelKey, listWatches } from "../src/store/watches.js";

export default {
  name: "watches",
  summary: "list what this channel watches",
  options: [],
  examples: [{}],
  async run({ ctx, request, respond }) {
    const watches = await listWatches(ctx.redis, ctx.keys, channelKey(request.platform, request.channel));
    await respond.replyPrivately({
      kind: "watches",
      channel: request.channel,
      targets: watches.map((watch) => watch.target),
    });
  },
} satisfies Command;

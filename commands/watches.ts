// `/rdns watches`: what this channel watches (src/app/list-watches.ts, which also restores a
// watched IP's missing scheduler).
import type { Command } from "../src/app/command.js";
import { listChannelWatches } from "../src/app/list-watches.js";

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
        const parts = [
          ...(watch.helo === undefined || watch.helo === null ? [] : [`HELO ${watch.helo}`]),
          ...(watch.probe === true ? ["probe"] : []),
        ];
        return parts.length === 0 ? watch.target : `${watch.target} (${parts.join(", ")})`;
      }),
    });
  },
} satisfies Command;

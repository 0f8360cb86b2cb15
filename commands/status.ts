// `/rdns status [ip or range]`: one row per watched address (IP, PTR, FCrDNS, HELO, verdict, since,
// last checked), the same rows as the servers page; without an argument, every watch of this
// channel counted by verdict, then the addresses that do not pass. A long answer is cut at the
// platform's limit with "N more", and the whole table goes along as a CSV file.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { channelStatus } from "../src/app/status.js";
import { MAX_ADDRESS, parseWatchTarget, type WatchTarget } from "../src/app/targets.js";

export default {
  name: "status",
  summary: "show each watched address: PTR, FCrDNS, HELO, verdict, since when, last checked",
  dnsWork: false,
  options: [
    {
      name: "range",
      kind: "range",
      required: false,
      description: "Only this watched IP or range, e.g. 203.0.113.0/28",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
  ],
  examples: [{}, { range: "203.0.113.0/28" }],
  async run({ ctx, request, respond, options, example }) {
    let scope: WatchTarget | null = null;
    if (options.range !== undefined) {
      const parsed = parseWatchTarget(options.range);
      if (!parsed.ok) {
        await refuse(respond, parsed.problem, example);
        return;
      }
      scope = parsed.value;
    }
    const message = await channelStatus(ctx, { platform: request.platform, channel: request.channel, scope });
    // Public: the fleet's state is the channel's business, and a file cannot be sent privately.
    await respond.replyPublicly(message);
  },
} satisfies Command;

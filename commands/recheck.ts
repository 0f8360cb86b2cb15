// `/rdns recheck <ip> [helo]`: the console's (and every platform's typed) form of the
// "Re-check now" button: a check now, whose result lands in the thread of the IP's open re-check
// chain in this channel (a new thread when there is none); it joins a check already running.
// The pipeline has already counted it against the asker's limits.
import { chainThreadIn, recheckNow } from "../src/app/chains.js";
import type { Command } from "../src/app/command.js";
import { publicIpAndHelo } from "../src/app/command-args.js";
import { MAX_ADDRESS, MAX_NAME } from "../src/app/targets.js";

export default {
  name: "recheck",
  summary: "check an IP again now, in the thread of its re-check chain (joins a check already running)",
  dnsWork: true,
  options: [
    {
      name: "ip",
      kind: "ip",
      required: true,
      description: "The IP to check again, e.g. 203.0.113.5",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
    {
      name: "helo",
      kind: "host",
      required: false,
      description: "The HELO name of the chain, when it was checked with one",
      minLength: 1,
      maxLength: MAX_NAME,
    },
  ],
  examples: [{ ip: "203.0.113.5" }],
  async run({ ctx, request, respond, options, example, log }) {
    const asked = await publicIpAndHelo(options, respond, example);
    if (asked === null) return;
    const { ip, helo: heloName } = asked;
    const where = { ip, helo: heloName, platform: request.platform, channel: request.channel };
    const chain = await chainThreadIn(ctx, where);
    const origin = chain?.origin ?? (await respond.openThread({ kind: "checking", ip, helo: heloName }));
    const outcome = await recheckNow(ctx, { ip, helo: heloName, origin });
    log.info({ ip, outcome, chain: chain?.chainId ?? null }, "recheck");
    if (outcome === "not-queued") {
      await respond.replyPrivately({ kind: "not-queued", ip });
    } else if (chain !== null) {
      const how = outcome === "joined" ? "joined the check already running" : "checking now";
      await respond.replyPrivately({
        kind: "notice",
        text: `Re-checking ${ip}: ${how}; the result goes to the thread of its re-check chain.`,
      });
    }
  },
} satisfies Command;

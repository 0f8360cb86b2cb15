// `/rdns stop <ip>`: the typed form of the "Stop re-checking" button. Ends every open re-check
// chain of that IP with a thread in this channel (src/app/chains.ts): no more DNS questions for
// them, and each thread is told once who stopped it.
import { stopChainsForIp } from "../src/app/chains.js";
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { MAX_ADDRESS, parsePublicIp } from "../src/app/targets.js";

export default {
  name: "stop",
  summary: "stop re-checking an IP in this channel",
  dnsWork: false,
  options: [
    {
      name: "ip",
      kind: "ip",
      required: true,
      description: "The IP being re-checked, e.g. 203.0.113.5",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
  ],
  examples: [{ ip: "203.0.113.5" }],
  async run({ ctx, request, respond, options, example }) {
    const ip = parsePublicIp(options.ip ?? "");
    if (!ip.ok) {
      await refuse(respond, ip.problem, example);
      return;
    }
    const { stopped } = await stopChainsForIp(ctx, {
      ip: ip.value,
      platform: request.platform,
      channel: request.channel,
      user: request.user,
    });
    await respond.replyPrivately({
      kind: "notice",
      text:
        stopped === 0
          ? `Nothing is being re-checked for ${ip.value} in this channel.`
          : `Stopped re-checking ${ip.value}${stopped > 1 ? ` (${stopped} chains)` : ""}.`,
    });
  },
} satisfies Command;

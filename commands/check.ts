// `/rdns <ip> [helo]` (or `/rdns check <ip> [helo]`): opens the thread, enqueues the check.
// Nothing slow here: the DNS work happens in a check worker, the answer arrives by delivery.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { CheckNotQueuedError, requestCheck } from "../src/app/request-check.js";
import { parseHelo, parsePublicIp } from "../src/app/targets.js";

const usage = "/rdns <ip> [helo-name]";
const example = "/rdns 203.0.113.5 mail.example.com";

export default {
  name: "check",
  summary: "check an IP's reverse DNS the way Gmail, Microsoft and Yahoo do, and re-check until it clears",
  usage,
  example,
  async run({ ctx, request, respond, args, log }) {
    const [ipText, heloText, ...extra] = args;
    if (ipText === undefined || extra.length > 0) {
      await refuse(
        respond,
        ipText === undefined ? "which IP? Give the sending IP address" : "too many words",
        example,
      );
      return;
    }
    const ip = parsePublicIp(ipText);
    if (!ip.ok) {
      await refuse(respond, ip.problem, example);
      return;
    }
    const helo = heloText === undefined ? null : parseHelo(heloText);
    if (helo !== null && !helo.ok) {
      await refuse(respond, helo.problem, example);
      return;
    }
    const heloName = helo?.value ?? null;
    const origin = await respond.openThread({ kind: "checking", ip: ip.value, helo: heloName });
    try {
      await requestCheck(ctx, { ip: ip.value, helo: heloName, origin, reason: "command" });
    } catch (error) {
      // Nothing was checked: say that, not "could not tell" (that is a DNS answer's word).
      if (!(error instanceof CheckNotQueuedError)) throw error;
      log.warn({ err: error.cause, ip: ip.value }, "check not queued");
      if (!error.told) await respond.replyPrivately({ kind: "not-queued", ip: ip.value });
    }
  },
} satisfies Command;

// `/rdns <ip> [helo]` (or `/rdns check <ip> [helo]`; Discord `/rdns check ip: helo:`): opens the
// thread, enqueues the check. Nothing slow here: the DNS work happens in a check worker, the
// answer arrives by delivery.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { CheckNotQueuedError, requestCheck } from "../src/app/request-check.js";
import { MAX_ADDRESS, MAX_NAME, parseHelo, parsePublicIp } from "../src/app/targets.js";

export default {
  name: "check",
  summary: "check an IP's reverse DNS the way Gmail, Microsoft and Yahoo do, and re-check until it clears",
  implicit: true,
  options: [
    {
      name: "ip",
      kind: "ip",
      required: true,
      description: "The sending IP, e.g. 203.0.113.5 or 2001:db8::25",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
    {
      name: "helo",
      kind: "host",
      required: false,
      description: "The name the server announces in EHLO/HELO, e.g. mail.example.com",
      minLength: 1,
      maxLength: MAX_NAME,
    },
  ],
  examples: [{ ip: "203.0.113.5", helo: "mail.example.com" }, { ip: "2001:db8::25" }],
  async run({ ctx, respond, options, example, log }) {
    const ip = parsePublicIp(options.ip ?? "");
    if (!ip.ok) {
      await refuse(respond, ip.problem, example);
      return;
    }
    const helo = options.helo === undefined ? null : parseHelo(options.helo);
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

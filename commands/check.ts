// `/rdns <ip|host-name> [helo]` (or `/rdns check ...`; Discord `/rdns check ip: helo:`): opens the
// thread, enqueues the check. A host name is resolved first (src/app/host-targets.ts) and each of
// its addresses gets a thread of its own, checked with the name as HELO unless one was given.
// The DNS work of the check happens in a check worker, the answer arrives by delivery.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import {
  hostIntro,
  hostNothingToCheck,
  MAX_HOST_CHECKS,
  parseHostName,
  resolveHostForChat,
} from "../src/app/host-targets.js";
import { startCheck } from "../src/app/start-check.js";
import { MAX_NAME, parseOptionalHelo, parsePublicIp } from "../src/app/targets.js";

export default {
  name: "check",
  summary: "check an IP's (or a mail host's) reverse DNS the way Gmail, Microsoft and Yahoo do",
  implicit: true,
  dnsWork: true,
  options: [
    {
      name: "ip",
      kind: "ip-or-host",
      required: true,
      description: "The sending IP or the mail host's name, e.g. 203.0.113.5 or mail.example.com",
      minLength: 2,
      maxLength: MAX_NAME,
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
  async run(input) {
    const { ctx, respond, options, example } = input;
    const text = options.ip ?? "";
    const ip = parsePublicIp(text);
    const host = ip.ok ? null : parseHostName(text);
    if (!ip.ok && host === null) {
      await refuse(respond, ip.problem, example);
      return;
    }
    const helo = parseOptionalHelo(options.helo);
    if (!helo.ok) {
      await refuse(respond, helo.problem, example);
      return;
    }
    const heloName = helo.value;
    if (ip.ok) {
      await startCheck(input, ip.value, heloName);
      return;
    }
    const name = host as string;
    const found = await resolveHostForChat(ctx, name);
    if (found.status !== "found") {
      // No address (or only non-public ones, refused as a typed private IP is, without naming
      // them: issue 28) is an answer about the name, for the asker; a DNS failure is "could not tell".
      if (found.status !== "error") await refuse(respond, hostNothingToCheck(found), example);
      else await respond.replyPrivately({ kind: "notice", text: hostNothingToCheck(found) });
      return;
    }
    await respond.replyPublicly({ kind: "notice", text: hostIntro(found, heloName) });
    for (const address of found.addresses.slice(0, MAX_HOST_CHECKS)) {
      const checked = parsePublicIp(address);
      if (!checked.ok) {
        await respond.replyPublicly({ kind: "notice", text: `Not checking: ${checked.problem}.` });
        continue;
      }
      await startCheck(input, checked.value, heloName ?? name);
    }
  },
} satisfies Command;

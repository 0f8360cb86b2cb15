// `/rdns probe <ip> [helo]` (Discord `/rdns probe ip: helo:`): the check of `/rdns <ip>` plus a
// look at what the server says when a client connects to its port 25: the SMTP greeting, EHLO
// and STARTTLS (src/check/sections/smtp). With no HELO given, the greeting's name is judged as
// the HELO. The address must be public (src/app/targets.ts): chat never makes the bot connect to
// a private or loopback one.
import type { Command } from "../src/app/command.js";
import { publicIpAndHelo } from "../src/app/command-args.js";
import { startCheck } from "../src/app/start-check.js";
import { MAX_ADDRESS, MAX_NAME } from "../src/app/targets.js";

export default {
  name: "probe",
  summary: "check an IP and read its mail server's SMTP greeting (port 25), EHLO and STARTTLS",
  dnsWork: true,
  options: [
    {
      name: "ip",
      kind: "ip",
      required: true,
      description: "The mail server's public IP, e.g. 203.0.113.5",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
    {
      name: "helo",
      kind: "host",
      required: false,
      description: "The name it announces in EHLO/HELO (default: the name its greeting gives)",
      minLength: 1,
      maxLength: MAX_NAME,
    },
  ],
  examples: [{ ip: "203.0.113.5" }, { ip: "2001:db8::25", helo: "mail.example.com" }],
  async run(input) {
    const { respond, options, example } = input;
    const asked = await publicIpAndHelo(options, respond, example);
    if (asked === null) return;
    await startCheck(input, asked.ip, asked.helo, true);
  },
} satisfies Command;

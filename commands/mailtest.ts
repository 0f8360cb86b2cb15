// `/rdns mailtest [ip]`: a fresh test-mail address in a new thread (src/app/mailtest.ts). Any
// message sent to it is answered in that thread with the connecting IP, the HELO/EHLO as sent,
// TLS or not, and the full check of that IP with that HELO: what receivers see, not what anyone
// typed. `ip` (optional) is the address the asker expects; a message from another says so.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { createMailTestAddress, MAILTEST_TTL_MS } from "../src/app/mailtest.js";
import { MAX_ADDRESS, parsePublicIp } from "../src/app/targets.js";

export default {
  name: "mailtest",
  summary: "get an address to send test mail to: each message gets its sender's IP, HELO and full check",
  dnsWork: true,
  options: [
    {
      name: "ip",
      kind: "ip",
      required: false,
      description: "The IP you expect the mail to come from (optional), e.g. 203.0.113.5",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
  ],
  examples: [{}, { ip: "203.0.113.5" }],
  async run({ ctx, respond, options, example }) {
    const asked = options.ip === undefined ? null : parsePublicIp(options.ip);
    if (asked !== null && !asked.ok) {
      await refuse(respond, asked.problem, example);
      return;
    }
    const domain = ctx.mailtest?.domain ?? null;
    if (domain === null) {
      await respond.replyPrivately({
        kind: "notice",
        text: "Test mail is not available here: this deployment runs no mail listener (its operator sets SMTP_PORT and SMTP_DOMAIN to turn it on). You can still check an IP and HELO you know with /rdns <ip> <helo>.",
      });
      return;
    }
    const minutes = Math.round(MAILTEST_TTL_MS / 60_000);
    // The thread opens first: the address names it, so the address cannot exist without it.
    const origin = await respond.openThread({ kind: "notice", text: "Test mail: making an address…" });
    const made = await createMailTestAddress(ctx, domain, origin, asked?.value ?? null).catch(
      async (error: unknown) => {
        // No "making an address…" left up forever: the thread says nothing was made.
        await respond
          .replaceOpened(origin, {
            kind: "notice",
            text: "Test mail: no address was made (the bot could not store it); try again.",
          })
          .catch(() => undefined);
        throw error; // the error boundary words it for the asker
      },
    );
    const { address, expiresAt } = made;
    await respond.replaceOpened(origin, {
      kind: "notice",
      text: [
        `Test mail: send any message to ${address} from the server you want checked.`,
        `Each message is answered in this thread with the IP it came from, the HELO/EHLO name the server sent, whether it used TLS, and the full check of that IP with that HELO. The address takes mail for ${minutes} minutes (until ${expiresAt.toISOString().slice(11, 16)} UTC); nothing of the message is kept.`,
        ...(asked === null
          ? []
          : [`You expect it from ${asked.value}: a message from another address says so.`]),
      ].join("\n"),
    });
  },
} satisfies Command;

// `/rdns <ip|host-name> [helo]` (or `/rdns check ...`; Discord `/rdns check ip: helo:`): opens the
// thread, enqueues the check. A host name is resolved first (src/app/host-targets.ts) and each of
// its addresses gets a thread of its own, checked with the name as HELO unless one was given.
// The DNS work of the check happens in a check worker, the answer arrives by delivery.
import type { Command, CommandInput } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { isStorageFull, newReference } from "../src/app/failure-reply.js";
import {
  hostIntro,
  hostNothingToCheck,
  MAX_HOST_CHECKS,
  parseHostName,
  resolveHostForChat,
} from "../src/app/host-targets.js";
import { recordStorageFull } from "../src/app/metrics.js";
import { CheckNotQueuedError, requestCheck } from "../src/app/request-check.js";
import { MAX_NAME, parseHelo, parsePublicIp } from "../src/app/targets.js";
import type { Origin } from "../src/chat/types.js";

/**
 * Redis is full (maxmemory, nothing to evict): nothing was checked, and the thread's "Checking…"
 * says so directly through the responder (a delivery would be a write Redis refuses), with the
 * reference the log line carries. Privately instead when the platform cannot replace it.
 */
async function storageFull(
  { respond, log }: Pick<CommandInput, "respond" | "log">,
  origin: Origin,
  ip: string,
  error: unknown,
): Promise<void> {
  const reference = newReference();
  recordStorageFull("command");
  log.error({ err: error, reference, ip, cause: "storage-full" }, "check not queued: Redis is full");
  const message = { kind: "not-queued", ip, storageFull: { reference } } as const;
  await respond.replaceOpened(origin, message).catch(async (err: unknown) => {
    log.warn({ err, ip, reference }, "could not replace the Checking message");
    await respond.replyPrivately(message);
  });
}

/** Opens the "Checking…" thread and queues the check; a check that cannot be queued says so there. */
async function startCheck(
  { ctx, respond, log }: Pick<CommandInput, "ctx" | "respond" | "log">,
  ip: string,
  helo: string | null,
): Promise<void> {
  const origin = await respond.openThread({ kind: "checking", ip, helo });
  try {
    await requestCheck(ctx, { ip, helo, origin, reason: "command" });
  } catch (error) {
    if (isStorageFull(error)) {
      await storageFull({ respond, log }, origin, ip, error);
      return;
    }
    // Nothing was checked: say that, not "could not tell" (that is a DNS answer's word), and not
    // by leaving "Checking…" up forever. When the queue took the notices itself (`told`), they
    // replace it; otherwise it is replaced here, directly.
    const told = error instanceof CheckNotQueuedError && error.told;
    const replaced =
      told ||
      (await respond.replaceOpened(origin, { kind: "not-queued", ip }).then(
        () => true,
        (err: unknown) => {
          log.warn({ err, ip }, "could not replace the Checking message");
          return false;
        },
      ));
    if (!(error instanceof CheckNotQueuedError)) throw error; // the error boundary words it
    log.warn({ err: error.cause, ip }, "check not queued");
    if (!replaced) await respond.replyPrivately({ kind: "not-queued", ip });
  }
}

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
    const helo = options.helo === undefined ? null : parseHelo(options.helo);
    if (helo !== null && !helo.ok) {
      await refuse(respond, helo.problem, example);
      return;
    }
    const heloName = helo?.value ?? null;
    if (ip.ok) {
      await startCheck(input, ip.value, heloName);
      return;
    }
    const name = host as string;
    const found = await resolveHostForChat(ctx, name);
    if (found.status !== "found") {
      // No address is an answer about the name, for the asker; a DNS failure is "could not tell".
      if (found.status === "none") await refuse(respond, hostNothingToCheck(found), example);
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

// Opening a check's thread and queueing it, for the commands that ask for one (`/rdns check`,
// `/rdns probe`): the thread says "Checking…", the check joins the de-duplication window
// (src/app/request-check.ts), and a check that cannot be queued says so there.
import type { Origin } from "../chat/types.js";
import type { CommandInput } from "./command.js";
import { isStorageFull, newReference } from "./failure-reply.js";
import { recordStorageFull } from "./metrics.js";
import { CheckNotQueuedError, requestCheck } from "./request-check.js";

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
export async function startCheck(
  { ctx, respond, log }: Pick<CommandInput, "ctx" | "respond" | "log">,
  ip: string,
  helo: string | null,
  probe = false,
): Promise<void> {
  const origin = await respond.openThread({ kind: "checking", ip, helo });
  try {
    await requestCheck(ctx, { ip, helo, origin, reason: "command", ...(probe ? { probe } : {}) });
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

// Opening a check's thread and queueing it, for the commands that ask for one (`/rdns check`,
// `/rdns probe`): the thread says "Checking…", the check joins the de-duplication window
// (src/app/request-check.ts), and a check that cannot be queued says so there.
import type { CommandInput } from "./command.js";
import { CheckNotQueuedError, requestCheck } from "./request-check.js";

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

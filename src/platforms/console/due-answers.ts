// The answers a console session still owes: a check's verdict and report arrive by delivery, after
// the command returned, so at the end of input (Ctrl-D, or a piped file that ends) the console
// waits for them, up to a bound it states, before the process exits.
import type { ReplyAddress } from "../../chat/types.js";
import type { InFlight } from "../in-flight.js";

/** A thread whose answer has not been printed yet: the parent's verdict and the thread's report. */
export interface Due {
  updated: boolean;
  replied: boolean;
}

export interface DueAnswers {
  readonly size: number;
  /** A check was asked in `address`: its verdict (an update) and its report (a reply) are due. */
  expect(address: ReplyAddress): void;
  /** Part of an answer was printed; the thread is answered once both parts were. */
  settle(address: ReplyAddress, change: Partial<Due>): void;
  /** Resolves when no answer is due any more, or at `deadline` (epoch ms), whichever is first. */
  allAnswered(deadline: number): Promise<void>;
}

export function createDueAnswers(): DueAnswers {
  /** Checks asked in this session whose answer is not printed yet, by thread address. */
  const due = new Map<ReplyAddress, Due>();
  let answered: () => void = () => undefined;
  return {
    get size() {
      return due.size;
    },
    expect(address) {
      due.set(address, { updated: false, replied: false });
    },
    settle(address, change) {
      const entry = due.get(address);
      if (entry === undefined) return;
      Object.assign(entry, change);
      // The parent replaced by a notice that nothing was queued is the whole answer.
      if (entry.updated && entry.replied) due.delete(address);
      if (due.size === 0) answered();
    },
    async allAnswered(deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          answered = resolve;
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
    },
  };
}

function answers(count: number): string {
  return `${count} answer${count === 1 ? "" : "s"}`;
}

/** At the end of input: what was typed finishes, then the answers due arrive, within `waitMs`. */
export async function waitForAnswers(
  due: DueAnswers,
  inFlight: InFlight,
  output: NodeJS.WritableStream,
  waitMs: number,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  const seconds = Math.round(waitMs / 1000);
  await inFlight.drain(waitMs);
  if (due.size === 0) return;
  output.write(`(end of input) waiting up to ${seconds} s for ${answers(due.size)}…\n`);
  await due.allAnswered(deadline);
  if (due.size > 0) {
    output.write(
      `(end of input) ${answers(due.size)} did not arrive within ${seconds} s; ask again to see ${due.size === 1 ? "it" : "them"}\n`,
    );
  }
}

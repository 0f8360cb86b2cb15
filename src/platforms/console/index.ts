// The console platform: an interactive terminal chat for `rdns serve` when no chat token is set.
// `/rdns ...` lines are commands; anything else is a pasted message, collected until an empty
// line or a short pause (a terminal paste arrives as many lines at once). Every message the bot
// posts gets an address `console:<channel>:<session>-<n>`, and replies are printed prefixed by the thread
// they belong to, so a result is visibly in the thread of the request it answers. At the end of
// input (Ctrl-D, or a piped file that ends) it waits, up to a bound it states, for the answers
// still due (a check's verdict and report arrive by delivery, after the command returned), so
// `printf '/rdns 203.0.113.5\n' | rdns serve` prints the answer before it exits.
import { randomBytes } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import type {
  ChatPlatform,
  CommandResponder,
  InboundHandlers,
  Origin,
  OutboundMessage,
  ReplyAddress,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { renderText } from "../../render/text.js";
import { InFlight, STOP_DRAIN_MS } from "../in-flight.js";

export interface ConsoleOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** The one channel this console is (default "main"). */
  channel?: string;
  user?: string;
  /**
   * Names this run of the console (default: random). Request ids and addresses carry it: the
   * counters restart at 1 with every process, and without it a later session's "console:main:1"
   * would be the earlier one's, and its deliveries skipped as already delivered.
   */
  session?: string;
  /** A paste ends after this much silence (ms) even without an empty line. */
  pasteIdleMs?: number;
  logger?: Logger;
  /**
   * Called when the input ends (Ctrl-D), once the answers still due arrived or `answerWaitMs`
   * passed: the process should shut down.
   */
  onClose?: () => void;
  /** At the end of input, how long to wait for answers still due (default ANSWER_WAIT_MS). */
  answerWaitMs?: number;
}

/** How long the end of input waits for answers still due: a check with retries, and its delivery. */
export const ANSWER_WAIT_MS = 30_000;

/** A thread whose answer has not been printed yet: the parent's verdict and the thread's report. */
interface Due {
  updated: boolean;
  replied: boolean;
}

export const CONSOLE_GREETING =
  "rdns-bot console chat. Try `/rdns help`, `/rdns 203.0.113.5 mail.example.com`, `/rdns watch 203.0.113.0/28`, or paste a bounce (end it with an empty line). Ctrl-D quits.";

/**
 * The console's first lines: the greeting, then where the servers page is (when this process
 * serves it) and whether it wants WEB_TOKEN. The token itself is never printed: the terminal may
 * be shared or recorded, and whoever runs the bot already has it in their environment.
 */
export function consoleIntro(page: { url: string; tokenRequired: boolean } | null): string {
  if (page === null) return `${CONSOLE_GREETING}\n`;
  const access = page.tokenRequired
    ? " (WEB_TOKEN is set: open it once with ?token=<your WEB_TOKEN>, or send Authorization: Bearer <your WEB_TOKEN>)"
    : "";
  return `${CONSOLE_GREETING}\nServers page: ${page.url}/${access}\n`;
}

export function createConsolePlatform(options: ConsoleOptions): ChatPlatform {
  const channel = options.channel ?? "main";
  const user = options.user ?? "you";
  const idleMs = options.pasteIdleMs ?? 300;
  const session = options.session ?? randomBytes(3).toString("hex");
  let counter = 0;
  let requests = 0;
  let rl: Interface | null = null;
  const inFlight = new InFlight();
  let paste: string[] = [];
  let pasteTimer: NodeJS.Timeout | null = null;
  /** Checks asked in this session whose answer is not printed yet, by thread address. */
  const due = new Map<ReplyAddress, Due>();
  let answered: () => void = () => undefined;
  const settle = (address: ReplyAddress, change: Partial<Due>) => {
    const entry = due.get(address);
    if (entry === undefined) return;
    Object.assign(entry, change);
    // The parent replaced by a notice that nothing was queued is the whole answer.
    if (entry.updated && entry.replied) due.delete(address);
    if (due.size === 0) answered();
  };

  const nextAddress = (): ReplyAddress => `console:${channel}:${session}-${++counter}`;
  const nextRequestId = () => `console-${session}-${++requests}`;
  const print = (prefix: string, text: string) => {
    const lines = text.split("\n").map((line) => `${prefix} ${line}`.trimEnd());
    options.output.write(`${lines.join("\n")}\n`);
  };
  const own = (address: ReplyAddress) => {
    if (!address.startsWith("console:"))
      throw Object.assign(new Error(`not a console address: ${address}`), { permanent: true });
    return address;
  };

  const platform: ChatPlatform = {
    name: "console",
    // Its addresses carry the session: their deliveries come to this process alone.
    route: session,
    // Reading its input: the console has nothing else to be connected to.
    ready: () => rl !== null,
    async post(_channel: string, message: OutboundMessage) {
      const address = nextAddress();
      print(`[${address}]`, renderText(message));
      return address;
    },
    async reply(thread: ReplyAddress, message: OutboundMessage) {
      print(`[${own(thread)}] \u21b3`, renderText(message));
      settle(thread, { replied: true });
      return thread;
    },
    async update(target: ReplyAddress, message: OutboundMessage) {
      print(`[${own(target)}] (updated)`, renderText(message));
      settle(target, message.kind === "not-queued" ? { updated: true, replied: true } : { updated: true });
    },
    async start(handlers: InboundHandlers) {
      rl = createInterface({ input: options.input, terminal: false });
      rl.on("line", (line) => onLine(handlers, line));
      rl.on("close", () => {
        flushPaste(handlers);
        void waitForAnswers().finally(() => options.onClose?.());
      });
    },
    async stop() {
      if (pasteTimer !== null) clearTimeout(pasteTimer);
      rl?.close();
      rl = null;
      if (!(await inFlight.drain(STOP_DRAIN_MS))) {
        options.logger?.warn({ pending: inFlight.size }, "stopped with console requests still being handled");
      }
    },
  };

  /** At the end of input: what was typed finishes, then the answers due arrive, within the bound. */
  async function waitForAnswers(): Promise<void> {
    const waitMs = options.answerWaitMs ?? ANSWER_WAIT_MS;
    const deadline = Date.now() + waitMs;
    await inFlight.drain(waitMs);
    if (due.size === 0) return;
    const count = due.size;
    options.output.write(
      `(end of input) waiting up to ${Math.round(waitMs / 1000)} s for ${count} answer${count === 1 ? "" : "s"}…\n`,
    );
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
    if (due.size > 0) {
      options.output.write(
        `(end of input) ${due.size} answer${due.size === 1 ? "" : "s"} did not arrive within ${Math.round(waitMs / 1000)} s; ask again to see ${due.size === 1 ? "it" : "them"}\n`,
      );
    }
  }

  /** Tracked, so stop() lets what was typed finish; the app's pipeline answers its own failures. */
  function track(work: Promise<void>) {
    void inFlight
      .track(work)
      .catch((error: unknown) =>
        options.logger?.error({ err: error }, "a console request could not be handed to the app"),
      );
  }

  function onCommand(handlers: InboundHandlers, line: string) {
    const respond: CommandResponder = {
      async replyPrivately(message) {
        print("(only you)", renderText(message));
      },
      async replyPublicly(message) {
        await platform.post(channel, message);
      },
      async openThread(message): Promise<Origin> {
        const address = await platform.post(channel, message);
        if (message.kind === "checking") due.set(address, { updated: false, replied: false });
        return { platform: "console", channel, thread: address, parent: address };
      },
      async replaceOpened(origin, message) {
        if (origin.parent !== null) await platform.update(origin.parent, message);
      },
    };
    const args = line.trim().split(/\s+/).slice(1);
    track(
      handlers.onCommand({ platform: "console", requestId: nextRequestId(), channel, user, args }, respond),
    );
  }

  function flushPaste(handlers: InboundHandlers) {
    if (pasteTimer !== null) clearTimeout(pasteTimer);
    pasteTimer = null;
    const text = paste.join("\n");
    paste = [];
    if (text.trim() === "") return;
    // The pasted message is a message in the channel: it gets an address, its thread is there.
    const address = nextAddress();
    track(
      handlers.onPaste(
        { platform: "console", requestId: nextRequestId(), channel, user, text, attachments: [] },
        {
          async openThread() {
            print(`[${address}]`, "(thread on your pasted message)");
            return { platform: "console", channel, thread: address, parent: null };
          },
        },
      ),
    );
  }

  function onLine(handlers: InboundHandlers, line: string) {
    if (paste.length === 0 && /^\s*\/rdns(\s|$)/.test(line)) {
      onCommand(handlers, line);
      return;
    }
    if (line.trim() === "") {
      flushPaste(handlers);
      return;
    }
    paste.push(line);
    if (pasteTimer !== null) clearTimeout(pasteTimer);
    pasteTimer = setTimeout(() => flushPaste(handlers), idleMs);
  }

  return platform;
}

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
import { createDueAnswers, type DueAnswers, waitForAnswers } from "./due-answers.js";
import { createPasteCollector, type PasteCollector } from "./paste.js";

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

/** What one run of the console shares between the platform's methods and its inbound handling. */
interface Session {
  readonly channel: string;
  readonly user: string;
  readonly id: string;
  readonly options: ConsoleOptions;
  /** Typed requests still being handed to the app, so stop() and the end of input let them finish. */
  readonly inFlight: InFlight;
  readonly due: DueAnswers;
  nextAddress(): ReplyAddress;
  nextRequestId(): string;
}

function openSession(options: ConsoleOptions): Session {
  const channel = options.channel ?? "main";
  const id = options.session ?? randomBytes(3).toString("hex");
  let counter = 0;
  let requests = 0;
  return {
    channel,
    user: options.user ?? "you",
    id,
    options,
    inFlight: new InFlight(),
    due: createDueAnswers(),
    nextAddress: () => `console:${channel}:${id}-${++counter}`,
    nextRequestId: () => `console-${id}-${++requests}`,
  };
}

/** Prints `text` with every line prefixed, so a reply is visibly in the thread it belongs to. */
function print(session: Session, prefix: string, text: string): void {
  const lines = text.split("\n").map((line) => `${prefix} ${line}`.trimEnd());
  session.options.output.write(`${lines.join("\n")}\n`);
}

/** A delivery for another platform's address is a bug no retry fixes: marked permanent. */
function own(address: ReplyAddress): ReplyAddress {
  if (!address.startsWith("console:"))
    throw Object.assign(new Error(`not a console address: ${address}`), { permanent: true });
  return address;
}

export function createConsolePlatform(options: ConsoleOptions): ChatPlatform {
  const session = openSession(options);
  let rl: Interface | null = null;
  let paste: PasteCollector | null = null;

  const platform: ChatPlatform = {
    name: "console",
    // Its addresses carry the session: their deliveries come to this process alone.
    route: session.id,
    // Reading its input: the console has nothing else to be connected to.
    ready: () => rl !== null,
    async post(_channel: string, message: OutboundMessage) {
      const address = session.nextAddress();
      print(session, `[${address}]`, renderText(message));
      return address;
    },
    async reply(thread: ReplyAddress, message: OutboundMessage) {
      print(session, `[${own(thread)}] \u21b3`, renderText(message));
      session.due.settle(thread, { replied: true });
      return thread;
    },
    async update(target: ReplyAddress, message: OutboundMessage) {
      print(session, `[${own(target)}] (updated)`, renderText(message));
      session.due.settle(
        target,
        message.kind === "not-queued" ? { updated: true, replied: true } : { updated: true },
      );
    },
    async start(handlers: InboundHandlers) {
      const collector = createPasteCollector(options.pasteIdleMs ?? 300, (text) =>
        onPaste(session, handlers, text),
      );
      paste = collector;
      rl = createInterface({ input: options.input, terminal: false });
      rl.on("line", (line) => onLine(session, platform, handlers, collector, line));
      rl.on("close", () => {
        collector.flush();
        const waitMs = options.answerWaitMs ?? ANSWER_WAIT_MS;
        void waitForAnswers(session.due, session.inFlight, options.output, waitMs).finally(() =>
          options.onClose?.(),
        );
      });
    },
    async stop() {
      paste?.cancel();
      rl?.close();
      rl = null;
      if (!(await session.inFlight.drain(STOP_DRAIN_MS))) {
        options.logger?.warn(
          { pending: session.inFlight.size },
          "stopped with console requests still being handled",
        );
      }
    },
  };
  return platform;
}

/** Tracked, so stop() lets what was typed finish; the app's pipeline answers its own failures. */
function track(session: Session, work: Promise<void>): void {
  void session.inFlight
    .track(work)
    .catch((error: unknown) =>
      session.options.logger?.error({ err: error }, "a console request could not be handed to the app"),
    );
}

/** A `/rdns ...` line starts a command; any other non-empty line is part of a pasted message. */
function onLine(
  session: Session,
  platform: ChatPlatform,
  handlers: InboundHandlers,
  paste: PasteCollector,
  line: string,
): void {
  if (!paste.collecting && /^\s*\/rdns(\s|$)/.test(line)) {
    onCommand(session, platform, handlers, line);
    return;
  }
  if (line.trim() === "") {
    paste.flush();
    return;
  }
  paste.add(line);
}

function onCommand(session: Session, platform: ChatPlatform, handlers: InboundHandlers, line: string): void {
  const { channel, user } = session;
  const args = line.trim().split(/\s+/).slice(1);
  const request = { platform: "console" as const, requestId: session.nextRequestId(), channel, user, args };
  track(session, handlers.onCommand(request, commandResponder(session, platform)));
}

/** How a command answers in the console: its public messages are posts in the one channel. */
function commandResponder(session: Session, platform: ChatPlatform): CommandResponder {
  const { channel } = session;
  return {
    async replyPrivately(message) {
      print(session, "(only you)", renderText(message));
    },
    async replyPublicly(message) {
      await platform.post(channel, message);
    },
    async openThread(message): Promise<Origin> {
      const address = await platform.post(channel, message);
      // A check's answer arrives later, by delivery: the end of input waits for it.
      if (message.kind === "checking") session.due.expect(address);
      return { platform: "console", channel, thread: address, parent: address };
    },
    async replaceOpened(origin, message) {
      if (origin.parent !== null) await platform.update(origin.parent, message);
    },
  };
}

function onPaste(session: Session, handlers: InboundHandlers, text: string): void {
  const { channel, user } = session;
  // The pasted message is a message in the channel: it gets an address, its thread is there.
  const address = session.nextAddress();
  const request = {
    platform: "console" as const,
    requestId: session.nextRequestId(),
    channel,
    user,
    text,
    attachments: [],
  };
  track(
    session,
    handlers.onPaste(request, {
      async openThread() {
        print(session, `[${address}]`, "(thread on your pasted message)");
        return { platform: "console", channel, thread: address, parent: null };
      },
    }),
  );
}

// What the contract suite needs from each platform: start it on the app, send a command line
// written the way that platform's users write it, and read back what the asker alone saw, what
// the channel saw, and how many threads were opened. One small adapter per platform.
import type { CommandSyntax } from "../../../src/app/command-syntax.js";
import type { ChatSender } from "../../../src/chat/types.js";
import type { TestApp } from "./app.js";

/**
 * Where a message is posted and by whom, for the paste rules (docs/chat-commands.md "Pasted
 * bounces"). Every driver's support channels are configured as three: one listed by id, one by
 * name, one by `#name`.
 */
export interface PastePlace {
  channel?: "by-id" | "by-name" | "by-hash-name" | "elsewhere";
  author?: "person" | "another-bot" | "itself";
  /** A reply inside a thread of a support channel, not a top-level message. */
  inThread?: boolean;
}

/** What a platform's chat can hold besides one person typing in one channel. */
export interface PasteWorld {
  channels: boolean;
  bots: boolean;
  threads: boolean;
  edits: boolean;
}

export interface PlatformDriver {
  readonly name: "console" | "slack" | "discord";
  /** How this platform's users write commands; help must show this syntax only. */
  readonly syntax: CommandSyntax;
  start(app: TestApp): Promise<void>;
  /** Sends one command line as `user`; resolves with how long until the platform acknowledged it, ms. */
  send(line: string, user?: string): Promise<number>;
  /**
   * Presses "Watch this IP" for `ip` on one of the bot's messages, as that platform sends a
   * press; resolves with how long until the platform acknowledged it, ms. Absent where the
   * platform has no buttons (the console: `/rdns watch` is its way).
   */
  pressWatch?(ip: string): Promise<number>;
  /** Waits until the asker has been answered privately `count` times in all. */
  waitForPrivate(count: number): Promise<void>;
  /** Every private answer so far, as plain text, oldest first. */
  privateAnswers(): string[];
  /** Every public message so far, as plain text. */
  publicMessages(): string[];
  /** The channel's top-level messages as they read now (edits applied), embeds included. */
  publicNow(): string[];
  /** Threads opened for results. */
  threadsOpened(): number;
  /** Whether the platform itself would let `line` through (Discord: the registered definition). */
  accepts(app: TestApp, line: string): boolean;
  stop(): Promise<void>;
  /** The started platform, as the delivery worker sends through it. */
  sender(): ChatSender;
  /** What this platform's chat has (the console: one channel, one person, no threads or edits). */
  readonly world: PasteWorld;
  /** Posts `text` as a new message there; resolves with a handle naming that message. */
  paste(text: string, place?: PastePlace): Promise<string>;
  /**
   * Posts a file (Slack: a file share the bot downloads; Discord: an attachment) as a new message
   * in the support channel listed by id; resolves with a handle naming that message. Absent where
   * the platform has no files (the console).
   */
  pasteFile?(name: string, content: Buffer, contentType: string): Promise<string>;
  /** Edits the message `handle` to `text` (only where `world.edits`). */
  edit(handle: string, text: string): Promise<void>;
  /** The bot's messages in the thread on message `handle`, as plain text. */
  answersOn(handle: string): string[];
  /** The text of every message the bot has posted anywhere (channels and threads). */
  botTexts(): string[];
  /**
   * Starts a fresh copy with a wrong setting and returns the start-up error's message; null where
   * the platform has no setting to get wrong (the console reads none).
   */
  failedStart(): Promise<string | null>;
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

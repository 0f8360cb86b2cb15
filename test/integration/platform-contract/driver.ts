// What the contract suite needs from each platform: start it on the app, send a command line
// written the way that platform's users write it, and read back what the asker alone saw, what
// the channel saw, and how many threads were opened. One small adapter per platform.
import type { CommandSyntax } from "../../../src/app/command-syntax.js";
import type { TestApp } from "./app.js";

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

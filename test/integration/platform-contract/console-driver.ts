// The console platform for the contract suite: lines in, the printed conversation out.
import { PassThrough, Writable } from "node:stream";
import { WORDS } from "../../../src/app/command-syntax.js";
import type { ChatPlatform } from "../../../src/chat/types.js";
import { createConsolePlatform } from "../../../src/platforms/console/index.js";
import type { TestApp } from "./app.js";
import { type PlatformDriver, until } from "./driver.js";

export function consoleDriver(): PlatformDriver {
  let platform: ChatPlatform | null = null;
  let input = new PassThrough();
  // One chunk per message the console printed (it writes each message at once).
  let printed: string[] = [];
  const privateAnswers = () =>
    printed
      .filter((chunk) => chunk.startsWith("(only you)"))
      .map((chunk) =>
        chunk
          .trimEnd()
          .split("\n")
          .map((line) => line.replace(/^\(only you\) ?/, ""))
          .join("\n"),
      );
  const publicChunks = () => printed.filter((chunk) => chunk.startsWith("[console:"));
  /** Pastes typed so far, and the thread each one was answered in (by handle). */
  let pastesTyped = 0;
  let pastesRead = 0;
  const threads = new Map<string, string>();
  const started = () => {
    if (platform === null) throw new Error("not started");
    return platform;
  };
  return {
    name: "console",
    syntax: WORDS,
    async start(app: TestApp) {
      input = new PassThrough();
      printed = [];
      const output = new Writable({
        write(chunk: Buffer, _encoding, done) {
          printed.push(chunk.toString());
          done();
        },
      });
      platform = createConsolePlatform({ input, output, pasteIdleMs: 100 });
      // The console hands pastes over in the order they were typed: the n-th is handle paste-n,
      // and the thread it opens (if any) is where its answer goes.
      await platform.start({
        ...app.handlers,
        async onPaste(message, respond) {
          const handle = `paste-${++pastesRead}`;
          await app.handlers.onPaste(message, {
            async openThread() {
              const origin = await respond.openThread();
              threads.set(handle, origin.thread);
              return origin;
            },
          });
        },
      });
    },
    async send(line: string) {
      // The console has no separate acknowledgement: its first answer line is one.
      const before = printed.length;
      const sent = Date.now();
      input.write(`${line}\n`);
      await until("the console's first answer", () => printed.length > before);
      return Date.now() - sent;
    },
    async waitForPrivate(count) {
      await until(`${count} private answers`, () => privateAnswers().length >= count);
    },
    privateAnswers,
    publicMessages: () => publicChunks().map((chunk) => chunk.replace(/^\[[^\]]+\]\s*/gm, "").trimEnd()),
    publicNow() {
      const now = new Map<string, string>();
      for (const chunk of publicChunks()) {
        const [, address = "", updated, text = ""] =
          /^\[(console:[^\]]+)\] (\(updated\) )?([\s\S]*)$/.exec(chunk.trimEnd()) ?? [];
        if (text.startsWith("↳")) continue;
        if (updated === undefined || now.has(address))
          now.set(address, text.replace(/^\[[^\]]+\] (\(updated\) )?/gm, ""));
      }
      return [...now.values()];
    },
    // A parent post (not a reply "↳" nor an update) is where the thread is.
    threadsOpened: () =>
      publicChunks().filter((chunk) => /^\[console:[^\]]+\] (?!↳|\(updated\))/.test(chunk)).length,
    accepts: (app, line) => WORDS.parse(app.commands, line).ok,
    async stop() {
      await platform?.stop();
      platform = null;
    },
    async failedStart() {
      return null;
    },
    sender: started,
    // One terminal: one channel (always read), one person, no threads to reply in, no edits.
    world: { channels: false, bots: false, threads: false, edits: false },
    async paste(text: string) {
      const handle = `paste-${++pastesTyped}`;
      // A paste ends with an empty line.
      input.write(`${text}\n\n`);
      return handle;
    },
    async edit() {
      throw new Error("the console has no edits");
    },
    answersOn(handle: string) {
      const thread = threads.get(handle);
      if (thread === undefined) return [];
      return printed
        .filter((chunk) => chunk.startsWith(`[${thread}] ↳`))
        .map((chunk) => chunk.replace(/^\[[^\]]+\] ↳ ?/gm, "").trimEnd());
    },
    botTexts: () => publicChunks(),
  };
}

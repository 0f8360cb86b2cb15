// A small InboundHandlers for adapter tests: records what the platform hands over and does what
// the engine's commands do at the seam (open a thread for an IP, answer a usage error privately,
// open a thread on a pasted bounce), so the adapter's half can be tested on its own.
import type {
  ButtonPress,
  CommandRequest,
  InboundHandlers,
  Origin,
  PastedMessage,
} from "../../../src/chat/types.js";

export class RecordingHandlers implements InboundHandlers {
  readonly commands: { request: CommandRequest; origin: Origin | null }[] = [];
  readonly pastes: { message: PastedMessage; origin: Origin | null }[] = [];
  readonly presses: { press: ButtonPress; origin: Origin }[] = [];
  /** Makes every command take this long before it answers (to show the ack does not wait). */
  commandDelayMs = 0;

  async onCommand(
    request: CommandRequest,
    respond: Parameters<InboundHandlers["onCommand"]>[1],
  ): Promise<void> {
    const entry = { request, origin: null as Origin | null };
    this.commands.push(entry);
    if (this.commandDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.commandDelayMs));
    const [first, second] = request.args;
    if (first === undefined || !/^[0-9.:a-f]+$/i.test(first)) {
      await respond.replyPrivately({
        kind: "usage-error",
        problem: `"${first ?? ""}" is not an IP address.`,
        example: "/rdns 203.0.113.5 mail.example.com",
      });
      return;
    }
    entry.origin = await respond.openThread({ kind: "checking", ip: first, helo: second ?? null });
  }

  async onPaste(message: PastedMessage, respond: Parameters<InboundHandlers["onPaste"]>[1]): Promise<void> {
    const entry = { message, origin: null as Origin | null };
    this.pastes.push(entry);
    const text = [message.text, ...message.attachments.map((a) => a.content.toString("utf8"))].join("\n");
    if (/\b5\.7\.25\b/.test(text)) entry.origin = await respond.openThread();
  }

  /** Records the press and the thread it resolves to, and answers privately (as the app does). */
  async onButton(press: ButtonPress, respond: Parameters<InboundHandlers["onButton"]>[1]): Promise<void> {
    await respond.acknowledge?.();
    const origin = await respond.thread();
    this.presses.push({ press, origin });
    await respond.replyPrivately({ kind: "notice", text: `pressed ${press.action?.kind ?? "unreadable"}` });
  }
}

// The inbound half of the chat contract: a command, a pasted message or a button press,
// normalised across platforms, with the responder that answers it, and the app's entry points a
// platform calls (src/app/handlers.ts implements them).
import type { HomeView } from "./home.js";
import type { Origin, OutboundMessage, PlatformName } from "./types.js";

/** A slash command, normalised across platforms. */
export interface CommandRequest {
  platform: PlatformName;
  /** Unique per request (Slack trigger id / event id, Discord interaction id); used to de-duplicate. */
  requestId: string;
  channel: string;
  user: string;
  /** The words after `/rdns`, e.g. ["203.0.113.5", "mail.example.com"] or ["watch", "203.0.113.0/28"]. */
  args: string[];
  /**
   * Set by platforms whose users fill named options instead of typing words (Discord): the
   * command and its option values. The app reads these instead of parsing `args`.
   */
  named?: { command: string; options: Record<string, string> };
}

/** What a command may do in reply; the platform supplies it. */
export interface CommandResponder {
  /**
   * Tells the platform the request arrived, before anything slow (Slack's ack() within 3 s,
   * Discord's deferred "thinking…" answer). The app calls it first; calling it again does
   * nothing. False: the platform can no longer answer this request (an expired or already used
   * Discord interaction), so it is dropped. Absent: the platform needs no acknowledgement.
   */
  acknowledge?(): Promise<boolean>;
  /** An answer only the asking user sees (ephemeral where the platform has it). */
  replyPrivately(message: OutboundMessage): Promise<void>;
  /** A public answer in the channel (no thread). */
  replyPublicly(message: OutboundMessage): Promise<void>;
  /** Post the public parent message and open the thread that results will go to. */
  openThread(message: OutboundMessage): Promise<Origin>;
  /**
   * Replace the public parent message openThread posted (origin.parent), e.g. a "Checking…" whose
   * check could not be queued: nobody is left reading a promise that will not be kept.
   */
  replaceOpened(origin: Origin, message: OutboundMessage): Promise<void>;
}

/** A message posted in a support channel (for pasted bounces), normalised. */
export interface PastedMessage {
  platform: PlatformName;
  requestId: string;
  channel: string;
  user: string;
  text: string;
  /** Attached .eml files, already downloaded (bounded in size by the platform). */
  attachments: { name: string; content: Buffer }[];
}

/** What the platform hands to the app for a pasted message it decided to read. */
export interface PasteResponder {
  /** Open (or name) the thread on the pasted message itself. */
  openThread(): Promise<Origin>;
}

/**
 * What a button on a check result asks for, as the platform decoded it from the button's own
 * value (Slack `value`, Discord `custom_id`). Shape only: the app checks every field again
 * (a public IP, a HELO a server could announce, a chain it knows) before acting on it.
 */
export type ButtonAction =
  /** Re-check now: the target itself, or (Discord's `rdns:recheck:<chain>`) the chain that names it. */
  | { kind: "recheck"; target: { ip: string; helo: string | null } | { chainId: string } }
  /** Watch this IP: this channel watches it from now on. */
  | { kind: "watch"; ip: string }
  /** Stop re-checking: ends the chain. */
  | { kind: "stop"; chainId: string };

/** A press of one of the bot's buttons, normalised. */
export interface ButtonPress {
  platform: PlatformName;
  /** Unique per press (Slack trigger id, Discord interaction id). */
  requestId: string;
  channel: string;
  /** The platform's user id (rate limits count it). */
  user: string;
  /** How the thread names who pressed (a display name, bounded), e.g. "alice stopped re-checking". */
  userName: string;
  /** Null when the button's value could not be read (not ours, or from an older version). */
  action: ButtonAction | null;
}

/** What the app may do in answer to a press; the platform supplies it. */
export interface ButtonResponder {
  /** As CommandResponder.acknowledge (Slack's ack(), Discord's DEFERRED_UPDATE_MESSAGE). */
  acknowledge?(): Promise<boolean>;
  /** An answer only the presser sees, next to the message the button is on. */
  replyPrivately(message: OutboundMessage): Promise<void>;
  /** The thread of the message the button is on (where results land), opened if it has none yet. */
  thread(): Promise<Origin>;
}

/**
 * A message a person asked the bot about, anywhere (docs/chat-commands.md "Act on any message"):
 * the Slack shortcut or Discord context-menu "Check with rdns" on a message (`shortcut`), a
 * message that mentions the bot (`mention`, the mention taken out of `text`) or one sent to it
 * directly (`direct`). Read as a pasted bounce, or as an IP or host name when that is all it holds.
 */
export interface AskedMessage extends PastedMessage {
  via: "shortcut" | "mention" | "direct";
}

/** Where an answer about an asked-about message went: its origin, or why the bot may not post there. */
export type Opened = { ok: true; origin: Origin } | { ok: false; reason: string };

/** What the app may do in answer to an asked-about message; the platform supplies it. */
export interface AskResponder {
  /** As CommandResponder.acknowledge (Slack's ack(), Discord's deferred ephemeral answer). */
  acknowledge?(): Promise<boolean>;
  /** An answer only the asking person sees (Slack: ephemeral or response_url; Discord: ephemeral). */
  replyPrivately(message: OutboundMessage): Promise<void>;
  /**
   * Posts `message` in the thread on the asked-about message (Discord: a thread on it, or the
   * channel where threads are not allowed); the post is the origin's parent. `ok: false` with
   * the platform's reason when the bot may not post there (a DM it is not in, a channel it has
   * not joined).
   */
  openThread(message: OutboundMessage): Promise<Opened>;
  /** Posts `message` where only the person and the bot talk (a direct message): the fallback. */
  openPrivately(message: OutboundMessage): Promise<Origin>;
  /** As CommandResponder.replaceOpened. */
  replaceOpened(origin: Origin, message: OutboundMessage): Promise<void>;
}

/** An address option being typed (Discord autocomplete): what to offer. */
export interface CompletionQuery {
  platform: PlatformName;
  channel: string;
  /** The command (`status`, `unwatch`, `recheck`, `stop`) and the option being typed. */
  command: string;
  option: string;
  typed: string;
}

/** One person's Home (Slack App Home): which of the watching channels they are in. */
export interface HomeRequest {
  platform: PlatformName;
  user: string;
  /** Whether the person is in this channel (the platform asks its API; cached there). */
  isMember(channel: string): Promise<boolean>;
}

/** The app's entry points, called by each platform's inbound side. */
export interface InboundHandlers {
  onCommand(request: CommandRequest, respond: CommandResponder): Promise<void>;
  onPaste(message: PastedMessage, respond: PasteResponder): Promise<void>;
  /** A button on one of the bot's messages (platforms without buttons never call it). */
  onButton(press: ButtonPress, respond: ButtonResponder): Promise<void>;
  /** A message a person asked about (shortcut, context menu, mention, direct message). */
  onAsk?(message: AskedMessage, respond: AskResponder): Promise<void>;
  /** Choices for an address option being typed: at most 25, best first. */
  onComplete?(query: CompletionQuery): Promise<string[]>;
  /** What a person's Home shows (src/app/home.ts). */
  onHome?(request: HomeRequest): Promise<HomeView>;
}

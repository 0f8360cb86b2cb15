// The inbound half of the chat contract: a command, a pasted message or a button press,
// normalised across platforms, with the responder that answers it, and the app's entry points a
// platform calls (src/app/handlers.ts implements them).
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

/** The app's entry points, called by each platform's inbound side. */
export interface InboundHandlers {
  onCommand(request: CommandRequest, respond: CommandResponder): Promise<void>;
  onPaste(message: PastedMessage, respond: PasteResponder): Promise<void>;
  /** A button on one of the bot's messages (platforms without buttons never call it). */
  onButton(press: ButtonPress, respond: ButtonResponder): Promise<void>;
}

// The chat contract: platform-neutral shapes every layer above the domain shares (origins, reply
// addresses, outbound message kinds, the ChatSender). It sits below queue, store, render and the
// platforms, so a queued job can carry a reply address back to the right thread on any platform.
import type { BounceFinding } from "../bounce/types.js";
import type { BlocklistStatus, FcrdnsResult, Verdict } from "../check/types.js";
import type { DmarcRow } from "../dmarc/types.js";
import type { InboundHandlers } from "./inbound.js";
import type { ReportView, VerdictView } from "./views.js";

export type { HomeRow, HomeView } from "./home.js";
export type {
  AskedMessage,
  AskResponder,
  ButtonAction,
  ButtonPress,
  ButtonResponder,
  CommandRequest,
  CommandResponder,
  CompletionQuery,
  HomeRequest,
  InboundHandlers,
  Opened,
  PastedMessage,
  PasteResponder,
} from "./inbound.js";

export type PlatformName = "console" | "slack" | "discord";

/**
 * Where a message lives or a thread is, as a plain string a job can carry:
 * `slack:C123:1700000000.000100` (channel and thread/message ts),
 * `discord:<channelId>:<messageId>` (a thread's channel id, or a channel and message),
 * `console:<channel>:<session>-<n>`.
 * Only the platform that made an address parses it.
 */
export type ReplyAddress = string;

/** Where results for one request go: the thread, and the parent message whose verdict line is updated. */
export interface Origin {
  platform: PlatformName;
  /** The channel the request came from (for watches and rate limits). */
  channel: string;
  thread: ReplyAddress;
  /** The parent message to update with the verdict (Slack chat.update, Discord edit original). */
  parent: ReplyAddress | null;
  /**
   * A pasted bounce named this blocklist (src/bounce/blocklist-named.ts): the thread's report
   * shows that list's state first.
   */
  focusList?: string;
}

/**
 * How a watched address changed: its verdict, its PTR names ("drifted"), or, with the verdict and
 * names unchanged, its HELO problems appearing ("helo-broke") or going away ("helo-recovered").
 */
export type WatchChange =
  | "broke"
  | "recovered"
  | "drifted"
  | "helo-broke"
  | "helo-recovered"
  /** A probing watch: the SMTP greeting names another host than before (`previousNames`: the old name). */
  | "greeting-drifted"
  /** A DNS blocklist now lists it, or no longer does (`lists` names which). */
  | "listed"
  | "delisted";

/**
 * One source IP of a DMARC aggregate report posted in a support channel (src/app/dmarc-paste.ts):
 * the reader's row (src/dmarc/types.ts) without its per-result splits. `headerFrom` is the
 * reporter's bytes, untrusted.
 */
export type DmarcSourceRow = Pick<DmarcRow, "ip" | "count" | "spf" | "dkim" | "disposition" | "headerFrom">;

/** A file sent with a message (Slack: a v2 file upload into the thread; Discord: an attachment). */
export interface ChatAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * One watched address as `/rdns status`, the servers page, GET /api/servers and the CSV all show
 * it (src/app/server-rows.ts builds it): one shape everywhere.
 */
export interface StatusRow {
  ip: string;
  /** The watch's target as typed (an IP or a range). */
  watch: string;
  /** The channel key, `<platform>:<channel id>`. */
  channel: string;
  ptr: string[];
  fcrdns: FcrdnsResult;
  helo: { name: string; matchesPtr: boolean | null; resolvesToIp: boolean | null } | null;
  /** "pending": watched, but no check has finished yet. */
  verdict: Verdict | "pending";
  problems: string[];
  /** When the current state began (the last change in the history), ISO 8601; null before the first check. */
  since: string | null;
  /** When the address was last checked, ISO 8601; null before the first check. */
  checkedAt: string | null;
  /** The channel's watches are paused: its deliveries kept failing (src/app/paused-watches.ts). */
  paused: boolean;
  /** Who controls the PTR (the owner section's row facts); absent or null when not known. */
  owner?: { zone: string | null; provider: string | null; contact: string | null } | null;
  /** The SMTP greeting's name of a watch that probes (`/rdns watch <ip> probe`); absent otherwise. */
  smtp?: { outcome: string; bannerName: string | null; matchesPtr: boolean | null } | null;
  /** The watch's own interval in seconds (`/rdns watch ... every`); null: the deployment's. */
  everySeconds: number | null;
  /** The end of the watch's maintenance window (`/rdns mute`), ISO 8601; null when none is set. */
  mutedUntil: string | null;
  /** Each blocklist's state in the last check (empty: none asked, or only the watch's state is known). */
  blocklists: BlocklistRow[];
}

/** A blocklist's state as a row shows it (src/check/sections/blocklists). */
export interface BlocklistRow {
  zone: string;
  status: BlocklistStatus;
  codes: string[];
}

/** One watch of a channel, counted by verdict (`/rdns status` without an argument). */
export interface StatusWatchSummary {
  watch: string;
  helo: string | null;
  paused: boolean;
  counts: Record<StatusRow["verdict"], number>;
}

/** One address that does not pass, in a watch's baseline: its PTR and its main problem. */
export interface BaselineLine {
  ip: string;
  verdict: "fail" | "inconclusive";
  ptr: string[];
  /** The problem code that matters most (an error before a warning), null when none was named. */
  problem: string | null;
  /** That problem's message, in one short line. */
  detail: string;
}

/** One changed address in a watch's run summary. */
export interface WatchSummaryLine {
  ip: string;
  change: WatchChange;
  verdict: Verdict;
  ptr: string[];
  /** What the address showed before (the PTR names, or the SMTP greeting's for "greeting-drifted"). */
  previousNames: string[];
  /** Its main problem now (an error before a warning), null when it has none. */
  problem: string | null;
}

/**
 * Everything the bot says, as data. Platforms render these (src/render/): Block Kit, embeds or
 * plain text. Text fields hold plain text; renderers escape them, markup is theirs alone.
 */
export type OutboundMessage =
  /**
   * `chain`: a re-check chain's notice ("fixed at the authority") carries the buttons of a check
   * result for that chain (Re-check now, Watch this IP, Stop re-checking).
   */
  | { kind: "notice"; text: string; chain?: { ip: string; helo: string | null; chainId: string } }
  /** `storageFull`: checked, but Redis is full, so the answer waits (the reference is the log's). */
  | { kind: "checking"; ip: string; helo: string | null; storageFull?: { reference: string } }
  /**
   * `chainId`: the re-check chain this result belongs to while it is open (the failure will be
   * re-checked), else null or absent; buttons carry it to stop that chain (src/app/chains.ts).
   */
  /**
   * `reusedSeconds`: this answer is an earlier check's, reused for an asker who came within the
   * de-duplication window (src/app/request-check.ts); how old it was when reused.
   */
  /**
   * A delivery job carries each report as the view its message renders (src/chat/views.ts): the
   * verdict's is the one line (VerdictView), or on a platform whose parent shows the report's
   * fields (Discord) a ReportView; the other kinds' is a ReportView.
   */
  | { kind: "verdict"; report: VerdictView | ReportView; chainId?: string | null; reusedSeconds?: number }
  | {
      kind: "report";
      report: ReportView;
      chainId?: string | null;
      reusedSeconds?: number;
      /** The blocklist a pasted bounce named: its state comes first (Origin.focusList). */
      focusList?: string;
    }
  | { kind: "bounce"; findings: BounceFinding[]; truncated: boolean }
  /**
   * A DMARC aggregate report file posted in a support channel: its busiest sources (`rows`, most
   * messages first) of `sources` in all; or, when it was not read, `refused` (one plain reason)
   * and no rows.
   */
  | {
      kind: "dmarc";
      file: string;
      refused: string | null;
      rows: DmarcSourceRow[];
      sources: number;
      messages: number;
      reports: number;
    }
  | {
      kind: "cleared";
      report: ReportView;
      elapsedSeconds: number;
      rechecks: number;
      /** Resolvers that gave no conclusive answer on the clearing check: "cleared" cannot speak for them. */
      silentResolvers?: string[];
      /** Seconds since a poll saw the fix at the authority, when one did. */
      sinceFixSeconds?: number;
      /** DNS questions the chain asked, first check to this one (shared polls counted in full). */
      questions?: number;
    }
  | {
      kind: "still-failing";
      report: ReportView;
      elapsedSeconds: number;
      rechecks: number;
      /** The chain's last word: re-checks stopped at RECHECK_MAX_HOURS. */
      final?: boolean;
      /** The open chain (as on "report"), so the notice's buttons can stop it. */
      chainId?: string | null;
    }
  | { kind: "could-not-tell"; ip: string; detail: string; attempts: number }
  /**
   * The check was never queued (the bot could not reach its queue, or with `storageFull` Redis is
   * full, and the log line carries the reference): nothing was asked of DNS, so this says neither
   * "no PTR" nor "DNS did not answer".
   */
  | { kind: "not-queued"; ip: string; storageFull?: { reference: string } }
  | {
      kind: "watch-change";
      target: string;
      change: WatchChange;
      report: ReportView;
      previousNames: string[];
      /** For "listed" / "delisted": the blocklists that changed (zone names). */
      lists?: string[];
      /** The watch's own target (an IP or a range); absent in notices queued before it was carried. */
      watch?: string;
    }
  /**
   * A new watch's first run, in its thread: how many addresses pass, fail and could not be told,
   * then the addresses that do not pass. Many of them are grouped by problem (`groups`, each with
   * a few example addresses) and only the first `lines` are listed; `unlisted` says how many not.
   */
  | {
      kind: "watch-baseline";
      target: string;
      pass: number;
      fail: number;
      inconclusive: number;
      groups: { problem: string; count: number; ips: string[] }[];
      lines: BaselineLine[];
      unlisted: number;
    }
  /**
   * More than a few addresses of one watch changed in one run (workers/watch-summary.ts): one
   * message instead of one per address. `changes` counts them by kind of change, `groups` by the
   * main problem each has now (a baseline's shape, with a few example addresses), `lines` are the
   * first addresses in address order, and `attachment` is every changed address as CSV.
   */
  | {
      kind: "watch-summary";
      target: string;
      total: number;
      changes: { change: WatchChange; count: number }[];
      groups: { problem: string; count: number; ips: string[] }[];
      lines: WatchSummaryLine[];
      attachment: ChatAttachment;
    }
  | { kind: "watches"; channel: string; targets: string[] }
  /**
   * `/rdns status`: per-watch counts, then rows (all of the asked target's, or the non-passing
   * ones). A platform shows as many rows as fit its limits, says how many more, and then sends
   * `attachment` (the whole table as CSV) with the message.
   */
  | {
      kind: "status";
      /** The IP or range asked about; null for the whole channel. */
      scope: string | null;
      summaries: StatusWatchSummary[];
      rows: StatusRow[];
      /** Passing rows left out of `rows` (the whole-channel form lists only the others). */
      passingLeftOut: number;
      attachment: ChatAttachment;
    }
  | { kind: "usage-error"; problem: string; example: string };

/**
 * What a caller may tell a ChatSender about the send. `deliveryId` is the queued delivery's id
 * (src/queue/ids.ts): the same id on every retry of one delivery, different for two deliveries
 * that happen to say the same thing. Platforms use it as their idempotency key (Discord nonce,
 * Slack message metadata); without it they fall back to weaker de-duplication.
 */
export interface SendOptions {
  deliveryId?: string;
}

/** The outbound half: what deliveries need. Implementations must be safe to retry. */
export interface ChatSender {
  readonly name: PlatformName;
  /**
   * A delivery route of this process alone, when its addresses belong to it (a console's
   * session): deliveries to them wait in a queue only this process consumes, so two consoles on
   * one Redis each print their own answers (src/queue/delivery-routes.ts). Absent for Slack and
   * Discord, whose replicas may each post any delivery.
   */
  readonly route?: string;
  /** Post a new top-level message in a channel; returns its address (usable as a thread). */
  post(channel: string, message: OutboundMessage, options?: SendOptions): Promise<ReplyAddress>;
  /** Reply inside a thread; returns the reply's address. */
  reply(thread: ReplyAddress, message: OutboundMessage, options?: SendOptions): Promise<ReplyAddress>;
  /** Replace a message the bot posted. */
  update(target: ReplyAddress, message: OutboundMessage, options?: SendOptions): Promise<void>;
}

/**
 * Properties a ChatSender may set on the Error it throws, so the delivery worker retries well
 * (workers/delivery.ts): `retryAfterMs` from a 429's Retry-After (Slack `retry_after`, Discord
 * `retry_after`) puts that one delivery back as delayed for that long without spending an
 * attempt (other deliveries to the platform go on: its limits are per method or route);
 * `permanent` (channel not found, not in channel, invalid auth) stops retrying. Anything else
 * is retried with exponential back-off.
 */
export interface DeliveryErrorHints {
  retryAfterMs?: number;
  permanent?: boolean;
  /**
   * The channel itself is gone or closed to the bot (Slack channel_not_found, not_in_channel,
   * is_archived; Discord Unknown Channel 10003, Missing Access 50001): a watch posting there is
   * paused after a few such failures (src/app/paused-watches.ts). Narrower than `permanent`, which
   * also covers a bad token or a message the platform refuses: those are not the channel's fault.
   */
  channelGone?: boolean;
}

/** A running chat front end: inbound (start with handlers) and outbound (ChatSender). */
export interface ChatPlatform extends ChatSender {
  start(handlers: InboundHandlers): Promise<void>;
  stop(): Promise<void>;
  /**
   * True while the platform can take requests and send answers (listening, or its socket to the
   * chat service is open); /readyz reports a started platform that is not.
   */
  ready(): boolean;
  /**
   * A watch of this platform's `channel` (its id, no platform prefix) was added, removed, muted or
   * changed state, in this process or another (src/app/watch-changes.ts): refresh what shows the
   * channel's watches. Optional: a platform with nothing to refresh leaves it out.
   */
  watchesChanged?(channel: string): void;
}

/**
 * Thrown by a ChatSender when the platform said "too many requests" (Slack 429 + Retry-After,
 * Discord 429 + retry_after), carrying DeliveryErrorHints.retryAfterMs. The sender does not wait
 * in-process; the delivery worker re-schedules that delivery (see workers/delivery.ts).
 */
export class RateLimitedError extends Error implements DeliveryErrorHints {
  override name = "RateLimitedError";
  constructor(
    message: string,
    /** How long the platform asked us to wait before trying this call again, ms. */
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

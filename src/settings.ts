// The engine's knobs, derived once from the validated configuration (src/config.ts). They sit
// below the queue, the store, the app and the workers, which all read them; tests build their
// own (short windows, fast back-offs, a unique prefix) instead of touching the environment.
import { createRdapLookup, inProcessRdapCache, type RdapCache } from "./check/sections/owner/rdap.js";
import { NEUTRAL_EHLO_NAME } from "./check/sections/smtp/probe.js";
import type { BlocklistOptions, RdapLookup } from "./check/types.js";
import type { Config } from "./config.js";
import { deploymentPrefix } from "./keys.js";

export interface EngineSettings {
  /** Prefix of every Redis key: BullMQ's `prefix` and the store's keys. */
  prefix: string;
  /** How the check is run (src/check CheckOptions minus the IP). */
  check: {
    resolvers: string[];
    authorities: string[];
    timeoutMs: number;
    deadlineMs?: number;
    /** RDAP for the owner section (RDAP, RDAP_URL); absent or null: none. */
    rdap?: RdapLookup | null;
    /** DNSBL_ZONES and SPAMHAUS_DQS_KEY (absent: no list is asked, as tests' own settings do). */
    blocklists?: BlocklistOptions;
    /** The SMTP probe's EHLO name (smtpProbeHeloOf); absent: the probe's neutral name. */
    smtpHelo?: string;
    /** SHOW_PRIVATE_ADDRESSES: reports keep the non-public addresses names resolve to (issue 28). */
    showPrivateAddresses?: boolean;
  };
  checkConcurrency: number;
  /** Same IP and HELO within this window share one DNS check. */
  dedupWindowMs: number;
  watchIntervalMs: number;
  /** Most addresses one channel may watch. */
  watchCap: number;
  /** Addresses per chunk job of a watch run: a /16 is 65,536 / 256 = 256 jobs. */
  watchChunkSize: number;
  /** Checks in flight at once within one chunk of a watch run (workers/watch.ts). */
  watchChunkConcurrency: number;
  /** Watch jobs (runs and chunks) one worker process takes at once. */
  watchWorkerConcurrency: number;
  /** Re-checks stop this long after the failure was first seen. */
  recheckMaxMs: number;
  /** While a chain waits for the fix, the authority is polled this often (RECHECK_POLL_SECONDS). */
  recheckPollMs: number;
  /** A full check (resolvers too) this often while polling, as a safety net. */
  safetyCheckMs: number;
  /** "Still failing" is said once, this long after the failure was first seen. */
  stillFailingAfterMs: number;
  /** Added to the predicted cache expiry before re-checking (resolver TTLs are whole seconds). */
  recheckMarginMs: number;
  /** Delays between re-checks once the predicted expiry has passed (the last one repeats). */
  recheckBackoffMs: number[];
  /** Re-checks in a row right after a predicted expiry before falling back to the back-off. */
  maxQuickRechecks: number;
  /** BullMQ attempts for a check whose DNS answers are inconclusive, and the first back-off. */
  checkAttempts: number;
  checkRetryDelayMs: number;
  deliveryAttempts: number;
  /**
   * Most posts per second per platform from one bot process (BullMQ's limiter). A platform's
   * Retry-After does not go through it: only the limited delivery waits (workers/delivery.ts).
   */
  deliveryRatePerSecond: number;
  deliveryRetryDelayMs: number;
  /** How long the last report per IP and delivery markers are kept. */
  reportTtlSeconds: number;
  /** BullMQ lock and stalled-job check (defaults 30 s; tests shorten them). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /**
   * A watch hears once when its zone's name servers disagree longer than this
   * (AUTHORITY_LAG_ALERT_MINUTES; tests set milliseconds here directly).
   */
  authorityLagAlertMs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function settingsFromConfig(config: Config): EngineSettings {
  return {
    prefix: deploymentPrefix(config.QUEUE_PREFIX),
    check: {
      resolvers: config.RESOLVERS,
      authorities: config.AUTHORITIES,
      timeoutMs: config.DNS_TIMEOUT_MS,
      // Unset: the check's own default, 3 x the per-question timeout (src/check/deadline.ts).
      ...(config.CHECK_DEADLINE_MS === undefined ? {} : { deadlineMs: config.CHECK_DEADLINE_MS }),
      rdap: rdapFromConfig(config),
      blocklists: { zones: config.DNSBL_ZONES, dqsKey: config.SPAMHAUS_DQS_KEY ?? null },
      smtpHelo: smtpProbeHeloOf(config),
      showPrivateAddresses: config.SHOW_PRIVATE_ADDRESSES,
    },
    checkConcurrency: config.CHECK_CONCURRENCY,
    dedupWindowMs: config.DEDUP_WINDOW_MS,
    watchIntervalMs: config.WATCH_INTERVAL_MS,
    watchCap: config.WATCH_CAP,
    watchChunkSize: 256,
    watchChunkConcurrency: 64,
    watchWorkerConcurrency: 4,
    recheckMaxMs: config.RECHECK_MAX_HOURS * HOUR,
    recheckPollMs: config.RECHECK_POLL_SECONDS * 1000,
    safetyCheckMs: 6 * HOUR,
    stillFailingAfterMs: 24 * HOUR,
    recheckMarginMs: 500,
    recheckBackoffMs: [5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR],
    maxQuickRechecks: 5,
    checkAttempts: 4,
    checkRetryDelayMs: 5000,
    deliveryAttempts: 8,
    deliveryRatePerSecond: 50,
    deliveryRetryDelayMs: 1000,
    reportTtlSeconds: 7 * 24 * 3600,
    lockDurationMs: 30_000,
    stalledIntervalMs: 30_000,
    authorityLagAlertMs: config.AUTHORITY_LAG_ALERT_MINUTES * MINUTE,
  };
}

/**
 * The name the SMTP probe announces in EHLO: SMTP_PROBE_HELO, else SMTP_DOMAIN (the bot's own
 * public mail domain, which resolves: RFC 5321 2.3.5), else a neutral `.invalid` name
 * (NEUTRAL_EHLO_NAME says why). Never os.hostname() or the local address.
 */
export function smtpProbeHeloOf(config: Pick<Config, "SMTP_PROBE_HELO" | "SMTP_DOMAIN">): string {
  return config.SMTP_PROBE_HELO ?? config.SMTP_DOMAIN ?? NEUTRAL_EHLO_NAME;
}

/**
 * RDAP as the configuration asks (RDAP=off: none; RDAP_URL: one base for every address), its
 * networks kept in `cache` (default: in this process, bounded; src/check/sections/owner/rdap.ts).
 */
export function rdapFromConfig(
  config: Pick<Config, "RDAP" | "RDAP_URL">,
  cache: RdapCache = inProcessRdapCache(),
): RdapLookup | null {
  return config.RDAP ? createRdapLookup({ baseUrl: config.RDAP_URL ?? null, cache }) : null;
}

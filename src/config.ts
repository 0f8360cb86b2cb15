// The only place that reads the environment (docs/configuration.md). `loadConfig` is pure:
// it takes the environment as an argument so tests can pass their own.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { parseServer } from "./check/server.js";

/** A comma- or space-separated list, e.g. "127.0.0.1:5301, 127.0.0.1:5302". */
const list = z
  .string()
  .optional()
  .transform((value) => (value ?? "").split(/[\s,]+/).filter((item) => item.length > 0));

/**
 * A list of DNS servers, each checked with the check's own parser (src/check/server.ts), so a
 * typo stops start-up naming the entry instead of failing every check later.
 */
const serverList = list.superRefine((servers, ctx) => {
  for (const server of servers) {
    try {
      parseServer(server);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  }
});

/** A list of Redis servers as `host:port` (REDIS_SENTINELS, REDIS_CLUSTER_NODES). */
const hostPortList = list
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (parseHostPort(entry) === null)
        ctx.addIssue({ code: "custom", message: `"${entry.slice(0, 60)}": host:port expected` });
    }
  })
  .transform((entries) => entries.map((entry) => parseHostPort(entry) as HostPort));

export interface HostPort {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port` with a port from 1 to 65535; null otherwise. */
function parseHostPort(text: string): HostPort | null {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65_535) return null;
  return { host: (match[1] ?? match[2]) as string, port };
}

function isCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

/** A fully-qualified domain name: at least two labels, the last not numeric (RFC 1123 2.1). */
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 4.1.3). */
function isAddressLiteral(text: string): boolean {
  const match = /^\[(?:IPv6:([0-9a-f:.]+)|([0-9.]+))\]$/i.exec(text);
  if (match === null) return false;
  return match[1] !== undefined
    ? ipaddr.IPv6.isValid(match[1])
    : ipaddr.IPv4.isValidFourPartDecimal(match[2] ?? "");
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const port = z.coerce.number().int().min(1).max(65_535);
const userLimit = z.coerce.number().int().min(1).max(10_000);
const channelLimit = z.coerce.number().int().min(1).max(100_000);
const limitWindow = z.coerce.number().int().min(1).max(86_400);

/** DNSBL_ZONES's default: the three lists docs/configuration.md describes. */
export const DEFAULT_DNSBL_ZONES = ["zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net"];

function splitZones(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((zone) => zone.toLowerCase().replace(/\.$/, ""))
    .filter((zone) => zone.length > 0);
}

/** SLACK_PORT's default, and PORT's. */
export const DEFAULT_SLACK_PORT = 3000;

const schema = z.object({
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  RESOLVERS: serverList,
  AUTHORITIES: serverList,
  DNS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** Whole-check deadline (src/check/deadline.ts); unset: 3 x DNS_TIMEOUT_MS. */
  CHECK_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  /**
   * Show the non-public addresses (loopback, RFC 1918, link-local, unique-local) that PTR, HELO
   * and typed host names resolve to, in every report, chat answer, page and notice; off: they are
   * named "a private address" only (issue 28; docs/operations.md says what this exposes).
   */
  SHOW_PRIVATE_ADDRESSES: z
    .enum(["0", "1", "true", "false"], {
      message: "1 (show non-public addresses in every answer) or 0 (name them only as private)",
    })
    .default("0")
    .transform((value) => value === "1" || value === "true"),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText,
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_API_URL: optionalText,
  /** Register /rdns in this server only (npm run discord:register); global when unset. */
  DISCORD_GUILD_ID: optionalText,
  SUPPORT_CHANNELS: list,
  // Slack .eml attachments larger than this are not downloaded (src/platforms/slack/).
  SLACK_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(20_000_000).default(1_048_576),
  // /rdns commands per user / per channel per window on every chat platform, answered with "try
  // again in N s" (src/app/command-limits.ts). Unset: the defaults below, and the console (the
  // operator's own terminal) is not limited.
  LIMIT_USER_COMMANDS: userLimit.optional(),
  LIMIT_CHANNEL_COMMANDS: channelLimit.optional(),
  LIMIT_WINDOW_SECONDS: limitWindow.optional(),
  /** The old names of the three above, from when only Slack was limited (RENAMED). */
  SLACK_USER_COMMANDS_PER_WINDOW: userLimit.optional(),
  SLACK_CHANNEL_COMMANDS_PER_WINDOW: channelLimit.optional(),
  SLACK_COMMAND_WINDOW_SECONDS: limitWindow.optional(),
  // Slack's Events API receiver (HTTP mode only; Socket Mode and Discord listen on nothing).
  SLACK_PORT: port.optional(),
  /** The old name of SLACK_PORT, still read when SLACK_PORT is unset (docs/configuration.md). */
  PORT: port.optional(),
  // The engine (issue 4): queues, re-checks, watches, de-duplication.
  // Written without braces; the keys carry it as the hash tag `{rdns}` (src/keys.ts
  // deploymentPrefix). A prefix already written as that tag is the same deployment.
  QUEUE_PREFIX: z
    .string()
    .regex(/^(?:[A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\})$/, "letters, digits, _ and - only")
    .default("rdns"),
  CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  WATCH_INTERVAL_MS: z.coerce.number().int().min(10_000).default(3_600_000),
  WATCH_CAP: z.coerce.number().int().min(1).max(1_048_576).default(65_536),
  RECHECK_MAX_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(48),
  // How often a failing chain asks the authority whether the fix is in (issue 10); at least 1 s.
  RECHECK_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  // A watch hears once when its reverse zone's name servers disagree longer than this (issue 29).
  AUTHORITY_LAG_ALERT_MINUTES: z.coerce
    .number()
    .min(1)
    .max(30 * 24 * 60)
    .default(60),
  DEDUP_WINDOW_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  // The web port (servers page, /metrics, /healthz, /readyz, Bull Board); docs/operations.md.
  // 0 picks a free port (tests running many processes at once); the log says which.
  WEB_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  WEB_HOST: z.string().trim().min(1).default("127.0.0.1"),
  WEB_TOKEN: optionalText.pipe(
    z
      .string()
      .min(16, "at least 16 characters (make one with: openssl rand -hex 32)")
      .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces (it travels in an HTTP header)")
      .optional(),
  ),
  /**
   * The servers page sits behind a TLS-terminating proxy: believe its X-Forwarded-Proto (the
   * token cookie is then Secure on https) and X-Forwarded-For/Host. `1`/`true` trusts whoever
   * connects; a list of addresses or CIDRs trusts only those peers. Unset or `0`: headers ignored.
   */
  TRUST_PROXY: list
    .superRefine((entries, ctx) => {
      if (entries.length === 1 && /^(0|1|true|false)$/.test(entries[0] ?? "")) return;
      for (const entry of entries) {
        if (!ipaddr.isValid(entry) && !isCidr(entry)) {
          ctx.addIssue({
            code: "custom",
            message: `"${entry.slice(0, 60)}": 1, 0, or proxy addresses/CIDRs`,
          });
        }
      }
    })
    .transform((entries): boolean | string[] =>
      entries.length === 0 || /^(0|false)$/.test(entries[0] ?? "")
        ? false
        : /^(1|true)$/.test(entries[0] ?? "")
          ? true
          : entries,
    ),
  /** Bull Board may retry, remove and pause jobs only when this is 1; read-only otherwise. */
  ADMIN_WRITE: z
    .enum(["0", "1", "true", "false"], { message: "1 (Bull Board may change jobs) or 0 (read-only)" })
    .default("0")
    .transform((value) => value === "1" || value === "true"),
  // Bytes of a pasted bounce, .eml or mail log read at most (rdns bounce and the bot); the rest is
  // cut and the answer says so.
  BOUNCE_MAX_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(10_485_760),
  /** The servers page's public address: the Slack App Home's "Open the servers page" button. */
  SERVERS_PAGE_URL: optionalText.pipe(z.string().url().optional()),
  /** Unset: `warn` in the console chat (its terminal is the conversation), `info` otherwise. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  /** Write the logs into this file (appended) instead of stderr. */
  LOG_FILE: optionalText,
  /** RDAP for the owner section's network (RFC 9082/9083): off asks no RDAP server. */
  RDAP: z
    .enum(["on", "off", "1", "0", "true", "false"], { message: "on (ask RDAP for the network) or off" })
    .default("on")
    .transform((value) => value === "on" || value === "1" || value === "true"),
  /** One RDAP base URL for every address (`<RDAP_URL>/ip/<address>`); unset: the RIRs' bootstrap ranges. */
  RDAP_URL: optionalText.refine(
    (value) => value === undefined || /^https?:\/\/[^\s/]+/i.test(value),
    "an http(s) URL, e.g. https://rdap.example.net/",
  ),
  /**
   * DNS blocklists every check asks (src/check/sections/blocklists): zone names, comma-separated;
   * `none` asks no list. Checked as DNS names so a typo stops start-up, not every check.
   */
  DNSBL_ZONES: z
    .string()
    .optional()
    .transform((value) =>
      value === undefined
        ? DEFAULT_DNSBL_ZONES
        : value.trim().toLowerCase() === "none"
          ? []
          : splitZones(value),
    )
    .superRefine((zones, ctx) => {
      for (const zone of zones) {
        if (!/^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z]{2,63}$/i.test(zone)) {
          ctx.addIssue({
            code: "custom",
            message: `"${zone.slice(0, 80)}" is not a zone name (e.g. zen.spamhaus.org)`,
          });
        }
      }
    }),
  /**
   * Spamhaus Data Query Service key: zen.spamhaus.org is then asked as <key>.zen.dq.spamhaus.net
   * (reports still say zen.spamhaus.org; the key is never shown or logged).
   */
  SPAMHAUS_DQS_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z0-9]{1,63}$/i, "letters and digits only (the key from your Spamhaus DQS account)")
      .optional(),
  ),
  // The test-mail listener (docs/operations.md "Test mail"): off while SMTP_PORT is unset; 0 picks
  // a free port (tests). SMTP_DOMAIN is the domain of the test addresses (its MX or A record points
  // here); SMTP_PROXY_FROM the load balancers whose connections start with a PROXY header.
  SMTP_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  SMTP_HOST: z.string().trim().min(1).default("127.0.0.1"),
  SMTP_DOMAIN: optionalText.pipe(
    z
      .string()
      .regex(FQDN, "a domain name, e.g. mailtest.example.com")
      .transform((domain) => domain.toLowerCase())
      .optional(),
  ),
  SMTP_PROXY_FROM: list.superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (!ipaddr.isValid(entry) && !isCidr(entry))
        ctx.addIssue({ code: "custom", message: `"${entry.slice(0, 60)}": an address or CIDR` });
    }
  }),
  /** PEM files for STARTTLS; unset: smtp-server's built-in test certificate (encrypted, not private). */
  SMTP_TLS_CERT: optionalText,
  SMTP_TLS_KEY: optionalText,
  /** Connections at once from one client (after the PROXY header): an IPv4 address or an IPv6 /64. */
  SMTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(10),
  /**
   * The name the SMTP probe (`--smtp`, `/rdns probe`) sends in EHLO to servers chat users name;
   * unset: SMTP_DOMAIN, else a neutral name (src/settings.ts smtpProbeHeloOf). An FQDN or an
   * address literal (RFC 5321 4.1.1.1), checked so that nothing but one name reaches the wire.
   */
  SMTP_PROBE_HELO: optionalText.pipe(
    z
      .string()
      .refine(
        (name) => FQDN.test(name) || isAddressLiteral(name),
        "a full host name or an address literal, e.g. probe.example.com or [192.0.2.1]",
      )
      .transform((name) => (name.startsWith("[") ? name : name.toLowerCase()))
      .optional(),
  ),
  // Redis beyond one server (docs/operations.md "Sentinel and Cluster"): Sentinels that name the
  // primary, or a Redis Cluster's seed nodes, instead of REDIS_URL (redisTargetOf below).
  REDIS_SENTINELS: hostPortList,
  REDIS_SENTINEL_NAME: z.string().trim().min(1).default("mymaster"),
  /** The Sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
  REDIS_SENTINEL_PASSWORD: optionalText,
  /** The password of the primary and replicas (Sentinel) or of the cluster nodes. */
  REDIS_PASSWORD: optionalText,
  REDIS_CLUSTER_NODES: hostPortList,
});

/** Variables read under an old name: the old name, the new one. */
const RENAMED = [
  ["PORT", "SLACK_PORT"],
  ["SLACK_USER_COMMANDS_PER_WINDOW", "LIMIT_USER_COMMANDS"],
  ["SLACK_CHANNEL_COMMANDS_PER_WINDOW", "LIMIT_CHANNEL_COMMANDS"],
  ["SLACK_COMMAND_WINDOW_SECONDS", "LIMIT_WINDOW_SECONDS"],
] as const satisfies readonly (readonly [old: keyof Parsed, current: keyof Parsed])[];

/** The command limits' defaults (docs/configuration.md). */
export const DEFAULT_COMMAND_LIMITS = { user: 10, channel: 30, windowSeconds: 60 } as const;

type Parsed = z.infer<typeof schema>;
type OldName = (typeof RENAMED)[number][0];

/** Where Redis is: one server (REDIS_URL), a Sentinel-managed primary, or a Redis Cluster. */
export type RedisTarget =
  | { kind: "url"; url: string }
  | {
      kind: "sentinel";
      sentinels: HostPort[];
      name: string;
      password: string | undefined;
      sentinelPassword: string | undefined;
    }
  | { kind: "cluster"; nodes: HostPort[]; password: string | undefined };

export type Config = Omit<
  Parsed,
  OldName | "SLACK_PORT" | "LIMIT_USER_COMMANDS" | "LIMIT_CHANNEL_COMMANDS" | "LIMIT_WINDOW_SECONDS"
> & {
  /** Where Redis is (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES); src/queue/connection.ts connects. */
  redis: RedisTarget;
  /** The Slack HTTP receiver's port: SLACK_PORT, else the old PORT, else 3000. */
  SLACK_PORT: number;
  /** @deprecated the same value as SLACK_PORT (its old name); read SLACK_PORT. */
  PORT: number;
  /** Each limit: its variable, else its old SLACK_* name, else its default. */
  LIMIT_USER_COMMANDS: number;
  LIMIT_CHANNEL_COMMANDS: number;
  LIMIT_WINDOW_SECONDS: number;
  /** Whether any limit variable (or an old name of one) was set: only then is the console limited. */
  limitsSet: boolean;
  /** One line per variable set under an old name, for start-up to log (empty when none). */
  deprecations: string[];
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the environment; throws a ConfigError naming each bad variable and what it should be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `VAR=` (as .env.example and docker-compose.yml write it) means "not set": take the default.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = schema.superRefine(smtpRules).safeParse(present);
  const refused = redisCombinationIssues(present);
  if (parsed.success && refused.length === 0) {
    const data = parsed.data;
    const slackPort = data.SLACK_PORT ?? data.PORT ?? DEFAULT_SLACK_PORT;
    const {
      SLACK_USER_COMMANDS_PER_WINDOW: oldUser,
      SLACK_CHANNEL_COMMANDS_PER_WINDOW: oldChannel,
      SLACK_COMMAND_WINDOW_SECONDS: oldWindow,
      ...rest
    } = data;
    const limits = [data.LIMIT_USER_COMMANDS, data.LIMIT_CHANNEL_COMMANDS, data.LIMIT_WINDOW_SECONDS];
    return {
      ...rest,
      redis: redisTargetOf(data),
      SLACK_PORT: slackPort,
      PORT: slackPort,
      LIMIT_USER_COMMANDS: data.LIMIT_USER_COMMANDS ?? oldUser ?? DEFAULT_COMMAND_LIMITS.user,
      LIMIT_CHANNEL_COMMANDS: data.LIMIT_CHANNEL_COMMANDS ?? oldChannel ?? DEFAULT_COMMAND_LIMITS.channel,
      LIMIT_WINDOW_SECONDS: data.LIMIT_WINDOW_SECONDS ?? oldWindow ?? DEFAULT_COMMAND_LIMITS.windowSeconds,
      limitsSet: [...limits, oldUser, oldChannel, oldWindow].some((value) => value !== undefined),
      deprecations: deprecations(present),
    };
  }
  const lines = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)),
    ...refused,
  ];
  throw new ConfigError(`invalid configuration (see .env.example):\n  ${lines.join("\n  ")}`);
}

/** The listener needs the domain its addresses are in, and a certificate comes with its key. */
function smtpRules(value: z.infer<typeof schema>, ctx: z.RefinementCtx): void {
  if (value.SMTP_PORT !== undefined && value.SMTP_DOMAIN === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["SMTP_DOMAIN"],
      message: "required when SMTP_PORT is set (the domain of the test addresses)",
    });
  if ((value.SMTP_TLS_CERT === undefined) !== (value.SMTP_TLS_KEY === undefined))
    ctx.addIssue({
      code: "custom",
      path: ["SMTP_TLS_CERT"],
      message: "SMTP_TLS_CERT and SMTP_TLS_KEY go together",
    });
}

function deprecations(present: Record<string, unknown>): string[] {
  return RENAMED.filter(([old]) => old in present).map(([old, current]) =>
    current in present
      ? `${old} is ignored: ${current} is set (${old} is ${current}'s old name; remove ${old})`
      : `${old} is the old name of ${current}; it still works, but rename it to ${current}`,
  );
}

/**
 * The Redis variables that cannot go together: one way to reach Redis at a time, and the
 * Sentinel-only or Sentinel/Cluster-only ones never alone (a password in REDIS_PASSWORD with
 * REDIS_URL would be silently ignored: the URL carries its own).
 */
function redisCombinationIssues(present: Record<string, unknown>): string[] {
  const set = (name: string) => name in present;
  const ways = ["REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"].filter(set);
  const issues: string[] = [];
  if (ways.length > 1) issues.push(`${ways.join(" and ")}: set only one of them (one way to reach Redis)`);
  for (const name of ["REDIS_SENTINEL_NAME", "REDIS_SENTINEL_PASSWORD"])
    if (set(name) && !set("REDIS_SENTINELS"))
      issues.push(`${name}: only read with REDIS_SENTINELS; set REDIS_SENTINELS too`);
  if (set("REDIS_PASSWORD") && !set("REDIS_SENTINELS") && !set("REDIS_CLUSTER_NODES"))
    issues.push(
      "REDIS_PASSWORD: only read with REDIS_SENTINELS or REDIS_CLUSTER_NODES; with REDIS_URL write redis://:password@host:port",
    );
  return issues;
}

function redisTargetOf(parsed: Parsed): RedisTarget {
  if (parsed.REDIS_SENTINELS.length > 0)
    return {
      kind: "sentinel",
      sentinels: parsed.REDIS_SENTINELS,
      name: parsed.REDIS_SENTINEL_NAME,
      password: parsed.REDIS_PASSWORD,
      sentinelPassword: parsed.REDIS_SENTINEL_PASSWORD,
    };
  if (parsed.REDIS_CLUSTER_NODES.length > 0)
    return { kind: "cluster", nodes: parsed.REDIS_CLUSTER_NODES, password: parsed.REDIS_PASSWORD };
  return { kind: "url", url: parsed.REDIS_URL };
}

// One check's shared state: its input, the servers it asks (validated once), its deadline, what it
// has heard so far (for the deadline's account) and the DNS options its PTR questions go with.
import type { SerialCache } from "./authority-serial-cache.js";
import { normaliseServers, systemResolvers } from "./check-servers.js";
import { type Deadline, deadlineTransport } from "./deadline.js";
import { type DnsTransport, query } from "./dns-client.js";
import { foreground } from "./foreground.js";
import type { ParsedIp } from "./ip.js";
import type { QueryOptions } from "./lookups.js";
import type { Progress } from "./partial-observations.js";
import type { CheckOptions } from "./types.js";

export interface CheckDependencies {
  /** How one DNS question is asked (the real UDP/TCP client unless a test passes another). */
  transport?: DnsTransport;
  /** The system's resolvers when none are configured. */
  systemResolvers?: () => string[];
  /**
   * A sweep's kept zone SOAs, shared by its checks (authority-serial-cache.ts): one SOA question
   * per authority and zone a window instead of one beside every PTR. None for an interactive check.
   */
  serialCache?: SerialCache;
}

/** What every step of one check's questions shares: its input, servers, deadline and DNS. */
export interface CheckRun {
  parsed: ParsedIp;
  options: CheckOptions;
  dependencies: CheckDependencies;
  deadline: Deadline;
  progress: Progress;
  resolvers: string[];
  authorities: string[];
  /** The caller's transport (the real client unless a test passes another), counted. */
  counted: DnsTransport;
  /** The PTR work's questions: bounded by the deadline, and what it cuts is the check's. */
  query: QueryOptions;
}

export function startRun(
  parsed: ParsedIp,
  options: CheckOptions,
  dependencies: CheckDependencies,
  deadline: Deadline,
  progress: Progress,
): CheckRun {
  const resolvers = normaliseServers(
    options.resolvers.length > 0 ? options.resolvers : (dependencies.systemResolvers ?? systemResolvers)(),
  );
  const authorities = normaliseServers(options.authorities);
  progress.parsed = parsed;
  progress.resolverServers = resolvers;
  progress.authorityServers = authorities;
  // A background check's questions (a watch run's) wait behind a person's: every question of
  // the check goes through `counted`.
  const client = dependencies.transport ?? query;
  const counted = counting(options.background === true ? inBackground(client) : client, options.onQuestion);
  return {
    parsed,
    options,
    dependencies,
    deadline,
    progress,
    resolvers,
    authorities,
    counted,
    query: {
      transport: deadlineTransport(counted, deadline),
      timeoutMs: options.timeoutMs,
      retries: options.retries ?? 1,
    },
  };
}

/**
 * `transport` for a background check: each question waits while a person's check runs in this
 * process (foreground.ts; at most a second), so a watch's checks already under way pause too,
 * and is marked as a background one for its server's in-flight slots (DnsQuestion.background).
 */
function inBackground(transport: DnsTransport): DnsTransport {
  return (question) => {
    const marked = { ...question, background: true };
    const wait = foreground.idle();
    return wait === undefined ? transport(marked) : wait.then(() => transport(marked));
  };
}

/** `transport`, telling `onQuestion` of each question it asks (unchanged without one). */
function counting(transport: DnsTransport, onQuestion: ((server: string) => void) | undefined): DnsTransport {
  if (onQuestion === undefined) return transport;
  return (question) => {
    onQuestion(question.server);
    return transport(question);
  };
}

// AUTHORITY_LAG (issue 29): the reverse zone's name servers answer differently. The verdict
// already follows the newest serial (authority.ts, authority-serials.ts); this names who lags,
// at which serial, and what receivers reaching it are told.
import { isNegative } from "./negative-cache.js";
import type { AuthorityReport, LookupStatus, Observations, Problem } from "./types.js";
import { CONCLUSIVE_STATUSES } from "./types.js";

/**
 * "ns2.example.net (192.0.2.2:53)" for a discovered server whose NS name is known, else the
 * server as asked.
 */
export function serverLabel(authority: Pick<AuthorityReport, "answers"> | null, server: string): string {
  const name = authority?.answers.find((answer) => answer.server === server)?.nameServer;
  return name === undefined ? server : `${name} (${server})`;
}

function statusWord(status: LookupStatus): string {
  return status === "timeout" ? "timeout" : status.toUpperCase();
}

function answerWords(status: LookupStatus, names: string[]): string {
  return status === "found"
    ? `PTR ${names.join(", ")}`
    : CONCLUSIVE_STATUSES.has(status)
      ? status === "nodata"
        ? "NODATA"
        : "NXDOMAIN"
      : statusWord(status);
}

function serialWords(serial: number | null): string {
  return serial === null ? "an unreadable serial" : `serial ${serial}`;
}

/**
 * AUTHORITY_LAG: the zone's servers answer differently. The verdict already follows the newest
 * serial (authority.ts); this says who lags and what receivers that reach it are told, fresh from
 * that server and not from any cache, so no TTL predicts when it ends (RFC 1996 NOTIFY and the
 * SOA REFRESH timer decide when a secondary catches up).
 */
export function authorityLagProblem(obs: Observations): Problem | null {
  const disagreement = obs.authority?.disagreement ?? null;
  if (disagreement === null || obs.authority === null) return null;
  const taken = answerWords(obs.authority.status, obs.authority.names);
  const label = (server: string) => serverLabel(obs.authority, server);
  const newest = `${disagreement.newest.map(label).join(", ")} (${serialWords(disagreement.serial)}: ${taken})`;
  const others = disagreement.others.map(
    (other) =>
      `${label(other.server)} (${serialWords(other.serial)}: ${answerWords(other.status, other.names)})`,
  );
  if (disagreement.kind === "lag") {
    const negative = disagreement.others.some((other) => isNegative(other.status));
    return {
      code: "AUTHORITY_LAG",
      severity: "warning",
      message: `The reverse zone's name servers disagree: ${others.join("; ")} ${others.length === 1 ? "lags" : "lag"} behind serial ${disagreement.serial} of ${newest}. Receivers whose resolvers ask the lagging server are told its old answer${negative ? ' ("no PTR")' : ""}, fresh from it and not from a cache, so no TTL says when that ends; the verdict follows the newest serial.`,
      fix: "Nothing to change in the PTR. If the lag lasts, whoever runs the lagging server should look at its zone transfers from the primary (NOTIFY, IXFR/AXFR allowed).",
    };
  }
  return {
    code: "AUTHORITY_LAG",
    severity: "warning",
    message: `The reverse zone's name servers answer differently at the same version (a split-brain zone): ${newest}; ${others.join("; ")}. Receivers get one or the other depending on the server their resolver asks.`,
    fix: "The zone's servers must serve one copy of the zone: whoever runs them should reload the lagging or diverging copy from the primary and raise the serial on every change.",
  };
}

// Hand-built Observations for the rule tests: what the DNS side would report, without DNS.
import type {
  AuthorityReport,
  ForwardLookup,
  LookupStatus,
  Observations,
  PtrAnswer,
} from "../../../src/check/types.js";

export const NOW = new Date("2026-11-27T12:00:00Z");
export const IP = "203.0.113.5";
export const IP6 = "2001:db8::25";
export const REVERSE = "5.113.0.203.in-addr.arpa";
export const REVERSE6 = "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
export const AUTH = "127.0.0.1:5300";
export const RES1 = "127.0.0.1:5301";
export const RES2 = "127.0.0.1:5302";

const NEGATIVE: LookupStatus[] = ["nxdomain", "nodata"];

export function answer(
  server: string,
  status: LookupStatus,
  names: string[] = [],
  extra: Partial<PtrAnswer> = {},
): PtrAnswer {
  return {
    server,
    status,
    names,
    cnames: [],
    ttl: status === "found" ? 300 : null,
    negativeTtlRemaining: NEGATIVE.includes(status) ? 5 : null,
    rttMs: status === "timeout" ? null : 1,
    error: status === "timeout" ? "no answer within 2000 ms" : null,
    ...extra,
  };
}

export function authority(
  status: LookupStatus,
  names: string[] = [],
  extra: Partial<AuthorityReport> = {},
): AuthorityReport {
  const servers = extra.servers ?? [AUTH];
  return {
    servers,
    zone: "113.0.203.in-addr.arpa",
    status,
    names,
    cnames: extra.cnames ?? [],
    answers: servers.map((server) => answer(server, status, names, { cnames: extra.cnames ?? [] })),
    soa: NEGATIVE.includes(status) ? { ttl: 5, minimum: 5 } : null,
    ...extra,
  };
}

/** A forward lookup of `name`; `confirms` is computed against `ip` like the pipeline does. */
export function forward(
  name: string,
  status: LookupStatus,
  addresses: string[] = [],
  ip = IP,
): ForwardLookup {
  return { name, status, addresses, cnames: [], server: RES1, ttl: 5, confirms: addresses.includes(ip) };
}

export function observations(partial: Partial<Observations> = {}): Observations {
  return {
    ip: IP,
    family: 4,
    reverseName: REVERSE,
    resolvers: [],
    authority: null,
    forward: [],
    blocklists: [],
    helo: null,
    owner: { zone: { zone: null, nameservers: [], soa: null }, network: null },
    smtp: null,
    now: NOW,
    ...partial,
  };
}

/** Authority and resolver agree on the PTR name `name`, which resolves back to IP. */
export function confirmedPtr(name: string, partial: Partial<Observations> = {}): Observations {
  return observations({
    authority: authority("found", [name]),
    resolvers: [answer(RES1, "found", [name])],
    forward: [forward(name, "found", [IP])],
    ...partial,
  });
}

/** The healthy case: authority and resolver agree on mail.example.test, which resolves back. */
export function healthy(partial: Partial<Observations> = {}): Observations {
  return confirmedPtr("mail.example.test", partial);
}

// `rdns check <ip|host-name> [--helo NAME] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]...
// [--timeout MS] [--deadline MS] [--smtp [HOST:PORT]] [--show-private-addresses] [--json]` (docs/cli.md). Exit 0 pass, 1 fail, 2 inconclusive, 64 bad usage.
import { InvalidInputError, parseIp, runCheck } from "../check/index.js";
import {
  asHostName,
  type HostAddresses,
  privateAlsoText,
  privateOnlyText,
  resolveHostAddresses,
} from "../check/resolve-host.js";
import type { SmtpTarget } from "../check/sections/smtp/probe.js";
import type { CheckReport } from "../check/types.js";
import { ConfigError } from "../config.js";
import { renderReportText } from "../render/check-text.js";
import { safeJson } from "../render/inert-text.js";
import { type DnsServers, dnsServers, parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";

export const CHECK_USAGE = `usage: rdns check <ip|host-name> [--helo NAME] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--timeout MS] [--deadline MS] [--smtp [HOST:PORT]] [--show-private-addresses] [--json]

  <ip>                 the sending IP (IPv4 or IPv6), e.g. 203.0.113.5
  <host-name>          or the mail server's name, e.g. mail.example.com: each of its A/AAAA
                       addresses is checked, with the name as HELO unless --helo is given
                       (--json: one object per line when it has several addresses)
  --helo NAME          the name the mail server announces in HELO/EHLO
  --resolver H[:P]     a recursive resolver to ask (repeatable; default RESOLVERS, else the system's)
  --authority H[:P]    ask these as the zone's authoritative servers instead of discovering them
                       (repeatable; default AUTHORITIES); IPv6 as [2001:db8::53]:5300
  --timeout MS         per-query timeout in ms (default DNS_TIMEOUT_MS, 2000)
  --deadline MS        the whole check's deadline in ms; past it the check reports what it has
                       as inconclusive (default CHECK_DEADLINE_MS, else 3 x the timeout)
  --smtp [HOST:PORT]   also connect to the IP's port 25 (or HOST:PORT) and read its SMTP greeting
                       (EHLO, STARTTLS, QUIT); without --helo the greeting's name is judged as
                       the HELO. Within the deadline; a refused or silent port never fails the check
  --json               print the report as one JSON object
  --show-private-addresses
                       show the non-public addresses (10/8, 127/8, 169.254/16, fc00::/7 ...) that
                       PTR, HELO and host names resolve to; by default they are counted, not shown
                       (as SHOW_PRIVATE_ADDRESSES=1)

exit status: 0 pass, 1 fail, 2 inconclusive (DNS errors), 64 bad usage or bad input;
for a host name the worst of its addresses (any fail 1, else any inconclusive 2), 1 when it has
no address or only non-public ones, 2 when resolving it failed
`;

/** More addresses than this under one name are not all checked (the output says so). */
const MAX_HOST_ADDRESSES = 16;

const VERDICT_EXIT: Record<CheckReport["verdict"], number> = {
  pass: EXIT.ok,
  fail: EXIT.fail,
  inconclusive: EXIT.inconclusive,
};

export async function runCheckCommand(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    return usageError("check", (err as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(CHECK_USAGE);
    return EXIT.ok;
  }
  if (args.positionals.length !== 1) {
    return usageError(
      "check",
      args.positionals.length === 0
        ? "no IP address given; e.g. rdns check 203.0.113.5 --helo mail.example.com"
        : `one IP address per check, got ${args.positionals.length}: ${args.positionals.join(" ").slice(0, 80)}`,
    );
  }
  const target = args.positionals[0] ?? "";
  try {
    const smtp = args.values.smtp === undefined ? undefined : parseSmtpTarget(args.values.smtp);
    const servers = { ...dnsServers(args.values), ...(smtp === undefined ? {} : { smtp }) };
    if (/^[a-z][a-z0-9-]*\.?$/i.test(target)) {
      return usageError(
        "check",
        `"${target.slice(0, 63)}" is a single label, not a full host name; give the mail server's full name (e.g. mail.example.com) or its IP (e.g. 203.0.113.5)`,
      );
    }
    const host = asHostName(target);
    if (host !== null && !isAddressLike(target)) {
      return await checkHost(host, args.values.helo ?? null, servers, args.values.json ?? false);
    }
    const report = await runCheck({
      ip: target,
      helo: args.values.helo ?? null,
      ...servers,
      // The address as parsed ("[192.0.2.1]" and "::ffff:192.0.2.1" are 192.0.2.1): the probe
      // connects to it, and a literal given to connect() would be looked up as a host name.
      ...(smtp === null ? { smtp: { host: parseIp(target).ip, port: 25 } } : {}),
    });
    process.stdout.write(args.values.json ? `${safeJson(report, 2)}\n` : renderReportText(report));
    return VERDICT_EXIT[report.verdict];
  } catch (err) {
    if (err instanceof InvalidInputError || err instanceof ConfigError) {
      return usageError("check", err.message);
    }
    process.stderr.write(`rdns check: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.software;
  }
}

/** An IPv4 address is also a valid host name to the pattern; let the address parser judge it. */
function isAddressLike(text: string): boolean {
  return /^[\d.]+$/.test(text.trim());
}

/**
 * `rdns check <host-name>`: resolves its A and AAAA through the check's resolvers, then checks
 * each address with the name as HELO unless --helo names another. Text: a line per address
 * before its report. JSON: one address prints the same single object as `rdns check <ip>`,
 * several print one object per line (NDJSON).
 */
async function checkHost(
  name: string,
  helo: string | null,
  servers: DnsServers & { smtp?: SmtpTarget | null },
  json: boolean,
): Promise<number> {
  const found = await resolveHostAddresses(name, {
    resolvers: servers.resolvers,
    timeoutMs: servers.timeoutMs,
    showPrivateAddresses: servers.showPrivateAddresses,
  });
  if (found.status !== "found") {
    process.stderr.write(`rdns check: ${describeNoAddress(found)}\n`);
    // Only non-public addresses: refused as a private IP is (its report fails), none named.
    return found.status === "error" ? EXIT.inconclusive : EXIT.fail;
  }
  const addresses = found.addresses.slice(0, MAX_HOST_ADDRESSES);
  const heloName = helo ?? name;
  const heloSource = helo === null ? "the name as HELO (no --helo given)" : `HELO ${helo}`;
  const hidden = privateAlsoText(name, found.privateAddresses);
  const kind = hidden === null ? "address" : "public address";
  const notes = [
    `${name} has ${plural(found.addresses.length, kind, `${kind}es`)} (${found.addresses.join(", ")}); checking ${addresses.length === 1 ? "it" : "each"} with ${heloSource}`,
    ...(found.addresses.length > addresses.length
      ? [`only the first ${MAX_HOST_ADDRESSES} addresses are checked; check the others by IP`]
      : []),
    ...(hidden === null ? [] : [hidden]),
    ...found.failed.map(
      (lookup) =>
        `could not tell whether ${name} has IPv${lookup.family} addresses: ${lookup.status} from ${lookup.server ?? "no resolver"} (a DNS failure, not "no address")`,
    ),
  ];
  // --smtp without HOST:PORT probes each address's own port 25.
  const reports = await Promise.all(
    addresses.map((ip) =>
      runCheck({
        ip,
        helo: heloName,
        ...servers,
        ...(servers.smtp === null ? { smtp: { host: ip, port: 25 } } : {}),
      }),
    ),
  );
  if (json) {
    if (reports.length === 1) process.stdout.write(`${safeJson(reports[0], 2)}\n`);
    else for (const report of reports) process.stdout.write(`${safeJson(report)}\n`);
  } else {
    process.stdout.write(`${notes.join("\n")}\n`);
    for (const report of reports) {
      process.stdout.write(`\n== ${report.ip} (${name}, HELO ${heloName}) ==\n${renderReportText(report)}`);
    }
  }
  const worst = reports.some((report) => report.verdict === "fail")
    ? EXIT.fail
    : reports.some((report) => report.verdict === "inconclusive") || found.failed.length > 0
      ? EXIT.inconclusive
      : EXIT.ok;
  if (json && notes.length > 1) process.stderr.write(`rdns check: ${notes.slice(1).join("; ")}\n`);
  return worst;
}

function describeNoAddress(found: Exclude<HostAddresses, { status: "found" }>): string {
  if (found.status === "private") return privateOnlyText(found);
  if (found.status === "none") {
    const what =
      found.reason === "nxdomain" ? "does not exist (NXDOMAIN)" : "has no A or AAAA record (NODATA)";
    return `${found.name} ${what}${found.server ? ` at ${found.server}` : ""}: nothing to check; give the sending IP instead, e.g. rdns check 203.0.113.5`;
  }
  const failures = found.lookups.map(
    (lookup) =>
      `${lookup.family === 4 ? "A" : "AAAA"} ${lookup.status} from ${lookup.server ?? "no resolver"}`,
  );
  return `could not resolve ${found.name}: ${failures.join(", ")} (a DNS failure, not "no address"); try again or give the IP`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function parse(argv: string[]) {
  return parseDnsCommandLine(smtpValue(argv), {
    helo: { type: "string" },
    json: { type: "boolean" },
    smtp: { type: "string" },
  });
}

/** HOST:PORT (IPv6 in brackets): an explicit port tells it from the address being checked. */
const SMTP_TARGET = /^(?:\[([^\]]+)\]|([^\s:[\]]+)):(\d{1,5})$/;

/**
 * `--smtp` takes an optional value, which node's parseArgs cannot express: a bare `--smtp`
 * becomes `--smtp=` unless the next word is HOST:PORT (an explicit port, so `--smtp
 * 203.0.113.5` still leaves the address to check as the positional).
 */
function smtpValue(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg !== "--smtp") out.push(arg);
    else if (SMTP_TARGET.test(argv[i + 1] ?? "")) out.push(`--smtp=${argv[++i]}`);
    else out.push("--smtp=");
  }
  return out;
}

/**
 * The probe's target: null for "the checked IP's port 25", or the operator's HOST:PORT (any
 * host, a private or loopback one included: the operator types it on their own machine, unlike
 * an address asked for in chat, which must be public).
 */
function parseSmtpTarget(value: string): SmtpTarget | null {
  if (value === "") return null;
  const match = SMTP_TARGET.exec(value);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidInputError(
      `--smtp takes HOST:PORT, e.g. --smtp 192.0.2.25:25 or --smtp [2001:db8::25]:2525, not "${value.slice(0, 60)}"`,
    );
  }
  return { host: match[1] ?? match[2] ?? "", port };
}

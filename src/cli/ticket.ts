// `rdns ticket <ip> <name> [--json] [--resolver H:P]... [--authority H:P]... [--timeout MS]
// [--deadline MS]` (docs/cli.md): a ready-to-send request to the IP's owner to set its PTR to
// <name>. It runs the check with <name> as the HELO, which asks <name>'s A/AAAA now (does it
// already resolve to the IP?) and finds the owner (reverse zone, SOA contact, provider, RDAP).
// Exit 0 when the text was made, 64 bad usage or input.
import { InvalidInputError, runCheck } from "../check/index.js";
import { ConfigError } from "../config.js";
import { safeJson, terminalText } from "../render/inert-text.js";
import { requestText } from "../render/request-text.js";
import { dnsServers, parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";

export const TICKET_USAGE = `usage: rdns ticket <ip> <name> [--json] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--timeout MS] [--deadline MS]

  <ip>                 the sending IP whose PTR should be set, e.g. 203.0.113.5
  <name>               the name the PTR should carry: the mail server's name, e.g. mail.example.com
  --json               print {ip, name, resolves, to, selfService, provider, text, owner}
  --resolver H[:P]     a recursive resolver to ask (repeatable; default RESOLVERS, else the system's)
  --authority H[:P]    the reverse zone's authoritative servers, instead of discovering them
  --timeout MS         per-query timeout in ms (default DNS_TIMEOUT_MS, 2000)
  --deadline MS        the whole look-up's deadline in ms (default CHECK_DEADLINE_MS)

Prints the message to send to the IP's owner (the reverse zone's SOA contact, else the network's
abuse contact from RDAP), or the provider's self-service procedure when it has one; when <name>
does not resolve to <ip> yet, the text says to publish its A/AAAA first.
exit status: 0 the text was made, 64 bad usage or bad input
`;

/** An FQDN of letters, digits, "-" and "_" labels (RFC 1123), at most 253 characters. */
const NAME = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?$/i;

export async function runTicketCommand(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    return usageError("ticket", (err as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(TICKET_USAGE);
    return EXIT.ok;
  }
  const [ip, rawName, ...extra] = args.positionals;
  if (ip === undefined || rawName === undefined || extra.length > 0) {
    return usageError(
      "ticket",
      "give the IP and the name its PTR should carry, e.g. rdns ticket 203.0.113.5 mail.example.com",
    );
  }
  if (!NAME.test(rawName)) {
    return usageError(
      "ticket",
      `"${terminalText(rawName.slice(0, 80))}" is not a full host name (e.g. mail.example.com)`,
    );
  }
  const name = rawName.toLowerCase().replace(/\.$/, "");
  try {
    const report = await runCheck({ ip, helo: name, ...dnsServers(args.values) });
    if (report.problems.some((problem) => problem.code === "NOT_PUBLIC")) {
      return usageError(
        "ticket",
        `${report.ip} is not a public address: ${report.problems[0]?.message ?? ""}`,
      );
    }
    const resolves = report.helo?.resolvesToIp ?? null;
    const request = requestText({
      ip: report.ip,
      family: report.family,
      name,
      resolves,
      owner: report.owner,
    });
    if (args.values.json) {
      const out = {
        ip: report.ip,
        name,
        resolves,
        to: request.to,
        selfService: request.selfService,
        provider: report.owner.provider,
        text: request.text,
        owner: report.owner,
      };
      process.stdout.write(`${safeJson(out, 2)}\n`);
    } else {
      process.stdout.write(`${terminalText(request.text, { multiline: true })}\n`);
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof InvalidInputError || err instanceof ConfigError)
      return usageError("ticket", err.message);
    process.stderr.write(`rdns ticket: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.software;
  }
}

function parse(argv: string[]) {
  return parseDnsCommandLine(argv, { json: { type: "boolean" } });
}

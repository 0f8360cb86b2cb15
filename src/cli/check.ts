// `rdns check <ip> [--helo NAME] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]...
// [--timeout MS] [--deadline MS] [--json]` (DESIGN.md "CLI"). Exit 0 pass, 1 fail, 2 inconclusive, 64 bad usage.
import { InvalidInputError, runCheck } from "../check/index.js";
import type { CheckReport } from "../check/types.js";
import { ConfigError } from "../config.js";
import { renderReportText } from "../render/check-text.js";
import { safeJson } from "../render/inert-text.js";
import { dnsServers, parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";

export const CHECK_USAGE = `usage: rdns check <ip> [--helo NAME] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--timeout MS] [--deadline MS] [--json]

  <ip>                 the sending IP (IPv4 or IPv6), e.g. 203.0.113.5
  --helo NAME          the name the mail server announces in HELO/EHLO
  --resolver H[:P]     a recursive resolver to ask (repeatable; default RESOLVERS, else the system's)
  --authority H[:P]    ask these as the zone's authoritative servers instead of discovering them
                       (repeatable; default AUTHORITIES); IPv6 as [2001:db8::53]:5300
  --timeout MS         per-query timeout in ms (default DNS_TIMEOUT_MS, 2000)
  --deadline MS        the whole check's deadline in ms; past it the check reports what it has
                       as inconclusive (default CHECK_DEADLINE_MS, else 3 x the timeout)
  --json               print the report as one JSON object

exit status: 0 pass, 1 fail, 2 inconclusive (DNS errors), 64 bad usage or bad input
`;

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
  try {
    const report = await runCheck({
      ip: args.positionals[0] ?? "",
      helo: args.values.helo ?? null,
      ...dnsServers(args.values),
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

function parse(argv: string[]) {
  return parseDnsCommandLine(argv, { helo: { type: "string" }, json: { type: "boolean" } });
}

// `rdns check <ip> [--helo NAME] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]...
// [--timeout MS] [--json]` (DESIGN.md "CLI"). Exit 0 pass, 1 fail, 2 inconclusive, 64 bad usage.
import { parseArgs } from "node:util";
import { InvalidInputError, runCheck } from "../check/index.js";
import type { CheckReport } from "../check/types.js";
import { ConfigError, loadConfig } from "../config.js";
import { renderReportText } from "../render/check-text.js";
import { EXIT } from "./main.js";

export const CHECK_USAGE = `usage: rdns check <ip> [--helo NAME] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--timeout MS] [--json]

  <ip>                 the sending IP (IPv4 or IPv6), e.g. 203.0.113.5
  --helo NAME          the name the mail server announces in HELO/EHLO
  --resolver H[:P]     a recursive resolver to ask (repeatable; default RESOLVERS, else the system's)
  --authority H[:P]    ask these as the zone's authoritative servers instead of discovering them
                       (repeatable; default AUTHORITIES); IPv6 as [2001:db8::53]:5300
  --timeout MS         per-query timeout in ms (default DNS_TIMEOUT_MS, 2000)
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
    return usageError((err as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(CHECK_USAGE);
    return EXIT.ok;
  }
  if (args.positionals.length !== 1) {
    return usageError(
      args.positionals.length === 0
        ? "no IP address given; e.g. rdns check 203.0.113.5 --helo mail.example.com"
        : `one IP address per check, got ${args.positionals.length}: ${args.positionals.join(" ").slice(0, 80)}`,
    );
  }
  try {
    const config = loadConfig();
    const timeoutMs =
      args.values.timeout === undefined ? config.DNS_TIMEOUT_MS : parseTimeout(args.values.timeout);
    const report = await runCheck({
      ip: args.positionals[0] ?? "",
      helo: args.values.helo ?? null,
      resolvers: args.values.resolver ?? config.RESOLVERS,
      authorities: args.values.authority ?? config.AUTHORITIES,
      timeoutMs,
    });
    process.stdout.write(
      args.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report),
    );
    return VERDICT_EXIT[report.verdict];
  } catch (err) {
    if (err instanceof InvalidInputError || err instanceof ConfigError) return usageError(err.message);
    process.stderr.write(`rdns check: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.software;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      helo: { type: "string" },
      resolver: { type: "string", multiple: true },
      authority: { type: "string", multiple: true },
      timeout: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function parseTimeout(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 100 || value > 60_000) {
    throw new InvalidInputError(
      `--timeout takes milliseconds between 100 and 60000, e.g. --timeout 2000 (got "${text.slice(0, 20)}")`,
    );
  }
  return value;
}

/** Exactly one line on stderr (zod's configuration errors span lines: they are joined). */
function usageError(message: string): number {
  const line = message
    .split("\n")
    .map((part) => part.trim())
    .filter(Boolean)
    .join("; ");
  process.stderr.write(`rdns check: ${line} (see rdns check --help)\n`);
  return EXIT.usage;
}

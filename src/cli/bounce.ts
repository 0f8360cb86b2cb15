// `rdns bounce [FILE|-]... [--json] [--check]` (docs/cli.md): reads pasted bounces or .eml
// files. Exit 0 when a bounce was recognised, 1 when none was, 64 for bad usage; with --check,
// when a check ran, the checks' status as `rdns check` and `rdns sweep` give it.

import { readBounce } from "../bounce/index.js";
import type { BounceFinding, BounceReading } from "../bounce/types.js";
import type { CheckReport } from "../check/types.js";
import { ConfigError, loadConfig } from "../config.js";
import { renderBounceText } from "../render/bounce-text.js";
import { safeJson, terminalText } from "../render/inert-text.js";
import { namedListLine } from "../render/sections/blocklists.js";
import { type DnsServers, dnsServers, parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";
import { InputReadError, readBounded } from "./read-bounded.js";

export const BOUNCE_USAGE = `usage: rdns bounce [FILE|-]... [--json] [--check] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--timeout MS] [--deadline MS]

  FILE                 a pasted bounce (text) or a whole .eml message; - or none reads stdin
  --json               one JSON object per input, one per line (NDJSON), each with "file"; the
                       first failure's facts on top, every failure in "findings"
  --check              run the reverse-DNS check on each refused address (and HELO)
  --resolver H[:P]     for --check: a recursive resolver (repeatable; default RESOLVERS)
  --authority H[:P]    for --check: authoritative servers to ask (repeatable; default AUTHORITIES)
  --timeout MS         for --check: per-query timeout in ms (default DNS_TIMEOUT_MS)
  --deadline MS        for --check: each check's deadline in ms (default CHECK_DEADLINE_MS, else 3 x the timeout)

exit status: 0 a bounce was recognised, 1 none was, 64 bad usage; with --check, when a check ran:
0 every check passed, 1 any failed, 2 none failed but some could not tell (DNS errors)
`;

function parse(argv: string[]) {
  return parseDnsCommandLine(argv, { json: { type: "boolean" }, check: { type: "boolean" } });
}

export type CheckOutcome = { report: CheckReport } | { error: string };

/** The fields of docs/cli.md's object when the input holds no bounce: nothing applies. */
const NO_FINDING = {
  ip: null,
  helo: null,
  receiver: "unknown",
  smtpCode: null,
  enhancedCode: null,
  category: null,
  rdnsRelated: false,
  diagnostic: null,
  recipient: null,
} as const;

/**
 * One JSON object per input (docs/cli.md): the first failure's facts at the top level, as the
 * contract names them, and every failure in `findings` (several recipients failing differently).
 */
function inputObject(
  file: string,
  reading: BounceReading,
  checkFields: (finding: BounceFinding) => Record<string, unknown>,
): Record<string, unknown> {
  const [first] = reading.findings;
  const top = first === undefined ? { ...NO_FINDING, file } : { ...first, ...checkFields(first) };
  return {
    ...top,
    recognised: first !== undefined,
    truncated: reading.truncated,
    findings: reading.findings.map((finding) => ({ ...finding, ...checkFields(finding) })),
  };
}

/** Runs the check once per distinct (ip, helo); the check module loads only when asked for. */
async function checkFindings(
  findings: BounceFinding[],
  settings: DnsServers,
): Promise<Map<string, CheckOutcome>> {
  const { runCheck } = await import("../check/index.js");
  const outcomes = new Map<string, CheckOutcome>();
  for (const finding of findings) {
    if (finding.ip === null) continue;
    const key = `${finding.ip}|${finding.helo ?? ""}`;
    if (outcomes.has(key)) continue;
    try {
      outcomes.set(key, { report: await runCheck({ ip: finding.ip, helo: finding.helo, ...settings }) });
    } catch (err) {
      outcomes.set(key, { error: (err as Error).message });
    }
  }
  return outcomes;
}

/**
 * The checks' exit status (0 all pass, 1 any fail, 2 otherwise), null when none ran. A check that
 * could not run counts as "could not tell": it never turns into a pass.
 */
export function checkExitStatus(outcomes: Iterable<CheckOutcome>): number | null {
  let ran = false;
  let unsure = false;
  for (const outcome of outcomes) {
    ran = true;
    if ("error" in outcome || outcome.report.verdict === "inconclusive") unsure = true;
    else if (outcome.report.verdict === "fail") return EXIT.fail;
  }
  if (!ran) return null;
  return unsure ? EXIT.inconclusive : EXIT.ok;
}

export async function runBounceCommand(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  let settings: DnsServers | null = null;
  try {
    args = parse(argv);
    if (args.values.help) {
      process.stdout.write(BOUNCE_USAGE);
      return EXIT.ok;
    }
    if (args.values.check) settings = dnsServers(args.values);
  } catch (err) {
    return usageError("bounce", (err as Error).message);
  }
  const inputs = args.positionals.length === 0 ? ["-"] : args.positionals;
  if (inputs.filter((input) => input === "-").length > 1)
    return usageError("bounce", "stdin (-) can be read only once");

  const readings: { file: string; reading: BounceReading }[] = [];
  try {
    const maxBytes = loadConfig().BOUNCE_MAX_BYTES;
    for (const file of inputs) {
      // One byte past the bound, so the reader can say the input was cut.
      const bytes = await readBounded(file, maxBytes + 1);
      readings.push({ file, reading: await readBounce(bytes, { file, maxBytes }) });
    }
  } catch (err) {
    if (err instanceof InputReadError || err instanceof ConfigError) return usageError("bounce", err.message);
    process.stderr.write(`rdns bounce: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.software;
  }

  const all = readings.flatMap(({ reading }) => reading.findings);
  const checks = settings === null ? new Map<string, CheckOutcome>() : await checkFindings(all, settings);
  const renderCheck = settings === null ? null : (await import("../render/check-text.js")).renderReportText;
  const out: string[] = [];
  const checkFields = (finding: BounceFinding): Record<string, unknown> => {
    if (settings === null) return {};
    const outcome = checks.get(`${finding.ip}|${finding.helo ?? ""}`);
    return {
      check: outcome !== undefined && "report" in outcome ? outcome.report : null,
      ...(outcome !== undefined && "error" in outcome ? { checkError: outcome.error } : {}),
    };
  };
  for (const { file, reading } of readings) {
    if (args.values.json) {
      out.push(`${safeJson(inputObject(file, reading, checkFields))}\n`);
      continue;
    }
    out.push(renderBounceText(reading.findings, reading.truncated, reading.bytesRead));
    for (const finding of reading.findings) {
      const outcome = checks.get(`${finding.ip}|${finding.helo ?? ""}`);
      if (outcome === undefined || renderCheck === null) continue;
      out.push(`\nCheck of ${finding.ip}:\n`);
      // A blocklist bounce that names a list: that list's state for the refused IP first.
      if (finding.blocklist && "report" in outcome) {
        out.push(`${terminalText(namedListLine(finding.blocklist, outcome.report))}\n`);
      }
      out.push(
        "report" in outcome ? renderCheck(outcome.report) : `  could not run the check: ${outcome.error}\n`,
      );
    }
    if (readings.length > 1) out.push("\n");
  }
  process.stdout.write(out.join(""));
  return checkExitStatus(checks.values()) ?? (all.length > 0 ? EXIT.ok : EXIT.fail);
}

// `npm run lab`: the DNS test lab (test/lab/: Knot + Unbound on loopback high ports) in the
// foreground, for people to try the bot without a mail server or internet DNS. Prints the
// RESOLVERS= and AUTHORITIES= lines to use and what each address shows; `npm run lab -- fix <ip>`
// (another terminal) sets a PTR in the running lab so a check or a re-check chain sees it fixed.
// The running lab writes its addresses to a state file (default ./.rdns-lab.json) for `fix`.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { InvalidInputError } from "../src/check/types.js";
import { type LabInfo, missingLabBinaries, startLab } from "../test/lab/lab.js";
import { CASES, HELOS } from "../test/lab/zones.js";
import { describeResolver, fixLabAddress, LabFixError } from "./lab-fix.js";

/** Long enough to run the fix after the bot's first answer, inside Unbound's 60 s cap. */
const DEMO_NEGATIVE_TTL = 45;

const USAGE = `usage: npm run lab [-- --write-env] [--state FILE]
       npm run lab -- fix <ip> [name] [--state FILE]

  (no command)   start the lab in the foreground; Ctrl-C stops it and removes its files
  --write-env    also write its RESOLVERS= and AUTHORITIES= lines into ./.env
  fix <ip>       in the running lab, point <name> (default: the IP's current PTR name, else
                 spareNN / fixedN.example.test) at <ip> and set <ip>'s PTR to it; then say how
                 long the lab's resolver still serves what it cached before (its remaining TTL)
  --state FILE   where the running lab keeps its addresses (default ./.rdns-lab.json)
`;

const TABLE: Array<[string, string]> = [
  [CASES.pass, `pass: PTR mail.example.test, its A points back (try --helo ${HELOS.equal})`],
  [CASES.nxdomain, "no PTR (NXDOMAIN); fix it with the fix command below"],
  [CASES.brokenPair, "broken pair: PTR broken.example.test, whose A is 203.0.113.99"],
  [CASES.multiplePtr, "two PTRs, one of them confirms (warning)"],
  [CASES.generic, "generic name: 203-0-113-20.dynamic.pool.example.test"],
  [CASES.rfc2317, "RFC 2317 classless delegation: CNAME into 64-127.113.0.203.in-addr.arpa"],
  [CASES.ipv6Pass, "IPv6 pass: PTR mail6.example.test, AAAA back"],
  [CASES.ipv6Broken, "IPv6 broken pair: PTR broken6.example.test, AAAA 2001:db8::99"],
  [
    CASES.servfail,
    'could not tell (never "no PTR"): the authorities answer REFUSED (not their zone), the resolver SERVFAIL (its server for the zone never answers)',
  ],
  [
    "192.0.2.51-59",
    `no PTR yet; spareNN.example.test has the A. A "no PTR" is cached ${DEMO_NEGATIVE_TTL} s here: fix one within that and watch it clear`,
  ],
];

function labLines(info: LabInfo, stateFile: string): string {
  const resolvers = `RESOLVERS=${info.resolver}`;
  const authorities = `AUTHORITIES=${info.authority},${info.childAuthority}`;
  const rows = TABLE.map(([address, what]) => `  ${address.padEnd(15)} ${what}`);
  return [
    `DNS lab running: Knot (authority) and Unbound (resolver) on 127.0.0.1, files in ${info.dir}`,
    "",
    "Point rdns at it (put these two lines in .env, or start with `npm run lab -- --write-env`):",
    resolvers,
    authorities,
    "",
    "What each address shows:",
    ...rows,
    "",
    "Try, in another terminal:",
    `  ${resolvers} ${authorities} npx rdns check ${CASES.brokenPair} --helo ${HELOS.equal}`,
    `  npm run lab -- fix 192.0.2.53${stateFile === defaultState() ? "" : ` --state ${stateFile}`}    # sets the PTR at the authority`,
    "",
    "Ctrl-C stops the lab.",
    "",
  ].join("\n");
}

const defaultState = () => resolve(".rdns-lab.json");

/** Replaces (or appends) RESOLVERS= and AUTHORITIES= in ./.env, keeping every other line. */
function writeEnv(info: LabInfo): void {
  const values: Record<string, string> = {
    RESOLVERS: info.resolver,
    AUTHORITIES: `${info.authority},${info.childAuthority}`,
  };
  const lines = existsSync(".env") ? readFileSync(".env", "utf8").replace(/\n$/, "").split("\n") : [];
  for (const [name, value] of Object.entries(values)) {
    const index = lines.findIndex((line) => line.startsWith(`${name}=`));
    if (index >= 0) lines[index] = `${name}=${value}`;
    else lines.push(`${name}=${value}`);
  }
  writeFileSync(".env", `${lines.join("\n")}\n`);
}

async function start(stateFile: string, writeEnvFile: boolean): Promise<number> {
  const missing = missingLabBinaries();
  if (missing.length > 0) {
    process.stderr.write(
      `lab: ${missing.join(", ")} not found; install with: sudo apt-get install -y knot unbound\n`,
    );
    return 69;
  }
  let lab: Awaited<ReturnType<typeof startLab>>;
  try {
    lab = await startLab({ editNegativeTtl: DEMO_NEGATIVE_TTL });
  } catch (err) {
    // Most often AppArmor confining unbound to /etc/unbound (scripts/ensure-test-services.sh).
    const first = (err as Error).message.split("\n")[0];
    process.stderr.write(
      `lab: could not start: ${first} (where AppArmor confines unbound, run the line bash scripts/ensure-test-services.sh prints)\n`,
    );
    return 70;
  }
  const { setPtr: _s, removePtr: _r, setRecord: _sr, removeRecord: _rr, stop, ...info } = lab;
  writeFileSync(stateFile, `${JSON.stringify({ ...info, pid: process.pid }, null, 2)}\n`);
  if (writeEnvFile) writeEnv(info);
  process.stdout.write(labLines(info, stateFile));
  if (writeEnvFile) process.stdout.write("(RESOLVERS and AUTHORITIES written into .env)\n");
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by tsx's
  // parent); a second signal with no listener would end it before the lab is stopped.
  await new Promise<void>((done) => {
    process.on("SIGINT", () => done());
    process.on("SIGTERM", () => done());
  });
  await stop();
  rmSync(stateFile, { force: true });
  process.stdout.write(`lab stopped; ${info.dir} removed\n`);
  return 0;
}

async function fix(stateFile: string, ip: string, name: string | undefined): Promise<number> {
  if (!existsSync(stateFile)) {
    process.stderr.write(
      `lab fix: no running lab found (${stateFile} is missing); start one with: npm run lab\n`,
    );
    return 69;
  }
  const info = JSON.parse(readFileSync(stateFile, "utf8")) as LabInfo;
  try {
    const done = await fixLabAddress(info, ip, name);
    process.stdout.write(
      `fixed at the authority: ${done.name} ${done.ip.includes(":") ? "AAAA" : "A"} ${done.ip}, ${done.owner} PTR ${done.servedPtr.join(", ") || "(none yet)"}\n` +
        `${describeResolver(done.resolver)}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof LabFixError || err instanceof InvalidInputError) {
      process.stderr.write(`lab fix: ${err.message}\n`);
      return 64;
    }
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`lab: ${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stateFile = resolve(args.values.state ?? defaultState());
  const [command, ...rest] = args.positionals;
  if (command === undefined) return start(stateFile, args.values["write-env"] ?? false);
  if (command === "fix" && rest.length >= 1 && rest.length <= 2)
    return fix(stateFile, rest[0] ?? "", rest[1]);
  process.stderr.write(
    `lab: expected no command or \`fix <ip> [name]\`, got "${argv.join(" ").slice(0, 80)}"\n${USAGE}`,
  );
  return 64;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      state: { type: "string" },
      "write-env": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));

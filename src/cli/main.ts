// `rdns <command>`: dispatches to one module per sub-command, loaded only when used so
// `rdns check` never pays for Slack, Discord or BullMQ at start-up.
export const EXIT = { ok: 0, fail: 1, inconclusive: 2, usage: 64, software: 70 } as const;

/**
 * A sub-command's bad usage: exactly one line on stderr (zod's configuration errors span lines:
 * they are joined), then EXIT.usage.
 */
export function usageError(
  command: string,
  message: string,
  stderr: NodeJS.WritableStream = process.stderr,
): number {
  const line = message
    .split("\n")
    .map((part) => part.trim())
    .filter(Boolean)
    .join("; ");
  stderr.write(`rdns ${command}: ${line} (see rdns ${command} --help)\n`);
  return EXIT.usage;
}

type SubCommand = (argv: string[]) => Promise<number>;

const subcommands: Record<string, { summary: string; load: () => Promise<SubCommand> }> = {
  check: {
    summary:
      "check an IP's (or a host name's addresses') reverse DNS: PTR, FCrDNS, HELO, caches, receivers, fix",
    load: async () => (await import("./check.js")).runCheckCommand,
  },
  sweep: {
    summary: "check every address of IPs or ranges (up to /16, /112) and summarise",
    load: async () => (await import("./sweep.js")).runSweepCommand,
  },
  bounce: {
    summary: "read pasted bounces or .eml files and say what was refused and why",
    load: async () => (await import("./bounce.js")).runBounceCommand,
  },
  dmarc: {
    summary:
      "read DMARC aggregate reports (.xml, .gz, .zip): volume, SPF, DKIM per source IP; --check its rDNS",
    load: async () => (await import("./dmarc.js")).runDmarcCommand,
  },
  ticket: {
    summary: "write the request to the IP's owner to set its PTR to a name (or their self-service steps)",
    load: async () => (await import("./ticket.js")).runTicketCommand,
  },
  mailtest: {
    summary: "wait for one test message over SMTP and check the IP and HELO it came with",
    load: async () => (await import("./mailtest.js")).runMailtestCommand,
  },
  serve: {
    summary: "run the bot, check and delivery workers in one process (what `npm start` runs)",
    load: async () => (await import("./serve.js")).runServeCommand,
  },
  bot: {
    summary: "run only the chat front ends and delivery worker",
    load: async () => (await import("./serve.js")).runBotCommand,
  },
  worker: {
    summary: "run only the DNS check workers",
    load: async () => (await import("./serve.js")).runWorkerCommand,
  },
  ready: {
    summary: "exit 0 when this machine's rdns process answers /readyz (container healthchecks)",
    load: async () => (await import("./ready.js")).runReadyCommand,
  },
  web: {
    summary: "serve only the servers page and its API (rdns serve serves it too)",
    load: async () => (await import("./web.js")).runWebCommand,
  },
};

export function usage(): string {
  const lines = Object.entries(subcommands).map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`);
  return `usage: rdns <command> [options]\n       rdns --version\n\ncommands:\n${lines.join("\n")}\n\nrun \`rdns <command> --help\` for a command's options\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${(await import("./version.js")).packageVersion()}\n`);
    return EXIT.ok;
  }
  const sub = subcommands[name];
  if (sub === undefined) {
    process.stderr.write(`rdns: unknown command "${name}"\n${usage()}`);
    return EXIT.usage;
  }
  return (await sub.load())(rest);
}

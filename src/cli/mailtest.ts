// `rdns mailtest [--listen HOST:PORT] [--json] [--timeout S] [--resolver H:P]... [--authority H:P]...`
// (docs/cli.md): listens for one message (any recipient; nothing is relayed or kept), then prints
// the check of the connecting IP with the HELO it sent, as `rdns check` does, plus the
// connection's facts. Needs no Redis and no chat tokens.
import { isIP } from "node:net";
import { parseArgs } from "node:util";
import { parseHelo } from "../app/targets.js";
import { InvalidInputError, runCheck } from "../check/index.js";
import type { CheckReport } from "../check/types.js";
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../log.js";
import { listenerTls } from "../mail/bot-listener.js";
import { LISTENER_DEFAULTS, type ReceivedMail, startMailListener } from "../mail/listener.js";
import { renderReportText } from "../render/check-text.js";
import { safeJson, terminalText } from "../render/inert-text.js";
import { dnsServers } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";

export const MAILTEST_USAGE = `usage: rdns mailtest [--listen HOST:PORT] [--json] [--timeout S] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--dns-timeout MS] [--deadline MS]

  Waits for one message over SMTP (to any recipient; nothing is relayed or kept) and prints the
  check of the IP it came from with the HELO/EHLO name it sent, and whether it used TLS.

  --listen H:P         where to listen (default SMTP_HOST:SMTP_PORT, else 127.0.0.1:2525);
                       IPv6 as [::]:25; port 0 picks a free port (stderr says which)
  --timeout S          give up after S seconds without a message (default 600): exit 2
  --json               print the check's JSON plus "connection": {"ip", "helo", "tls"}
  --resolver H[:P]     a recursive resolver to ask (repeatable; default RESOLVERS)
  --authority H[:P]    the zone's authoritative servers to ask (repeatable; default AUTHORITIES)
  --dns-timeout MS     per-query DNS timeout in ms (default DNS_TIMEOUT_MS, 2000)
  --deadline MS        the whole check's deadline in ms (default CHECK_DEADLINE_MS)

  STARTTLS uses SMTP_TLS_CERT/SMTP_TLS_KEY when set; peers in SMTP_PROXY_FROM must send a PROXY
  header, whose address is then checked.

exit status: as rdns check (0 pass, 1 fail, 2 inconclusive), 2 when no message arrived in
time, 64 bad usage
`;

const VERDICT_EXIT: Record<CheckReport["verdict"], number> = {
  pass: EXIT.ok,
  fail: EXIT.fail,
  inconclusive: EXIT.inconclusive,
};

type Connection = Pick<ReceivedMail<unknown>, "ip" | "helo" | "tls">;

/** HOST:PORT or [IPv6]:PORT, HOST an address (0.0.0.0 or [::] for every interface). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? "";
  const port = Number(match?.[2]);
  if (match === null || isIP(host) === 0 || port > 65_535)
    throw new InvalidInputError(
      `--listen takes ADDRESS:PORT, e.g. 0.0.0.0:25 or [::]:25 (got "${text.slice(0, 40)}")`,
    );
  return { host, port };
}

/** What the text output says before the report (the HELO made inert: the sender chose it). */
export function connectionLine(connection: Connection, heloProblem: string | null): string {
  const helo = connection.helo === "" ? "no name" : `"${terminalText(connection.helo)}"`;
  return `Test mail from ${connection.ip}: HELO/EHLO ${helo} as sent, ${connection.tls ? "over TLS (STARTTLS)" : "without TLS"}.${heloProblem === null ? "" : `\nThe HELO is not checked: ${terminalText(heloProblem)}.`}\n\n`;
}

export async function runMailtestCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    const parsed = parse(argv);
    if (parsed.positionals.length > 0)
      throw new Error(`unexpected argument "${String(parsed.positionals[0]).slice(0, 40)}"`);
    values = parsed.values;
  } catch (err) {
    return usageError("mailtest", (err as Error).message);
  }
  if (values.help) {
    process.stdout.write(MAILTEST_USAGE);
    return EXIT.ok;
  }
  let setup: {
    servers: ReturnType<typeof dnsServers>;
    listen: { host: string; port: number };
    timeoutS: number;
    config: ReturnType<typeof loadConfig>;
  };
  try {
    const config = loadConfig();
    const servers = dnsServers({ ...values, timeout: values["dns-timeout"] });
    const listen =
      values.listen !== undefined
        ? parseListen(values.listen)
        : { host: config.SMTP_HOST, port: config.SMTP_PORT ?? 2525 };
    const timeoutS = values.timeout === undefined ? 600 : Number(values.timeout);
    if (!/^\d+$/.test(values.timeout ?? "600") || timeoutS < 1 || timeoutS > 86_400)
      throw new InvalidInputError(
        `--timeout takes seconds from 1 to 86400, e.g. --timeout 120 (got "${String(values.timeout).slice(0, 20)}")`,
      );
    setup = { servers, listen, timeoutS, config };
  } catch (err) {
    if (err instanceof InvalidInputError || err instanceof ConfigError)
      return usageError("mailtest", err.message);
    throw err;
  }
  const { servers, listen, timeoutS, config } = setup;
  let first: ((connection: Connection) => void) | null = null;
  const arrived = new Promise<Connection>((resolve) => {
    first = resolve;
  });
  const listener = await startMailListener<true>({
    host: listen.host,
    port: listen.port,
    name: config.SMTP_DOMAIN ?? "rdns-mailtest",
    proxyFrom: config.SMTP_PROXY_FROM,
    tls: await listenerTls(config),
    maxPerIp: config.SMTP_MAX_CONNECTIONS_PER_IP,
    ...LISTENER_DEFAULTS,
    logger: createLogger(config.LOG_LEVEL ?? "warn"),
    acceptedReply: "received; rdns mailtest prints its report",
    acceptRecipient: async () => ({ accept: true, value: true }),
    onMessage: async (mail) => {
      if (first === null) throw new Error("this listener already took its one message");
      const take = first;
      first = null;
      take({ ip: mail.ip, helo: mail.helo, tls: mail.tls });
    },
  }).catch((err: Error) => err);
  if (listener instanceof Error)
    return usageError("mailtest", `cannot listen on ${listen.host}:${listen.port}: ${listener.message}`);
  process.stderr.write(
    `rdns mailtest: listening on ${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:${listener.address.port}; send one message to any address here (waiting up to ${timeoutS} s)\n`,
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutS * 1000);
  });
  const connection = await Promise.race([arrived, timedOut]);
  clearTimeout(timer);
  if (connection === null) {
    await listener.close();
    process.stderr.write(`rdns mailtest: no message arrived in ${timeoutS} s\n`);
    return EXIT.inconclusive;
  }
  const parsedHelo = connection.helo === "" ? null : parseHelo(connection.helo);
  const helo = parsedHelo?.ok === true ? parsedHelo.value : null;
  const heloProblem = parsedHelo !== null && !parsedHelo.ok ? parsedHelo.problem : null;
  const report = await runCheck({ ip: connection.ip, helo, ...servers });
  // Closed after the check: the sender has had time to QUIT without hearing "shutting down".
  await listener.close();
  process.stdout.write(
    values.json
      ? `${safeJson({ ...report, connection }, 2)}\n`
      : `${connectionLine(connection, heloProblem)}${renderReportText(report)}`,
  );
  return VERDICT_EXIT[report.verdict];
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      listen: { type: "string" },
      json: { type: "boolean" },
      timeout: { type: "string" },
      resolver: { type: "string", multiple: true },
      authority: { type: "string", multiple: true },
      "dns-timeout": { type: "string" },
      deadline: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

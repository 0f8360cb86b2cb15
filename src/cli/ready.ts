// `rdns ready [--live]`: asks this machine's rdns process for /readyz (or /healthz with --live)
// on WEB_PORT and exits 0 when it answers 200, 1 otherwise. Made for container healthchecks
// (docker-compose.yml): the image has node but no curl, and the port comes from the same
// configuration the process read.
import { ConfigError, loadConfig } from "../config.js";

const HELP =
  "usage: rdns ready [--live]\n\nExits 0 when the rdns process on WEB_PORT is ready (GET /readyz answers 200), 1 when not.\n--live asks /healthz instead (the process runs).\n";

/** Where to reach a server bound to `host`: a wildcard bind is reached on loopback. */
export function probeHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "[::1]";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export async function runReadyCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const unknown = argv.find((arg) => arg !== "--live");
  if (unknown !== undefined) {
    process.stderr.write(`rdns ready: unexpected argument "${unknown}"\n${HELP}`);
    return 64;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`rdns ready: ${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const path = argv.includes("--live") ? "/healthz" : "/readyz";
  const url = `http://${probeHost(config.WEB_HOST)}:${config.WEB_PORT}${path}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = (await response.text()).trim();
    const line = `${url}: ${response.status} ${body.length > 300 ? `${body.slice(0, 297)}...` : body}\n`;
    if (response.status === 200) {
      process.stdout.write(line);
      return 0;
    }
    process.stderr.write(line);
    return 1;
  } catch (error) {
    // fetch() says only "fetch failed"; the cause names what happened (ECONNREFUSED, a timeout).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`${url}: not answering (${reason})\n`);
    return 1;
  }
}

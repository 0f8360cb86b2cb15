// The DNS test lab: two Knot servers (the authority and the RFC 2317 child's authority) and an
// Unbound resolver with stub zones to them, on free loopback high ports in a temporary folder,
// plus a UDP port that swallows every query and one where nothing listens. Used by vitest's
// globalSetup (test/lab/global-setup.ts) and by scripts/bench-check.ts. See README.md here.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import dgram from "node:dgram";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { query } from "../../src/check/dns-client.js";
import { parseIp } from "../../src/check/ip.js";
import {
  BLOCKLIST_ZONES,
  BROKEN_BLOCKLIST_ZONE,
  CHILD_ZONE,
  childZones,
  DQS_ZONE,
  OWNER_ZONES,
  parentZones,
  populatedZones,
  SERVFAIL_ZONE,
  SWEEP_ZONES,
  TRANSPARENT_ZONES,
  type ZoneFile,
} from "./zones.js";

const run = promisify(execFile);
const HOST = "127.0.0.1";

/** Debian installs the servers in /usr/sbin, which a non-root user's PATH often lacks. */
export function binary(name: string): string {
  for (const dir of ["/usr/sbin", "/usr/local/sbin", "/sbin"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return name;
}
const KNOTC = binary("knotc");

/**
 * The servers the lab runs that this machine lacks (Debian packages knot and unbound), looked
 * for in the sbin folders and PATH (`dirs` for tests).
 */
export function missingLabBinaries(
  dirs: string[] = ["/usr/sbin", "/usr/local/sbin", "/sbin", ...(process.env.PATH ?? "").split(":")],
): string[] {
  return ["knotd", "knotc", "unbound"].filter(
    (name) => !dirs.some((dir) => dir !== "" && existsSync(join(dir, name))),
  );
}

/** Everything a test needs to reach the lab; plain data, so vitest can `provide` it. */
export interface LabInfo {
  dir: string;
  /** Unbound (recursive): "127.0.0.1:port". */
  resolver: string;
  /**
   * Knot serving test., 113.0.203.in-addr.arpa, 2.0.192.in-addr.arpa, 8.b.d.0.1.0.0.2.ip6.arpa and
   * the sweep zones 112, 114..127.0.203.in-addr.arpa (SWEEP_ZONES).
   */
  authority: string;
  /** A second Knot serving only the RFC 2317 child zone 64-127.113.0.203.in-addr.arpa. */
  childAuthority: string;
  /** Port of the authority, to give runTimeCheck's discovery (NS addresses are 127.0.0.1). */
  authorityPort: number;
  /** A bound UDP socket that reads and drops every query: timeouts. */
  dead: string;
  deadPort: number;
  /** A port where nothing listens: ICMP port unreachable, "connection refused". */
  closed: string;
  closedPort: number;
  authorityControl: string;
  childControl: string;
}

export interface LabControl {
  /** Replaces the PTR(s) of `ip` at the authority with one PTR to `target` (a name). */
  setPtr(ip: string, target: string): Promise<void>;
  /** Removes every PTR of `ip` at the authority. */
  removePtr(ip: string): Promise<void>;
  /** Adds (or, with replace, replaces) a record: owner is a full name, e.g. "x.example.test". */
  setRecord(
    owner: string,
    type: string,
    data: string,
    options?: { replace?: boolean; ttl?: number },
  ): Promise<void>;
  /** Removes records of `owner` (of `type`, or all types). */
  removeRecord(owner: string, type?: string): Promise<void>;
}

export type Lab = LabInfo & LabControl & { stop(): Promise<void> };

const ZONES_BY_SERVER = { authority: parentZones, childAuthority: childZones };

export interface LabOptions {
  /**
   * Negative TTL (s) of the runtime-edit zone 2.0.192.in-addr.arpa (default EDIT_SOA_MINIMUM, 4):
   * `npm run lab` lengthens it so a person has time to run the fix before the cached "no PTR"
   * expires and the bot's first re-check arrives. Unbound caps it at 60 (cache-max-negative-ttl).
   */
  editNegativeTtl?: number;
  /** Also serve the populated range POPULATED_RANGE (test/lab/zones.ts), for the sweep bench. */
  populated?: boolean;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const dir = await mkdtemp(join(tmpdir(), "rdns-lab-"));
  const processes: ChildProcess[] = [];
  const deadSocket = dgram.createSocket("udp4");
  deadSocket.on("message", () => {}); // read and drop: the client waits for ever
  await new Promise<void>((resolve) => deadSocket.bind(0, HOST, resolve));
  const deadPort = deadSocket.address().port;
  const closedPort = await freePort();
  // If the host process ends without stop() (a crash, Ctrl-C), do not leave servers running.
  const killOnExit = () => {
    for (const child of processes)
      if (child.pid !== undefined && child.exitCode === null) child.kill("SIGTERM");
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await Promise.all(processes.map(stopProcess));
    deadSocket.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const authorityPort = await freePort();
    const childPort = await freePort();
    const authorityControl = join(dir, "knot-authority", "knot.sock");
    const childControl = join(dir, "knot-child", "knot.sock");
    processes.push(
      await startKnot(join(dir, "knot-authority"), authorityPort, [
        ...ZONES_BY_SERVER.authority(options.editNegativeTtl),
        ...(options.populated === true ? populatedZones() : []),
      ]),
    );
    processes.push(await startKnot(join(dir, "knot-child"), childPort, ZONES_BY_SERVER.childAuthority()));
    const resolverPort = await freePort();
    processes.push(
      await startUnbound(join(dir, "unbound"), resolverPort, authorityPort, childPort, deadPort),
    );
    const info: LabInfo = {
      dir,
      resolver: `${HOST}:${resolverPort}`,
      authority: `${HOST}:${authorityPort}`,
      childAuthority: `${HOST}:${childPort}`,
      authorityPort,
      dead: `${HOST}:${deadPort}`,
      deadPort,
      closed: `${HOST}:${closedPort}`,
      closedPort,
      authorityControl,
      childControl,
    };
    return { ...info, ...connectLab(info), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Zone editing through Knot's control socket (knotc), for tests in other processes. */
export function connectLab(info: LabInfo): LabControl {
  const zones = [...parentZones().map((z) => z.zone), CHILD_ZONE];
  const zoneOf = (name: string) => {
    const found = zones
      .filter((zone) => name === zone || name.endsWith(`.${zone}`))
      .sort((a, b) => b.length - a.length)[0];
    if (found === undefined) throw new Error(`the lab serves no zone holding ${name}`);
    return found;
  };
  const socketOf = (zone: string) => (zone === CHILD_ZONE ? info.childControl : info.authorityControl);
  const edit = async (owner: string, steps: string[][]) => {
    const name = owner.toLowerCase().replace(/\.$/, "");
    const zone = zoneOf(name);
    await knotTransaction(
      socketOf(zone),
      zone,
      steps.map((step) => step.map((part) => part.replace("@", `${name}.`))),
    );
  };
  return {
    setPtr: (ip, target) =>
      edit(parseIp(ip).reverseName, [
        ["?zone-unset", "@", "PTR"],
        ["zone-set", "@", "5", "PTR", `${target.replace(/\.$/, "")}.`],
      ]),
    removePtr: (ip) => edit(parseIp(ip).reverseName, [["?zone-unset", "@", "PTR"]]),
    setRecord: (owner, type, data, options) =>
      edit(owner, [
        ...(options?.replace ? [["?zone-unset", "@", type]] : []),
        ["zone-set", "@", String(options?.ttl ?? 5), type, data],
      ]),
    removeRecord: (owner, type) => edit(owner, [["?zone-unset", "@", ...(type ? [type] : [])]]),
  };
}

// One Knot transaction (zone-begin ... zone-commit). A step prefixed "?" may fail (unsetting
// what is not there). Several test files edit at once, and Knot allows one open transaction per
// zone, so a busy zone is retried.
export async function knotTransaction(socket: string, zone: string, steps: string[][]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await run(KNOTC, ["-s", socket, "zone-begin", zone]);
      break;
    } catch (err) {
      if (attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
  }
  try {
    for (const step of steps) {
      const [command = "", ...args] = step;
      const optional = command.startsWith("?");
      try {
        await run(KNOTC, ["-s", socket, command.replace("?", ""), zone, ...args]);
      } catch (err) {
        if (!optional) throw err;
      }
    }
    await run(KNOTC, ["-s", socket, "zone-commit", zone]);
  } catch (err) {
    await run(KNOTC, ["-s", socket, "zone-abort", zone]).catch(() => {});
    throw err;
  }
}

async function startKnot(dir: string, port: number, zones: ZoneFile[]): Promise<ChildProcess> {
  await mkdir(join(dir, "zones"), { recursive: true });
  await mkdir(join(dir, "db"), { recursive: true });
  for (const zone of zones) await writeFile(join(dir, "zones", `${zone.zone}.zone`), zone.text);
  const config = `server:
    rundir: "${dir}"
    listen: ${HOST}@${port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "${join(dir, "knot.sock")}"
log:
  - target: stderr
    any: warning
database:
    storage: "${join(dir, "db")}"
template:
  - id: default
    storage: "${join(dir, "zones")}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
    semantic-checks: off
zone:
${zones.map((zone) => `  - domain: ${zone.zone}.`).join("\n")}
`;
  await writeFile(join(dir, "knot.conf"), config);
  const child = spawnLogged(binary("knotd"), ["-c", join(dir, "knot.conf")], join(dir, "knotd.log"));
  await waitUntil(`knotd on port ${port}`, child, join(dir, "knotd.log"), async () => {
    const answers = await Promise.all(
      zones.map((zone) =>
        query({ name: zone.zone, type: "SOA", server: `${HOST}:${port}`, recursion: false, timeoutMs: 300 }),
      ),
    );
    return answers.every((answer) => answer.outcome === "answer" && answer.aa);
  });
  return child;
}

async function startUnbound(
  dir: string,
  port: number,
  authorityPort: number,
  childPort: number,
  deadPort: number,
): Promise<ChildProcess> {
  await mkdir(dir, { recursive: true });
  const stub = (zone: string, target: number) =>
    `stub-zone:\n    name: "${zone}."\n    stub-addr: ${HOST}@${target}\n    stub-first: no\n`;
  const config = `server:
    interface: ${HOST}@${port}
    port: ${port}
    do-ip6: no
    username: ""
    chroot: ""
    directory: "${dir}"
    pidfile: "${join(dir, "unbound.pid")}"
    use-syslog: no
    logfile: ""
    verbosity: 0
    do-daemonize: no
    num-threads: 1
    so-reuseport: no
    access-control: 127.0.0.0/8 allow
    # Stub zones live on 127.0.0.1: Unbound refuses to query localhost unless told.
    do-not-query-localhost: no
    # No DNSSEC validation: the lab's zones are unsigned documentation zones.
    module-config: "iterator"
    # Keep answering (SERVFAIL) instead of dropping requests that take long (dead stub).
    discard-timeout: 0
    # Short caches so negative caching is real but takes seconds, and dead hosts are re-probed.
    cache-min-ttl: 0
    cache-max-negative-ttl: 60
    infra-host-ttl: 2
    # Give up on a dead server after ~1.4 s (SERVFAIL), inside a client's 2 s timeout, yet not
    # so soon that a Knot slowed by a busy machine is taken for dead.
    infra-cache-max-rtt: 700
    infra-keep-probing: yes
    serve-expired: no
    prefetch: no
    harden-referral-path: no
    qname-minimisation: no
    minimal-responses: no
${TRANSPARENT_ZONES.map((zone) => `    local-zone: "${zone}" transparent`).join("\n")}
remote-control:
    control-enable: no
${stub("test", authorityPort)}${stub("113.0.203.in-addr.arpa", authorityPort)}${stub(CHILD_ZONE, childPort)}${stub("2.0.192.in-addr.arpa", authorityPort)}${stub("8.b.d.0.1.0.0.2.ip6.arpa", authorityPort)}${stub(SERVFAIL_ZONE, deadPort)}${SWEEP_ZONES.map((zone) => stub(zone, authorityPort)).join("")}${[...BLOCKLIST_ZONES, DQS_ZONE, BROKEN_BLOCKLIST_ZONE].map((zone) => stub(zone, authorityPort)).join("")}${Object.values(
  OWNER_ZONES,
)
  .filter((spec) => !spec.zone.endsWith("ip6.arpa"))
  .map((spec) => stub(spec.zone, authorityPort))
  .join("")}`;
  await writeFile(join(dir, "unbound.conf"), config);
  const child = spawnLogged(
    binary("unbound"),
    ["-d", "-c", join(dir, "unbound.conf")],
    join(dir, "unbound.log"),
  );
  await waitUntil(`unbound on port ${port}`, child, join(dir, "unbound.log"), async () => {
    const answer = await query({
      name: "test",
      type: "SOA",
      server: `${HOST}:${port}`,
      recursion: true,
      timeoutMs: 300,
    });
    return answer.outcome === "answer" && answer.rcode === "NOERROR" && answer.answers.length > 0;
  });
  return child;
}

export function spawnLogged(command: string, args: string[], logFile: string): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.on("exit", () => void writeFile(logFile, Buffer.concat(chunks)).catch(() => {}));
  (child as ChildProcess & { logText?: () => string }).logText = () => Buffer.concat(chunks).toString();
  return child;
}

export async function waitUntil(
  what: string,
  child: ChildProcess,
  _log: string,
  ready: () => Promise<boolean>,
) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const text = (child as ChildProcess & { logText?: () => string }).logText?.() ?? "";
      throw new Error(`${what} exited (${child.exitCode}) during start-up:\n${text}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopProcess(child);
  throw new Error(`${what} did not answer within 15 s`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(
    () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"),
    5000,
  );
  await exited;
  clearTimeout(timer);
}

/** A loopback port free for both UDP and TCP right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
    });
    const udp = dgram.createSocket("udp4");
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, HOST, () => resolve(true));
    });
    udp.close();
    await new Promise((resolve) => server.close(resolve));
    if (udpFree) return port;
  }
  throw new Error("no free loopback port found");
}

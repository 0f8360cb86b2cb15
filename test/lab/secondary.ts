// A reverse zone served the way real ones are (issue 29): a primary Knot and a real secondary
// Knot that copies the zone from it by zone transfer (AXFR, then IXFR on NOTIFY: RFC 5936, 1995,
// 1996), plus a third Knot serving a stale copy of the zone from a file (serial 1, the PTR not
// there). The secondary can be held back: the primary's transfer ACL withdrawn (its IXFR is
// refused, `holdTransfers`) or the secondary stopped and started again later. Each test file
// starts its own pair, so holding one back never touches the shared lab.
//
// The primary also serves the forward zone `lag.test` and is the check's "resolver" (Knot answers
// RD=1 questions from its own zones, AA set): no cache in between, so a re-check chain's
// "cleared" waits on the zone's servers alone.
import type { ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { query } from "../../src/check/dns-client.js";
import { parseIp } from "../../src/check/ip.js";
import { binary, freePort, knotTransaction, spawnLogged, stopProcess, waitUntil } from "./lab.js";

const run = promisify(execFile);
const HOST = "127.0.0.1";
const KNOTC = binary("knotc");

/** 203.0.128.0/24: next to the lab's sweep /20, served by no other part of the lab. */
export const PAIR_ZONE = "128.0.203.in-addr.arpa";
export const PAIR_FORWARD = "lag.test";
/** Addresses in the pair's zone: none has a PTR at start; each has `hostN.lag.test A` back. */
export const PAIR_IPS = Array.from({ length: 8 }, (_, i) => `203.0.128.${10 + i}`);
export const pairHost = (ip: string) => `host${ip.split(".")[3]}.${PAIR_FORWARD}`;

const SOA_TTL = 4;
const SOA_MINIMUM = 3;

function reverseZone(serial: number): string {
  // refresh 3600 / retry 3600: the secondary moves on NOTIFY and zone-refresh only, never on its
  // own timers during a test.
  return `$ORIGIN ${PAIR_ZONE}.\n$TTL 5\n@ ${SOA_TTL} SOA ns1.${PAIR_FORWARD}. hostmaster.${PAIR_FORWARD}. ${serial} 3600 3600 86400 ${SOA_MINIMUM}\n@ NS ns1.${PAIR_FORWARD}.\n@ NS ns2.${PAIR_FORWARD}.\n`;
}

function forwardZone(): string {
  const hosts = PAIR_IPS.map((ip) => `${pairHost(ip)}. A ${ip}`).join("\n");
  return `$ORIGIN ${PAIR_FORWARD}.\n$TTL 5\n@ ${SOA_TTL} SOA ns1.${PAIR_FORWARD}. hostmaster.${PAIR_FORWARD}. 1 3600 3600 86400 ${SOA_MINIMUM}\n@ NS ns1.${PAIR_FORWARD}.\nns1 A ${HOST}\nns2 A ${HOST}\n${hosts}\n`;
}

export interface ZonePair {
  primary: string;
  secondary: string;
  /** A third instance serving the zone as it was at serial 1, never updated. */
  stale: string;
  /** Sets the PTR of `ip` at the primary (Knot raises the serial; NOTIFY goes to the secondary). */
  setPtr(ip: string, target: string): Promise<void>;
  removePtr(ip: string): Promise<void>;
  /** The primary refuses the secondary's transfers (its ACL withdrawn, config reloaded). */
  holdTransfers(): Promise<void>;
  /** Transfers allowed again, and the secondary told to refresh at once. */
  releaseTransfers(): Promise<void>;
  stopSecondary(): Promise<void>;
  /** Starts the stopped secondary again (it transfers what it missed). */
  startSecondary(): Promise<void>;
  /** The zone's serial at `server` (null when it does not answer). */
  serial(server: string): Promise<number | null>;
  /** Waits until `server` serves at least `serial` (ms budget); false when it did not. */
  waitForSerial(server: string, serial: number, budgetMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

interface KnotSpec {
  dir: string;
  port: number;
  zones: Array<{ zone: string; text: string | null; extra: string }>;
  head: string;
}

async function writeKnotConfig(spec: KnotSpec): Promise<void> {
  await mkdir(join(spec.dir, "zones"), { recursive: true });
  await mkdir(join(spec.dir, "db"), { recursive: true });
  for (const zone of spec.zones) {
    if (zone.text !== null) await writeFile(join(spec.dir, "zones", `${zone.zone}.zone`), zone.text);
  }
  const config = `server:
    rundir: "${spec.dir}"
    listen: ${HOST}@${spec.port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "${join(spec.dir, "knot.sock")}"
log:
  - target: stderr
    any: warning
database:
    storage: "${join(spec.dir, "db")}"
${spec.head}template:
  - id: default
    storage: "${join(spec.dir, "zones")}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
    semantic-checks: off
zone:
${spec.zones.map((zone) => `  - domain: ${zone.zone}.\n${zone.extra}`).join("")}`;
  await writeFile(join(spec.dir, "knot.conf"), config);
}

async function startKnot(spec: KnotSpec): Promise<ChildProcess> {
  await writeKnotConfig(spec);
  const child = spawnLogged(
    binary("knotd"),
    ["-c", join(spec.dir, "knot.conf")],
    join(spec.dir, "knotd.log"),
  );
  await waitUntil(`knotd on port ${spec.port}`, child, join(spec.dir, "knotd.log"), async () => {
    const answer = await query({
      name: PAIR_ZONE,
      type: "SOA",
      server: `${HOST}:${spec.port}`,
      recursion: false,
      timeoutMs: 300,
    });
    return answer.outcome === "answer" && answer.aa && answer.rcode === "NOERROR";
  });
  return child;
}

export async function startZonePair(): Promise<ZonePair> {
  const dir = await mkdtemp(join(tmpdir(), "rdns-pair-"));
  const [primaryPort, secondaryPort, stalePort] = [await freePort(), await freePort(), await freePort()];
  const primaryDir = join(dir, "primary");
  const secondaryDir = join(dir, "secondary");
  const primarySpec = (allowTransfers: boolean): KnotSpec => ({
    dir: primaryDir,
    port: primaryPort,
    head: `remote:\n  - id: secondary\n    address: ${HOST}@${secondaryPort}\nacl:\n  - id: to-secondary\n    address: ${HOST}\n    action: transfer\n`,
    zones: [
      {
        zone: PAIR_ZONE,
        text: reverseZone(1),
        extra: `    notify: secondary\n${allowTransfers ? "    acl: to-secondary\n" : ""}`,
      },
      { zone: PAIR_FORWARD, text: forwardZone(), extra: "" },
    ],
  });
  const secondarySpec: KnotSpec = {
    dir: secondaryDir,
    port: secondaryPort,
    head: `remote:\n  - id: primary\n    address: ${HOST}@${primaryPort}\nacl:\n  - id: from-primary\n    address: ${HOST}\n    action: notify\n`,
    zones: [{ zone: PAIR_ZONE, text: null, extra: "    master: primary\n    acl: from-primary\n" }],
  };
  const staleSpec: KnotSpec = {
    dir: join(dir, "stale"),
    port: stalePort,
    head: "",
    zones: [{ zone: PAIR_ZONE, text: reverseZone(1), extra: "" }],
  };
  const processes = new Map<string, ChildProcess>();
  const stop = async () => {
    await Promise.all([...processes.values()].map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  const primary = `${HOST}:${primaryPort}`;
  const secondary = `${HOST}:${secondaryPort}`;
  const serial = async (server: string): Promise<number | null> => {
    const answer = await query({ name: PAIR_ZONE, type: "SOA", server, recursion: false, timeoutMs: 500 });
    return answer.outcome === "answer" && answer.aa ? (answer.soa?.serial ?? null) : null;
  };
  const waitForSerial = async (server: string, wanted: number, budgetMs = 10_000) => {
    const until = Date.now() + budgetMs;
    while (Date.now() < until) {
      const now = await serial(server);
      if (now !== null && now >= wanted) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  };
  const knotc = (which: string, ...args: string[]) => run(KNOTC, ["-s", join(which, "knot.sock"), ...args]);
  const edit = (ip: string, steps: string[][]) => {
    const owner = `${parseIp(ip).reverseName}.`;
    return knotTransaction(
      join(primaryDir, "knot.sock"),
      PAIR_ZONE,
      steps.map((step) => step.map((part) => (part === "@" ? owner : part))),
    );
  };
  try {
    processes.set("primary", await startKnot(primarySpec(true)));
    processes.set("secondary", await startKnot(secondarySpec));
    processes.set("stale", await startKnot(staleSpec));
    return {
      primary,
      secondary,
      stale: `${HOST}:${stalePort}`,
      setPtr: (ip, target) =>
        edit(ip, [
          ["?zone-unset", "@", "PTR"],
          ["zone-set", "@", "5", "PTR", `${target}.`],
        ]),
      removePtr: (ip) => edit(ip, [["?zone-unset", "@", "PTR"]]),
      holdTransfers: async () => {
        await writeKnotConfig(primarySpec(false));
        await knotc(primaryDir, "reload");
      },
      releaseTransfers: async () => {
        await writeKnotConfig(primarySpec(true));
        await knotc(primaryDir, "reload");
        await knotc(secondaryDir, "zone-refresh", `${PAIR_ZONE}.`);
      },
      stopSecondary: async () => {
        const child = processes.get("secondary");
        processes.delete("secondary");
        if (child !== undefined) await stopProcess(child);
      },
      startSecondary: async () => {
        processes.set("secondary", await startKnot(secondarySpec));
      },
      serial,
      waitForSerial,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

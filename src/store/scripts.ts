// Every Lua script the store runs, one file each in src/store/lua/, registered on a connection
// with ioredis `defineCommand`: the first call on a socket sends the text (EVAL), every later one
// only its SHA1 (EVALSHA), and a script missing after a Redis restart is sent again by ioredis on
// NOSCRIPT. A defined command exists on the connection's pipelines too (`pipeline.rdnsX(...)`).
//
// Each script declares how many KEYS it takes, and every key it touches is passed as one of
// them, never built inside the script: what Redis Cluster needs (all KEYS of one call in one hash
// slot) can then be checked from the calls alone. Scripts listed in `uses` get a library file
// (src/store/lua/<name>.lua) put before their own text.
import { readFileSync } from "node:fs";
import type { Result } from "ioredis";
import type { RedisClient } from "../redis-client.js";

/** A script: its file (src/store/lua/<file>.lua), its number of KEYS, the library files it uses. */
export interface ScriptSpec {
  file: string;
  keys: number;
  uses?: readonly string[];
}

/** Library files: put before the scripts that use them, never registered on their own. */
export const LUA_LIBRARIES = ["union"] as const;

const SCRIPT_SPECS = {
  rdnsDedupJoin: { file: "dedup-join", keys: 3 },
  rdnsDedupFinish: { file: "dedup-finish", keys: 2 },
  rdnsDedupAbandon: { file: "dedup-abandon", keys: 2 },
  rdnsChainOpen: { file: "chain-open", keys: 3 },
  rdnsChainEnd: { file: "chain-end", keys: 3 },
  rdnsChainAdopt: { file: "chain-adopt", keys: 3 },
  rdnsReportSetIfNewer: { file: "report-set-if-newer", keys: 1 },
  rdnsWatchStateSet: { file: "watch-state-set", keys: 2 },
  rdnsWatchAdd: { file: "watch-add", keys: 4, uses: ["union"] },
  rdnsWatchCount: { file: "watch-count", keys: 1, uses: ["union"] },
  rdnsWatchRecordSet: { file: "watch-record-set", keys: 1 },
  rdnsWatchRemove: { file: "watch-remove", keys: 4 },
  rdnsWatchRunCountChunk: { file: "watch-run-count-chunk", keys: 3 },
  rdnsWatchRunCollect: { file: "watch-run-collect", keys: 4 },
} as const satisfies Record<string, ScriptSpec>;

export type ScriptName = keyof typeof SCRIPT_SPECS;
export const SCRIPTS: Readonly<Record<ScriptName, ScriptSpec>> = SCRIPT_SPECS;

type Arg = string | number;

// The commands' types on every connection and pipeline (ioredis's documented way to type a
// defineCommand). Arguments are KEYS first, then ARGV, as the script's header describes.
declare module "ioredis" {
  interface RedisCommander<Context> {
    rdnsDedupJoin(...args: Arg[]): Result<[string, string], Context>;
    rdnsDedupFinish(window: string, list: string, chainId: string): Result<string[], Context>;
    rdnsDedupAbandon(window: string, list: string, chainId: string): Result<string[], Context>;
    rdnsChainOpen(...args: Arg[]): Result<number, Context>;
    rdnsChainEnd(...args: Arg[]): Result<string, Context>;
    rdnsChainAdopt(...args: Arg[]): Result<number, Context>;
    rdnsReportSetIfNewer(key: string, report: string, checkedAt: string, ttl: Arg): Result<number, Context>;
    rdnsWatchStateSet(...args: Arg[]): Result<number, Context>;
    rdnsWatchAdd(...args: Arg[]): Result<[number, number], Context>;
    rdnsWatchCount(prefixes: string): Result<number, Context>;
    rdnsWatchRecordSet(watches: string, target: string, read: string, next: string): Result<number, Context>;
    rdnsWatchRemove(...args: Arg[]): Result<number, Context>;
    rdnsWatchRunCountChunk(...args: Arg[]): Result<number, Context>;
    rdnsWatchRunCollect(...args: Arg[]): Result<string[], Context>;
  }
}

const LUA_DIR = new URL("./lua/", import.meta.url);

function readLua(file: string): string {
  return readFileSync(new URL(`${file}.lua`, LUA_DIR), "utf8");
}

/** A script's full text: its libraries, then its own file. Read once per process. */
const texts = new Map<ScriptName, string>();
export function scriptText(name: ScriptName): string {
  let text = texts.get(name);
  if (text === undefined) {
    const spec = SCRIPTS[name];
    text = [...(spec.uses ?? []).map(readLua), readLua(spec.file)].join("\n");
    texts.set(name, text);
  }
  return text;
}

/**
 * Defines every store script on `redis` (once: a connection that has them is returned as is) and
 * returns it. Pipelines made from it afterwards have them too.
 */
export function withScripts<Client extends RedisClient>(redis: Client): Client {
  const defined = redis as unknown as Record<string, unknown>;
  for (const [name, spec] of Object.entries(SCRIPTS) as [ScriptName, ScriptSpec][]) {
    if (typeof defined[name] === "function") continue;
    redis.defineCommand(name, { numberOfKeys: spec.keys, lua: scriptText(name) });
  }
  return redis;
}

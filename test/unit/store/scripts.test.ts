// The store's Lua scripts (src/store/scripts.ts): every file in src/store/lua/ is registered or
// a declared library, every registered script declares its KEYS count, uses exactly that many
// KEYS, and touches Redis only through KEYS (never a key built inside the script): what a Redis
// Cluster check of the calls needs. Read from the script files, not from a hand list.
import { readdirSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import {
  LUA_LIBRARIES,
  SCRIPTS,
  type ScriptName,
  scriptText,
  withScripts,
} from "../../../src/store/scripts.js";

const LUA_DIR = new URL("../../../src/store/lua/", import.meta.url);
const files = readdirSync(LUA_DIR).filter((name) => name.endsWith(".lua"));
const names = Object.keys(SCRIPTS) as ScriptName[];
const own = (name: ScriptName) => readFileSync(new URL(`${SCRIPTS[name].file}.lua`, LUA_DIR), "utf8");

describe("the store's Lua scripts", () => {
  it("every .lua file is a registered script or a declared library, and every script has its file", () => {
    const registered = names.map((name) => `${SCRIPTS[name].file}.lua`);
    const libraries = LUA_LIBRARIES.map((name) => `${name}.lua`);
    expect([...registered, ...libraries].sort()).toEqual([...files].sort());
    expect(new Set(registered).size).toBe(registered.length);
  });

  it.each(names)("%s declares a KEYS count and uses exactly KEYS[1..count]", (name) => {
    const declared = SCRIPTS[name].keys;
    expect(Number.isInteger(declared) && declared >= 1).toBe(true);
    const used = [...own(name).matchAll(/KEYS\[(\d+)\]/g)].map((match) => Number(match[1]));
    expect(Math.max(...used)).toBe(declared);
  });

  it.each(names)("%s passes a KEYS entry as the key of every redis.call", (name) => {
    const calls = [...scriptText(name).matchAll(/redis\.call\('([A-Z]+)',\s*([^,)]+)/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, command, key] of calls) expect(`${command} ${key}`).toMatch(/^[A-Z]+ KEYS\[/);
  });

  it.each(names)("%s is its libraries' text, then its own", (name) => {
    const libraries = (SCRIPTS[name].uses ?? []).map((library) =>
      readFileSync(new URL(`${library}.lua`, LUA_DIR), "utf8"),
    );
    expect(scriptText(name)).toBe([...libraries, own(name)].join("\n"));
  });

  it("a script that calls a library function declares the library", () => {
    for (const name of names)
      expect({ name, uses: /\bunion\(/.test(own(name)) }).toEqual({
        name,
        uses: (SCRIPTS[name].uses ?? []).includes("union"),
      });
  });

  it("defines every script on a connection once, and its pipelines have them", () => {
    const redis = new Redis({ lazyConnect: true });
    const defined = withScripts(redis) as unknown as Record<string, unknown>;
    const first = names.map((name) => defined[name]);
    expect(first.every((command) => typeof command === "function")).toBe(true);
    // Defining again keeps the same commands (nothing is redefined per call).
    withScripts(redis);
    expect(names.map((name) => defined[name])).toEqual(first);
    const pipeline = redis.pipeline() as unknown as Record<string, unknown>;
    expect(names.every((name) => typeof pipeline[name] === "function")).toBe(true);
    redis.disconnect();
  });
});

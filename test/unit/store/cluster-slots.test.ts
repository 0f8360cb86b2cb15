// Redis Cluster runs a script or a MULTI only when all its keys are in one hash slot (CROSSSLOT
// otherwise). Derived, not listed by hand: every script registered in src/store/scripts.ts touches
// only keys given as KEYS (read from its Lua text), and every key builder of src/keys.ts (walked
// from storeKeys itself) lands in the deployment tag's slot, for any QUEUE_PREFIX; BullMQ's keys
// (its own QueueKeys) land there too. Slots are computed with CRC16 as Redis does, by the
// cluster-key-slot package ioredis itself routes with.
import { createRequire } from "node:module";
import { QueueKeys } from "bullmq";
import { describe, expect, it } from "vitest";
import { deploymentPrefix, storeKeys } from "../../../src/keys.js";
import {
  CHECK_QUEUE,
  deliveryQueueName,
  routedDeliveryQueueName,
  WATCH_QUEUE,
} from "../../../src/queue/names.js";
import { SCRIPTS, type ScriptName, scriptText } from "../../../src/store/scripts.js";

const keySlot = createRequire(import.meta.url)("cluster-key-slot") as (key: string) => number;

const PREFIXES = ["rdns", "team-a", "rdnstest-x-0a1b2c3d", "A_b-9"];
/** Arguments that exercise the builders: IPv4, IPv6, a HELO with dots, text with a colon. */
const SAMPLE_ARGS = ["2001:db8::25", "mail.example.test", "console:C1", "chain-1"];

describe("one hash slot per deployment", () => {
  it("makes the tag from QUEUE_PREFIX, and keeps a prefix already given as a tag", () => {
    expect(deploymentPrefix("rdns")).toBe("{rdns}");
    expect(deploymentPrefix("{rdns}")).toBe("{rdns}");
    // Redis hashes the text between the first { and the next }: the tag is the whole prefix.
    expect(keySlot("{rdns}:s:anything")).toBe(keySlot("rdns"));
  });

  it("every script touches only the keys it is given as KEYS", () => {
    const names = Object.keys(SCRIPTS) as ScriptName[];
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const text = scriptText(name);
      const calls = [...text.matchAll(/redis\.call\(\s*'([A-Za-z]+)'\s*,\s*([^,)]+)/g)];
      expect(calls.length, name).toBeGreaterThan(0);
      for (const [, command, first] of calls) {
        // Every command these scripts use takes a key first (HGET, SADD, LRANGE, PEXPIRE, ...).
        expect(first?.trim(), `${name}: ${command}`).toMatch(/^KEYS\[/);
      }
      // A KEYS index beyond the declared count would be nil at run time, i.e. a key built elsewhere.
      for (const [, index] of text.matchAll(/KEYS\[(\d+)\]/g))
        expect(Number(index), name).toBeLessThanOrEqual(SCRIPTS[name].keys);
    }
  });

  it("every key the store builds is in the deployment's slot", () => {
    for (const queuePrefix of PREFIXES) {
      const tag = deploymentPrefix(queuePrefix);
      const slot = keySlot(queuePrefix);
      const keys = storeKeys(tag) as unknown as Record<string, ((...args: string[]) => string) | string>;
      const builders = Object.entries(keys);
      expect(builders.length).toBeGreaterThan(20);
      for (const [name, build] of builders) {
        // A fixed name (the storage-full pub/sub channel) is checked as it is.
        const built =
          typeof build === "string"
            ? [build]
            : SAMPLE_ARGS.map((sample) => build(...Array.from({ length: build.length }, () => sample)));
        for (const key of built) {
          expect(key.startsWith(`${tag}:`), name).toBe(true);
          expect(keySlot(key), `${name}: ${key}`).toBe(slot);
        }
      }
      // A probe's window is the check's plus "|probe" (src/store/dedup-window.ts callers).
      expect(keySlot(storeKeys(tag).dedup("192.0.2.1", "mail.example.test", true))).toBe(slot);
      // A chain's origin list is its window's key plus the chain id (src/store/dedup-window.ts).
      expect(
        keySlot(`${(keys.dedup as (ip: string, helo: string) => string)("192.0.2.1", "")}:chain-1`),
      ).toBe(slot);
    }
  });

  it("every BullMQ key of every queue is in the deployment's slot", () => {
    for (const queuePrefix of PREFIXES) {
      const queueKeys = new QueueKeys(deploymentPrefix(queuePrefix));
      const slot = keySlot(queuePrefix);
      for (const queue of [
        CHECK_QUEUE,
        WATCH_QUEUE,
        deliveryQueueName("console"),
        routedDeliveryQueueName("console", "3fa9c1"),
      ]) {
        for (const key of Object.values(queueKeys.getKeys(queue))) expect(keySlot(key), key).toBe(slot);
        expect(keySlot(queueKeys.toKey(queue, "job-1")), queue).toBe(slot);
      }
    }
  });
});

// A full Redis, as the bot reads it: Redis's own figures (INFO memory) for /readyz and the check
// worker's wait, and the error words of a refused write for the answer a person reads.
import { ReplyError } from "ioredis";
import { describe, expect, it } from "vitest";
import {
  failureCause,
  failureNotice,
  isStorageFull,
  storageFullText,
} from "../../../src/app/failure-reply.js";
import { redisFullness } from "../../../src/queue/redis-memory.js";
import { notQueuedText, renderText } from "../../../src/render/text.js";

/** The lines of `INFO memory` that matter, as Redis 7 writes them (CRLF). */
function info(fields: Record<string, string | number>): string {
  return ["# Memory", ...Object.entries(fields).map(([key, value]) => `${key}:${value}`), ""].join("\r\n");
}

describe("redisFullness (INFO memory)", () => {
  it("says full, with the policy, when used memory is above maxmemory", () => {
    expect(
      redisFullness(
        info({
          used_memory: 25_264_976,
          used_memory_human: "24.09M",
          maxmemory: 25_165_824,
          maxmemory_policy: "noeviction",
          mem_not_counted_for_evict: 0,
        }),
      ),
    ).toBe("full (used_memory >= maxmemory, noeviction)");
  });

  it("is not full at or below maxmemory, or without a maxmemory", () => {
    expect(
      redisFullness(info({ used_memory: 1000, maxmemory: 1000, maxmemory_policy: "noeviction" })),
    ).toBeNull();
    expect(
      redisFullness(info({ used_memory: 900_000_000, maxmemory: 0, maxmemory_policy: "noeviction" })),
    ).toBeNull();
  });

  it("leaves out what Redis does not count for eviction (replica and AOF buffers)", () => {
    const fields = { used_memory: 1_100, maxmemory: 1_000, maxmemory_policy: "allkeys-lru" };
    expect(redisFullness(info({ ...fields, mem_not_counted_for_evict: 200 }))).toBeNull();
    expect(redisFullness(info({ ...fields, mem_not_counted_for_evict: 50 }))).toBe(
      "full (used_memory >= maxmemory, allkeys-lru)",
    );
  });

  it("does not call an unreadable answer full", () => {
    expect(redisFullness("")).toBeNull();
    expect(redisFullness(info({ used_memory: "x", maxmemory: 10 }))).toBeNull();
  });
});

describe("isStorageFull (a write Redis refused for memory)", () => {
  const oom = "OOM command not allowed when used memory > 'maxmemory'.";

  it("knows the plain refusal, a Lua script's, and a cause's", () => {
    expect(isStorageFull(new ReplyError(oom))).toBe(true);
    expect(isStorageFull(new ReplyError(`${oom} script: 609da70d, on @user_script:22.`))).toBe(true);
    expect(
      isStorageFull(
        new Error("the check of 203.0.113.5 could not be queued", { cause: new ReplyError(oom) }),
      ),
    ).toBe(true);
  });

  it("knows a MULTI whose queued write was refused (EXECABORT, previousErrors)", () => {
    const aborted = Object.assign(
      new ReplyError("EXECABORT Transaction discarded because of previous errors."),
      {
        previousErrors: [new ReplyError(oom)],
      },
    );
    expect(isStorageFull(aborted)).toBe(true);
    expect(isStorageFull(new ReplyError("EXECABORT Transaction discarded because of previous errors."))).toBe(
      false,
    );
  });

  it("is not any other failure", () => {
    expect(isStorageFull(new Error("Connection is closed."))).toBe(false);
    expect(
      isStorageFull(new ReplyError("WRONGTYPE Operation against a key holding the wrong kind of value")),
    ).toBe(false);
    expect(isStorageFull("OOM command not allowed")).toBe(false);
  });
});

describe("what the asker reads", () => {
  it("says storage is full, with the reference, ahead of the connection's state", () => {
    const error = new ReplyError("OOM command not allowed when used memory > 'maxmemory'.");
    expect(failureCause(error, "ready")).toBe("storage-full");
    expect(failureCause(new Error("Connection is closed."), "ready")).toBe("queue-unreachable");
    expect(failureCause(new Error("boom"), "ready")).toBe("other");
    expect(failureNotice("0badc0de", "storage-full")).toEqual({
      kind: "notice",
      text: storageFullText("0badc0de"),
    });
    expect(storageFullText("0badc0de")).toMatch(
      /storage \(Redis\) is full.*nothing was started.*\(reference 0badc0de\)\.$/,
    );
  });

  it("keeps the older boolean form of failureNotice", () => {
    expect(failureNotice("0badc0de", true).kind).toBe("notice");
    expect((failureNotice("0badc0de", true) as { text: string }).text).toMatch(/cannot reach its queue/);
    expect((failureNotice("0badc0de") as { text: string }).text).toMatch(/failed on our side/);
  });

  it("replaces a check's Checking… with the storage-full words, never a DNS word", () => {
    const text = notQueuedText({ ip: "203.0.113.5", storageFull: { reference: "0badc0de" } });
    expect(text).toMatch(
      /^Could not check 203\.0\.113\.5: the bot's storage \(Redis\) is full, so nothing was checked/,
    );
    expect(text).toContain("(reference 0badc0de)");
    expect(text).not.toMatch(/PTR|could not tell|queue/i);
    expect(notQueuedText({ ip: "203.0.113.5" })).toMatch(/could not reach its queue/);
  });

  it("keeps a checked answer's line saying it waits for memory, still a Checking line", () => {
    const waiting = renderText({
      kind: "checking",
      ip: "203.0.113.5",
      helo: null,
      storageFull: { reference: "0badc0de" },
    });
    expect(waiting).toMatch(
      /^Checking 203\.0\.113\.5\.\.\. Checked, but the bot's storage \(Redis\) is full/,
    );
    expect(waiting).toContain("(reference 0badc0de)");
    expect(renderText({ kind: "checking", ip: "203.0.113.5", helo: null })).toBe("Checking 203.0.113.5...");
  });
});

import { describe, expect, it } from "vitest";
import { evaluateReadiness } from "../../../src/web/readiness.js";

describe("evaluateReadiness", () => {
  it("is ready only when every check is", async () => {
    const result = await evaluateReadiness(
      [
        { name: "redis", ready: () => true },
        { name: "slack", ready: async () => true },
      ],
      100,
    );
    expect(result).toEqual({
      ready: true,
      checks: [
        { name: "redis", ready: true },
        { name: "slack", ready: true },
      ],
    });
  });

  it("names what is not ready, and why", async () => {
    const result = await evaluateReadiness(
      [
        { name: "redis", ready: async () => Promise.reject(new Error("Connection is closed.")) },
        { name: "discord", ready: () => false },
        { name: "slack", ready: () => true },
      ],
      100,
    );
    expect(result.ready).toBe(false);
    expect(result.checks).toEqual([
      { name: "redis", ready: false, error: "Connection is closed." },
      { name: "discord", ready: false, error: "not connected" },
      { name: "slack", ready: true },
    ]);
  });

  it("bounds a check that hangs by the timeout", async () => {
    const started = Date.now();
    const result = await evaluateReadiness(
      [{ name: "redis", ready: () => new Promise<boolean>(() => {}) }],
      50,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.checks[0]).toEqual({ name: "redis", ready: false, error: "no answer within 50 ms" });
  });

  it("turns a check that throws synchronously into 'not ready'", async () => {
    const result = await evaluateReadiness(
      [
        {
          name: "console",
          ready: () => {
            throw new Error("boom");
          },
        },
      ],
      50,
    );
    expect(result).toEqual({ ready: false, checks: [{ name: "console", ready: false, error: "boom" }] });
  });
});

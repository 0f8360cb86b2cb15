// A person's check before a watch run's (issue 28): a server's in-flight slots go to foreground
// questions first and background ones take at most their share (InFlightLimit), and a
// background check waits while a foreground one runs in the process, at most its bound
// (ForegroundGate).
import { describe, expect, it } from "vitest";
import { InFlightLimit } from "../../../src/check/dns-limits.js";
import { ForegroundGate } from "../../../src/check/foreground.js";

describe("InFlightLimit with background holders", () => {
  it("lets background holders take only their share, leaving the rest to the foreground", () => {
    const limit = new InFlightLimit(8, 0.75);
    for (let i = 0; i < 6; i++) expect(limit.acquire(true)).toBeUndefined();
    // The seventh background question waits although two slots are free...
    expect(limit.acquire(true)).toBeInstanceOf(Promise);
    // ...which foreground questions take at once.
    expect(limit.acquire()).toBeUndefined();
    expect(limit.acquire()).toBeUndefined();
    expect(limit.inFlight).toBe(8);
  });

  it("hands a freed slot to a waiting foreground question before any background one", async () => {
    const limit = new InFlightLimit(2, 0.5);
    expect(limit.acquire(true)).toBeUndefined();
    expect(limit.acquire()).toBeUndefined();
    const order: string[] = [];
    void limit.acquire(true)?.then(() => order.push("background"));
    void limit.acquire()?.then(() => order.push("foreground"));
    // The background holder leaves: the foreground waiter, queued later, goes first.
    limit.release(true);
    await Promise.resolve();
    expect(order).toEqual(["foreground"]);
    // The foreground holder leaves: now the background waiter, within its share of one.
    limit.release();
    await Promise.resolve();
    expect(order).toEqual(["foreground", "background"]);
    expect(limit.inFlight).toBe(2);
  });
});

describe("ForegroundGate", () => {
  it("lets a background check start at once when no foreground check runs", () => {
    expect(new ForegroundGate().idle()).toBeUndefined();
  });

  it("holds background checks while a foreground one runs, and lets them go when it ends", async () => {
    const gate = new ForegroundGate();
    const leave = gate.enter();
    let released = false;
    const waiting = gate.idle(60_000)?.then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).toBe(false);
    leave();
    leave(); // twice is once
    await waiting;
    expect(released).toBe(true);
    expect(gate.foregroundRunning).toBe(0);
  });

  it("never holds a background check longer than its bound", async () => {
    const gate = new ForegroundGate();
    gate.enter();
    const started = performance.now();
    await gate.idle(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(gate.foregroundRunning).toBe(1);
  });
});

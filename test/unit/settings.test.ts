import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { settingsFromConfig } from "../../src/settings.js";

describe("engine settings", () => {
  it("defaults: hourly watches, 48 h of re-checks, 30 s de-duplication, prefix rdns", () => {
    const settings = settingsFromConfig(loadConfig({}));
    expect(settings).toMatchObject({
      prefix: "{rdns}",
      watchIntervalMs: 3_600_000,
      recheckMaxMs: 48 * 3_600_000,
      dedupWindowMs: 30_000,
      watchCap: 65_536,
      watchChunkSize: 256,
      stillFailingAfterMs: 24 * 3_600_000,
    });
  });

  it("reads WATCH_INTERVAL_MS, RECHECK_MAX_HOURS, WATCH_CAP, DEDUP_WINDOW_MS, QUEUE_PREFIX", () => {
    const settings = settingsFromConfig(
      loadConfig({
        WATCH_INTERVAL_MS: "600000",
        RECHECK_MAX_HOURS: "12",
        WATCH_CAP: "64",
        DEDUP_WINDOW_MS: "5000",
        QUEUE_PREFIX: "team-a",
        RESOLVERS: "127.0.0.1:5301",
      }),
    );
    expect(settings).toMatchObject({
      watchIntervalMs: 600_000,
      recheckMaxMs: 12 * 3_600_000,
      watchCap: 64,
      dedupWindowMs: 5000,
      prefix: "{team-a}",
      check: { resolvers: ["127.0.0.1:5301"], authorities: [], timeoutMs: 2000 },
    });
  });

  it("the SMTP probe's EHLO name: SMTP_PROBE_HELO, else SMTP_DOMAIN, else a neutral name", () => {
    const helo = (env: Record<string, string>) => settingsFromConfig(loadConfig(env)).check.smtpHelo;
    expect(helo({ SMTP_PROBE_HELO: "Probe.Example.NET", SMTP_DOMAIN: "mailtest.example.com" })).toBe(
      "probe.example.net",
    );
    expect(helo({ SMTP_PROBE_HELO: "[192.0.2.7]" })).toBe("[192.0.2.7]");
    expect(helo({ SMTP_DOMAIN: "mailtest.example.com" })).toBe("mailtest.example.com");
    expect(helo({})).toBe("rdns-probe.invalid");
  });

  it("refuses an SMTP_PROBE_HELO that is neither an FQDN nor an address literal", () => {
    for (const bad of ["localhost", "probe.example.net\r\nRCPT TO:<x@y>", "[10.0.0.300]", "a b.example"])
      expect(() => loadConfig({ SMTP_PROBE_HELO: bad }), bad).toThrow(/SMTP_PROBE_HELO/);
  });

  it("names a bad variable", () => {
    expect(() => loadConfig({ QUEUE_PREFIX: "a:b" })).toThrow(/QUEUE_PREFIX/);
    expect(() => loadConfig({ WATCH_INTERVAL_MS: "5" })).toThrow(/WATCH_INTERVAL_MS/);
  });
});

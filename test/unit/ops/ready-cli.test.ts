import { describe, expect, it } from "vitest";
import { probeHost } from "../../../src/cli/ready.js";
import { loadConfig } from "../../../src/config.js";

describe("rdns ready", () => {
  it.each([
    ["0.0.0.0", "127.0.0.1"],
    ["::", "[::1]"],
    ["127.0.0.1", "127.0.0.1"],
    ["10.0.0.5", "10.0.0.5"],
    ["::1", "[::1]"],
  ])("reaches a server bound to %s at %s", (bound, reached) => {
    expect(probeHost(bound)).toBe(reached);
  });
});

describe("ops configuration", () => {
  it("defaults to a read-only Bull Board on 127.0.0.1:8080", () => {
    const config = loadConfig({});
    expect(config.ADMIN_WRITE).toBe(false);
    expect(config.WEB_PORT).toBe(8080);
    expect(config.WEB_HOST).toBe("127.0.0.1");
    expect(config.WEB_TOKEN).toBeUndefined();
  });

  it.each([
    ["1", true],
    ["true", true],
    ["0", false],
    ["false", false],
  ])("reads ADMIN_WRITE=%s as %s", (value, write) => {
    expect(loadConfig({ ADMIN_WRITE: value }).ADMIN_WRITE).toBe(write);
  });

  it("names ADMIN_WRITE when it is neither 0 nor 1", () => {
    expect(() => loadConfig({ ADMIN_WRITE: "yes please" })).toThrow(/ADMIN_WRITE/);
  });
});

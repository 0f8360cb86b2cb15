// TRUST_PROXY: off unless set; 1/true trusts any peer; a list trusts those addresses/CIDRs.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("TRUST_PROXY", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["0", false],
    ["false", false],
    ["1", true],
    ["true", true],
    ["10.0.0.5, 192.0.2.0/24 ::1", ["10.0.0.5", "192.0.2.0/24", "::1"]],
  ])("%j is %j", (value, expected) => {
    const env = value === undefined ? {} : { TRUST_PROXY: value };
    expect(loadConfig(env).TRUST_PROXY).toEqual(expected);
  });

  it("names a bad entry", () => {
    expect(() => loadConfig({ TRUST_PROXY: "proxy.example" })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: "proxy.example" })).toThrow(/TRUST_PROXY: "proxy.example"/);
  });
});

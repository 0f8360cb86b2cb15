import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("applies defaults and splits lists", () => {
    const config = loadConfig({ RESOLVERS: "127.0.0.1:5301, 127.0.0.1:5302", SUPPORT_CHANNELS: "C1 C2" });
    expect(config.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(config.RESOLVERS).toEqual(["127.0.0.1:5301", "127.0.0.1:5302"]);
    expect(config.SUPPORT_CHANNELS).toEqual(["C1", "C2"]);
    expect(config.AUTHORITIES).toEqual([]);
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it("treats an empty variable as unset, as .env files and docker-compose pass them", () => {
    const config = loadConfig({ DNS_TIMEOUT_MS: "", PORT: " ", REDIS_URL: "" });
    expect(config.DNS_TIMEOUT_MS).toBe(2000);
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ PORT: "seventy" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "seventy" })).toThrow(/PORT/);
  });
});

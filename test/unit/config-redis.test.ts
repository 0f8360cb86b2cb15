// REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES: one way to reach Redis, refused at start
// naming the variables when combined wrongly (docs/configuration.md).
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("where Redis is", () => {
  it("is one server at REDIS_URL by default", () => {
    expect(loadConfig({}).redis).toEqual({ kind: "url", url: "redis://127.0.0.1:6379" });
  });

  it("follows Sentinels, with the default name mymaster and their passwords", () => {
    expect(
      loadConfig({
        REDIS_SENTINELS: "127.0.0.1:26379, [::1]:26380",
        REDIS_SENTINEL_PASSWORD: "s3",
        REDIS_PASSWORD: "p1",
      }).redis,
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "127.0.0.1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      name: "mymaster",
      password: "p1",
      sentinelPassword: "s3",
    });
    expect(loadConfig({ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_NAME: "prod" }).redis).toMatchObject({
      name: "prod",
    });
  });

  it("uses a cluster's nodes", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: "n1:7000,n2:7001" }).redis).toEqual({
      kind: "cluster",
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
      ],
      password: undefined,
    });
  });

  it("treats an empty variable as unset (compose passes REDIS_URL: '')", () => {
    expect(loadConfig({ REDIS_URL: "", REDIS_SENTINELS: "s1:26379" }).redis.kind).toBe("sentinel");
  });

  it.each([
    [{ REDIS_SENTINELS: "s:1", REDIS_CLUSTER_NODES: "n:2" }, /REDIS_SENTINELS and REDIS_CLUSTER_NODES/],
    [{ REDIS_URL: "redis://h:6379", REDIS_SENTINELS: "s:1" }, /REDIS_URL and REDIS_SENTINELS/],
    [{ REDIS_URL: "redis://h:6379", REDIS_CLUSTER_NODES: "n:2" }, /REDIS_URL and REDIS_CLUSTER_NODES/],
    [{ REDIS_SENTINEL_NAME: "prod" }, /REDIS_SENTINEL_NAME: only read with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_PASSWORD: "x", REDIS_CLUSTER_NODES: "n:2" }, /REDIS_SENTINEL_PASSWORD/],
    [{ REDIS_PASSWORD: "x" }, /REDIS_PASSWORD: only read with REDIS_SENTINELS or REDIS_CLUSTER_NODES/],
    [{ REDIS_SENTINELS: "sentinel-without-port" }, /REDIS_SENTINELS: "sentinel-without-port": host:port/],
    [{ REDIS_CLUSTER_NODES: "n:99999" }, /REDIS_CLUSTER_NODES: "n:99999": host:port/],
  ])("refuses %o naming the variables", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

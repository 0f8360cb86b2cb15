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

  it.each([
    ["RESOLVERS", "127.0.0.1:5301, 127.0.0.1:99999", "127.0.0.1:99999"],
    ["RESOLVERS", "dns.example.com", "dns.example.com"],
    ["AUTHORITIES", "[2001:db8::53]:5300 2001:db8::53]:53", "2001:db8::53]:53"],
    ["AUTHORITIES", "127.0.0.1;5300", "127.0.0.1;5300"],
  ])("stops start-up for a bad %s entry, naming the variable and the entry", (name, value, bad) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${name}: `);
    expect(message).toContain(`"${bad}"`);
  });

  it("accepts every server form the check takes", () => {
    const config = loadConfig({
      RESOLVERS: "192.0.2.53 192.0.2.53:5300",
      AUTHORITIES: "[2001:db8::53]:5300,::1",
    });
    expect(config.RESOLVERS).toEqual(["192.0.2.53", "192.0.2.53:5300"]);
    expect(config.AUTHORITIES).toEqual(["[2001:db8::53]:5300", "::1"]);
  });

  it("serves the page on 127.0.0.1:8080 by default; WEB_TOKEN is at least 16 printable characters", () => {
    const config = loadConfig({});
    expect([config.WEB_HOST, config.WEB_PORT, config.WEB_TOKEN]).toEqual(["127.0.0.1", 8080, undefined]);
    expect(loadConfig({ WEB_TOKEN: "0123456789abcdef" }).WEB_TOKEN).toBe("0123456789abcdef");
    expect(() => loadConfig({ WEB_TOKEN: "short" })).toThrow(/WEB_TOKEN: at least 16/);
    expect(() => loadConfig({ WEB_TOKEN: "0123456789 abcdef" })).toThrow(/WEB_TOKEN: printable/);
    expect(() => loadConfig({ WEB_PORT: "70000" })).toThrow(/WEB_PORT/);
  });

  describe("the Slack HTTP receiver's port", () => {
    it("is SLACK_PORT, 3000 by default, with no deprecation said", () => {
      expect(loadConfig({}).SLACK_PORT).toBe(3000);
      expect(loadConfig({}).deprecations).toEqual([]);
      const config = loadConfig({ SLACK_PORT: "3100" });
      expect([config.SLACK_PORT, config.deprecations]).toEqual([3100, []]);
      expect(() => loadConfig({ SLACK_PORT: "0" })).toThrow(/SLACK_PORT/);
    });

    it("still reads PORT, its old name, when SLACK_PORT is unset, and says to rename it", () => {
      const config = loadConfig({ PORT: "3200" });
      expect(config.SLACK_PORT).toBe(3200);
      expect(config.deprecations).toEqual([
        "PORT is the old name of SLACK_PORT; it still works, but rename it to SLACK_PORT",
      ]);
    });

    it("takes SLACK_PORT over PORT when both are set, and says PORT is ignored", () => {
      const config = loadConfig({ SLACK_PORT: "3100", PORT: "3200" });
      expect(config.SLACK_PORT).toBe(3100);
      expect(config.deprecations).toEqual([
        "PORT is ignored: SLACK_PORT is set (PORT is SLACK_PORT's old name; remove PORT)",
      ]);
    });

    it("treats an empty PORT, as .env.example writes it, as unset", () => {
      expect(loadConfig({ PORT: "", SLACK_PORT: "3100" }).deprecations).toEqual([]);
    });
  });
});

describe("the test-mail listener's variables", () => {
  it("are off by default, and SMTP_PORT needs SMTP_DOMAIN", () => {
    const config = loadConfig({});
    expect(config.SMTP_PORT).toBeUndefined();
    expect(config.SMTP_HOST).toBe("127.0.0.1");
    expect(config.SMTP_PROXY_FROM).toEqual([]);
    expect(config.SMTP_MAX_CONNECTIONS_PER_IP).toBe(10);
    expect(() => loadConfig({ SMTP_PORT: "25" })).toThrow(/SMTP_DOMAIN: required when SMTP_PORT is set/);
    expect(loadConfig({ SMTP_PORT: "25", SMTP_DOMAIN: "MailTest.Example.COM" }).SMTP_DOMAIN).toBe(
      "mailtest.example.com",
    );
  });

  it("name each bad value: a domain, proxy CIDRs, a certificate without its key", () => {
    expect(() => loadConfig({ SMTP_DOMAIN: "not a domain" })).toThrow(/SMTP_DOMAIN: a domain name/);
    expect(() => loadConfig({ SMTP_PROXY_FROM: "10.0.0.0/8, proxy.example" })).toThrow(
      /SMTP_PROXY_FROM: "proxy\.example": an address or CIDR/,
    );
    expect(() => loadConfig({ SMTP_TLS_CERT: "/etc/cert.pem" })).toThrow(
      /SMTP_TLS_CERT and SMTP_TLS_KEY go together/,
    );
    expect(
      loadConfig({ SMTP_PROXY_FROM: "10.0.0.0/8 2001:db8::/32 192.0.2.1" }).SMTP_PROXY_FROM,
    ).toHaveLength(3);
  });
});

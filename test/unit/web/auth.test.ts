// The token gate (src/web/auth.ts) on a real Fastify instance (inject: no socket, no Redis),
// and the refusal to serve beyond loopback without a token.
import cookie from "@fastify/cookie";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { cookieValue, requireToken, sameSecret, TOKEN_COOKIE } from "../../../src/web/auth.js";
import { assertSafeBinding, isLoopbackHost, WebConfigError } from "../../../src/web/server.js";

const TOKEN = "s3cret-token-0123456789";

async function app(token: string | undefined) {
  const server = Fastify();
  await server.register(cookie);
  server.get("/page", { preHandler: requireToken(token) }, async () => "the page");
  return server;
}

describe("requireToken", () => {
  it("is open without a token", async () => {
    const response = await (await app(undefined)).inject("/page");
    expect(response.statusCode).toBe(200);
  });

  it("answers 401 and nothing else without the token, or with a wrong one", async () => {
    const server = await app(TOKEN);
    for (const request of [
      { url: "/page" },
      { url: "/page", headers: { authorization: "Bearer wrong" } },
      { url: "/page", headers: { authorization: "Basic abc" } },
      { url: "/page?token=wrong" },
      { url: "/page", cookies: { [TOKEN_COOKIE]: TOKEN } }, // the cookie holds a derived value, not the token
    ]) {
      const response = await server.inject(request);
      expect(response.statusCode, JSON.stringify(request)).toBe(401);
      expect(response.body).toBe("401 Unauthorized\n");
      expect(response.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("lets a bearer token through", async () => {
    const response = await (await app(TOKEN)).inject({
      url: "/page",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe("the page");
  });

  it("turns ?token= into an HttpOnly SameSite=Strict cookie and sends the browser on without it", async () => {
    const server = await app(TOKEN);
    const response = await server.inject(`/page?sort=ip&token=${TOKEN}`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/page?sort=ip");
    const setCookie = String(response.headers["set-cookie"]);
    expect(setCookie).toMatch(new RegExp(`^${TOKEN_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TOKEN);
    const again = await server.inject({
      url: "/page?sort=ip",
      cookies: { [TOKEN_COOKIE]: cookieValue(TOKEN) },
    });
    expect(again.statusCode).toBe(200);
  });

  it("from a link on another site, sends itself on with a same-origin refresh (Strict cookies skip cross-site redirects)", async () => {
    const response = await (await app(TOKEN)).inject({
      url: `/page?token=${TOKEN}`,
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('content="0;url=/page"');
    expect(response.body).not.toContain(TOKEN);
    expect(String(response.headers["set-cookie"])).toMatch(/SameSite=Strict/);
  });

  it("never redirects off this server", async () => {
    const server = Fastify();
    await server.register(cookie);
    server.get("/*", { preHandler: requireToken(TOKEN) }, async () => "any page");
    for (const url of [`//evil.example/page?token=${TOKEN}`, `/\\evil.example/x?token=${TOKEN}`]) {
      const response = await server.inject(url);
      expect(response.statusCode, url).toBe(303);
      expect(response.headers.location, url).toMatch(/^\/[^/\\]/);
    }
  });

  it("compares secrets of any length", () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret("", TOKEN)).toBe(false);
    expect(sameSecret(`${TOKEN}x`, TOKEN)).toBe(false);
  });
});

describe("binding", () => {
  it.each(["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])(
    "%s is loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(["0.0.0.0", "::", "192.0.2.1", "example.com"])("%s is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it("refuses a non-loopback host without WEB_TOKEN, in one line naming both variables", () => {
    expect(() => assertSafeBinding("0.0.0.0", undefined)).toThrow(WebConfigError);
    try {
      assertSafeBinding("0.0.0.0", undefined);
    } catch (error) {
      const message = (error as Error).message;
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toMatch(/WEB_HOST=0\.0\.0\.0/);
      expect(message).toMatch(/WEB_TOKEN/);
    }
    expect(() => assertSafeBinding("0.0.0.0", TOKEN)).not.toThrow();
    expect(() => assertSafeBinding("127.0.0.1", undefined)).not.toThrow();
  });
});

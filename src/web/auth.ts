// Access to the servers page and its API. With WEB_TOKEN set, a request needs
// `Authorization: Bearer <token>`, or the cookie a browser gets by opening any page once with
// `?token=<token>` (then it is sent on to the same URL without the token, so the token does not
// stay in the address bar, the history or a screenshot). Anything else: 401 and nothing more.
// Without WEB_TOKEN (loopback only, src/web/server.ts) everything is open.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { escapeHtml } from "./html.js";

export const TOKEN_COOKIE = "rdns_web";
const COOKIE_MAX_AGE_SECONDS = 7 * 24 * 3600;

/**
 * Constant-time comparison: both sides are hashed first, so neither the length nor the first
 * differing byte of the token shows in the time taken.
 */
export function sameSecret(candidate: string, secret: string): boolean {
  const a = createHash("sha256").update(candidate).digest();
  const b = createHash("sha256").update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The cookie carries a value derived from the token, not the token itself. */
export function cookieValue(token: string): string {
  return createHmac("sha256", token).update("rdns-web-cookie-v1").digest("base64url");
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? "";
}

function queryToken(request: FastifyRequest): string | null {
  const value = (request.query as Record<string, unknown> | undefined)?.token;
  if (value === undefined) return null;
  return typeof value === "string" ? value : "";
}

/** The request's own path and query without `token`, always a path on this server. */
function withoutToken(request: FastifyRequest): string {
  const url = new URL(request.url, "http://local");
  url.searchParams.delete("token");
  const path = `/${url.pathname.replace(/^\/+/, "")}`;
  return `${path}${url.search}`;
}

export function deny(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .header("www-authenticate", 'Bearer realm="rdns"')
    .type("text/plain; charset=utf-8")
    .send("401 Unauthorized\n");
}

/**
 * The preHandler every page and API route uses (and /admin/queues may). `token` undefined:
 * open. Routes for probes and scrapers (/healthz, /readyz, /metrics) do not use it.
 */
export function requireToken(token: string | undefined): preHandlerAsyncHookHandler {
  return async function checkToken(request, reply) {
    if (token === undefined) return;
    const fromHeader = bearer(request);
    if (fromHeader !== null) {
      if (!sameSecret(fromHeader, token)) return deny(reply);
      return;
    }
    const fromQuery = queryToken(request);
    if (fromQuery !== null) {
      if (!sameSecret(fromQuery, token)) return deny(reply);
      reply.setCookie(TOKEN_COOKIE, cookieValue(token), {
        path: "/",
        httpOnly: true,
        sameSite: "strict",
        secure: request.protocol === "https",
        maxAge: COOKIE_MAX_AGE_SECONDS,
      });
      const target = withoutToken(request);
      if (request.headers["sec-fetch-site"] === "cross-site") {
        // Opened from a link on another site (a chat message): a browser does not send a
        // SameSite=Strict cookie after a redirect that began on another site, so the page sends
        // itself on instead (a same-origin navigation, which carries the cookie).
        const url = escapeHtml(target);
        return reply
          .code(200)
          .type("text/html; charset=utf-8")
          .send(
            `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${url}"><title>rdns</title><a href="${url}">Continue</a>\n`,
          );
      }
      return reply.code(303).header("location", target).send();
    }
    const cookie = request.cookies[TOKEN_COOKIE];
    if (cookie !== undefined && sameSecret(cookie, cookieValue(token))) return;
    return deny(reply);
  };
}

// A bearer-token check for the ops routes that need one (Bull Board). The servers page has its own
// access rules (cookie, ?token=); this is the part both need, kept small so the two can share it.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** True when the request carries `Authorization: Bearer <token>`; compared in constant time. */
export function hasBearerToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== "string") return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (match === null) return false;
  // Equal-length digests: timingSafeEqual needs equal lengths, and the token's length stays hidden.
  return timingSafeEqual(digest(match[1] as string), digest(token));
}

/** An onRequest hook answering 401 (and nothing else) without the token. */
export function requireBearerToken(token: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (hasBearerToken(request, token)) return;
    // Returning the reply tells Fastify the hook answered: no later hook or handler runs.
    return reply
      .code(401)
      .header("www-authenticate", 'Bearer realm="rdns"')
      .send({ error: "unauthorized: send Authorization: Bearer <WEB_TOKEN>" });
  };
}

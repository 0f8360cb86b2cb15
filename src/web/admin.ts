// GET /admin/queues: Bull Board over the engine's queues. It exists only when an access check is
// given (WEB_TOKEN set: without one the path is a plain 404, so an open port shows no queue
// contents), and it is read-only unless ADMIN_WRITE=1: any request that is not a read is refused
// here (403) before Bull Board sees it, and Bull Board's own readOnlyMode refuses it too.
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const ADMIN_PATH = "/admin/queues";

/** An async onRequest hook that answers (401) itself when access is refused. */
export type AccessCheck = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface AdminOptions {
  queues: readonly Queue[];
  /** Runs before every admin request (answers 401 itself); null: no Bull Board at all. */
  access: AccessCheck | null;
  /** ADMIN_WRITE=1: retry, promote, remove, pause. */
  write: boolean;
}

const READS = new Set(["GET", "HEAD"]);

/**
 * Whether a request that changes jobs came from the board's own page. Browsers send `Origin` on
 * every request that is not a GET or HEAD (Fetch standard, "origin header"), so a form or script
 * on another site that reaches this port with the operator's cookie shows its own origin, or
 * "null"; a client with no Origin (curl with the bearer token) is not a browser and is let
 * through to the token check. The host compared is the one the request was sent to (behind
 * TRUST_PROXY, the proxy's X-Forwarded-Host).
 */
export function sameOriginWrite(request: FastifyRequest): boolean {
  if (request.headers["sec-fetch-site"] === "cross-site") return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false; // "null" (a sandboxed frame, a redirect across sites) or garbage
  }
}

/**
 * The board's own Content-Security-Policy. Its page (@bull-board/ui's index.ejs) loads its scripts
 * and styles by relative paths ("static/js/...") resolved against `<base href="/admin/queues/">`,
 * and its API client reads that same tag; the servers page's `base-uri 'none'` makes the browser
 * ignore the tag, so at /admin/queues (no trailing slash) the scripts resolve to /admin/static/...
 * (404) and the page stays on "Loading". `base-uri 'self'` lets the tag work and still refuses a
 * <base> pointing anywhere else; everything else is the servers page's policy.
 */
export const ADMIN_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

export async function registerAdmin(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const { access } = options;
  if (access === null) return;
  const board = new FastifyAdapter();
  board.setBasePath(ADMIN_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !options.write })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: "rdns queues" } },
  });
  await app.register(async (scope) => {
    scope.addHook("onRequest", access);
    // Set before the server's onSend hook, which keeps a policy a route has set
    // (src/web/server.ts); a refused request (401 above) keeps the strict one.
    scope.addHook("onRequest", async (_request, reply) => {
      reply.header("content-security-policy", ADMIN_CSP);
    });
    scope.addHook("onRequest", async (request, reply) => {
      if (READS.has(request.method) || sameOriginWrite(request)) return;
      return reply
        .code(403)
        .send({ error: "cross-site request refused: change jobs from this server's own page" });
    });
    if (!options.write) {
      scope.addHook("onRequest", async (request, reply) => {
        if (READS.has(request.method)) return;
        return reply
          .code(403)
          .send({ error: "Bull Board is read-only here: set ADMIN_WRITE=1 to change jobs" });
      });
    }
    await scope.register(board.registerPlugin(), { prefix: ADMIN_PATH });
  });
}

// The test-mail listener: an SMTP server (the `smtp-server` package) that accepts a message only
// for recipients the caller accepts, keeps no body (DATA is read into nothing), and hands the
// connection's facts (the client IP, the HELO/EHLO name as sent, TLS or not) to `onMessage`.
// It never relays: nothing received is sent anywhere. `rdns serve`/`rdns bot` run it for
// `/rdns mailtest` addresses (src/app/mailtest.ts), `rdns mailtest` for one message.
//
// Its own TCP server sits in front of smtp-server's session handling: peers in SMTP_PROXY_FROM
// must open with a PROXY header (src/mail/proxy-header.ts) whose source is the client; other
// peers go straight to the SMTP session, where a PROXY line is an unknown command (500) and
// never changes the client's address.
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Logger } from "../log.js";
import { clientOf, inRanges, normalizeIp } from "./addresses.js";
import { parseProxyHeader } from "./proxy-header.js";

/** What a recipient gets: accepted with the caller's value, or refused with an SMTP reply. */
export type RecipientDecision<T> =
  | { accept: true; value: T }
  | { accept: false; code: number; message: string };

export interface ReceivedMail<T> {
  /** The client: the connection's peer, or the PROXY header's source. */
  ip: string;
  /** The HELO/EHLO argument as sent (smtp-server keeps it as typed). */
  helo: string;
  /** STARTTLS was completed before the message. */
  tls: boolean;
  /** The connection came through a trusted proxy (its PROXY header named the client). */
  proxied: boolean;
  recipients: { address: string; value: T }[];
}

export interface MailListenerOptions<T> {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The name in the greeting and EHLO reply. */
  name: string;
  /** Addresses and CIDRs whose connections must start with a PROXY header. */
  proxyFrom: readonly string[];
  /** PEM key and certificate for STARTTLS; null: smtp-server's built-in test certificate. */
  tls: { key: string | Buffer; cert: string | Buffer } | null;
  /** The SIZE limit (RFC 1870); a longer message is refused with 552. */
  maxBytes: number;
  /** Connections at once from one client: an IPv4 address, or an IPv6 /64 (addresses.ts clientOf). */
  maxPerIp: number;
  /** Connections at once in all (PROXY headers still awaited included). */
  maxClients: number;
  /** Idle time before a connection is closed (smtp-server's socketTimeout), and the PROXY header's wait. */
  idleMs: number;
  /** Recipients one message may have. */
  maxRecipients: number;
  /** The 250 reply's text after a message (after "2.0.0 "). */
  acceptedReply: string;
  acceptRecipient(address: string): Promise<RecipientDecision<T>>;
  /** Called once per message received in full; the 250 waits for it, a throw answers 451. */
  onMessage(mail: ReceivedMail<T>): Promise<void>;
  logger: Logger;
}

export interface MailListener {
  /** Where it listens (the real port when 0 was asked). */
  address: { host: string; port: number };
  /** Connections open now (for tests and metrics). */
  connections(): number;
  close(): Promise<void>;
}

export { inRanges, normalizeIp };

/**
 * Refused recipients one connection may try before it is cut off with 421: each is a look-up in
 * Redis, and a client guessing addresses should not get to pipeline them without end. Postfix's
 * smtpd_hard_error_limit (20 errors, then disconnect) is the model.
 */
export const MAX_REFUSED_RECIPIENTS = 20;

export const LISTENER_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  maxClients: 2000,
  idleMs: 60_000,
  maxRecipients: 10,
} as const;

/** An SMTP error reply smtp-server sends as `<code> <message>`. */
function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startMailListener<T>(options: MailListenerOptions<T>): Promise<MailListener> {
  const { logger } = options;
  const perIp = new Map<string, number>();
  /** Sessions counted in perIp (a refused one is not), so each is uncounted once. */
  const counted = new Map<string, string>();
  /** Each session's refused recipients so far (MAX_REFUSED_RECIPIENTS). */
  const refused = new Map<string, number>();
  /** Each session's accepted recipients' values, by address. */
  const values = new Map<string, Map<string, T>>();
  /** Sockets of trusted peers whose PROXY header is still awaited. */
  const awaiting = new Set<Socket>();

  const smtp = new SMTPServer({
    name: options.name,
    banner: "rdns test mail: any message is read for its connection only and never kept",
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: ["AUTH"],
    // No DNS from the listener itself: the check asks the configured resolvers.
    disableReverseLookup: true,
    maxClients: options.maxClients,
    socketTimeout: options.idleMs,
    closeTimeout: 5_000,
    // Enhanced status codes (RFC 3463) are written in our own replies (550 5.1.1, 550 5.7.1):
    // smtp-server's would be derived from the reply code alone, not from what was refused.
    hideENHANCEDSTATUSCODES: true,
    // smtp-server's own logger stays off: the project's logger says what matters.
    logger: false,
    ...(options.tls === null ? {} : { key: options.tls.key, cert: options.tls.cert }),
    onConnect(session, callback) {
      const ip = clientOf(session.remoteAddress);
      const open = perIp.get(ip) ?? 0;
      if (open >= options.maxPerIp) {
        callback(reply(421, `4.7.0 too many connections from ${ip}; try again later`));
        return;
      }
      perIp.set(ip, open + 1);
      counted.set(session.id, ip);
      callback();
    },
    onClose(session) {
      values.delete(session.id);
      refused.delete(session.id);
      const ip = counted.get(session.id);
      if (ip === undefined) return;
      counted.delete(session.id);
      const open = (perIp.get(ip) ?? 1) - 1;
      if (open <= 0) perIp.delete(ip);
      else perIp.set(ip, open);
    },
    onMailFrom(_address, session, callback) {
      values.set(session.id, new Map());
      callback();
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= options.maxRecipients) {
        callback(reply(452, "4.5.3 too many recipients for one test message"));
        return;
      }
      options.acceptRecipient(address.address).then(
        (decision) => {
          if (!decision.accept) {
            const count = (refused.get(session.id) ?? 0) + 1;
            refused.set(session.id, count);
            if (count >= MAX_REFUSED_RECIPIENTS)
              return callback(reply(421, "4.7.0 too many refused recipients; closing the connection"));
            return callback(reply(decision.code, decision.message));
          }
          let accepted = values.get(session.id);
          if (accepted === undefined) {
            accepted = new Map();
            values.set(session.id, accepted);
          }
          accepted.set(address.address, decision.value);
          callback();
        },
        (err: unknown) => {
          logger.warn({ err: String(err) }, "test mail: could not look the recipient up");
          callback(reply(451, "4.3.0 could not look the address up; try again later"));
        },
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      // The body is read into nothing: only the connection's facts matter, and none of the
      // message is kept (nor could a hostile one be shown anywhere).
      stream.on("error", () => undefined);
      stream.resume();
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          callback(reply(552, `5.3.4 message larger than ${options.maxBytes} bytes`));
          return;
        }
        const accepted = values.get(session.id) ?? new Map<string, T>();
        const recipients = session.envelope.rcptTo.flatMap(({ address }) => {
          const value = accepted.get(address);
          return value === undefined ? [] : [{ address, value }];
        });
        const mail: ReceivedMail<T> = {
          ip: normalizeIp(session.remoteAddress),
          helo: String(session.hostNameAppearsAs || ""),
          tls: session.secure === true,
          proxied: proxiedSessions.has(session.id),
          recipients,
        };
        options.onMessage(mail).then(
          () => callback(null, `2.0.0 ${options.acceptedReply}`),
          (err: unknown) => {
            logger.warn({ err: String(err), ip: mail.ip }, "test mail: could not hand the message on");
            callback(reply(451, "4.3.0 could not start the check; try again later"));
          },
        );
      });
    },
  });
  smtp.on("error", (err: Error) => logger.debug({ err: err.message }, "test mail connection error"));
  const proxiedSessions = new Set<string>();

  const sessionId = (): string => randomUUID();

  const handOver = (socket: Socket, remoteAddress: string, remotePort: number, proxied: boolean) => {
    const id = sessionId();
    if (proxied) {
      proxiedSessions.add(id);
      socket.once("close", () => proxiedSessions.delete(id));
    }
    smtp.connect(socket, { id, remoteAddress, remotePort });
  };

  /** Reads the PROXY header of a trusted peer, then hands the socket to the SMTP session. */
  const readProxyHeader = (socket: Socket, peer: string) => {
    awaiting.add(socket);
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return false;
      done = true;
      awaiting.delete(socket);
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.removeListener("close", onClose);
      return true;
    };
    const refuse = (reason: string) => {
      if (!finish()) return;
      logger.info({ peer, reason }, "test mail: PROXY header refused");
      socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const parsed = parseProxyHeader(buffered);
      if (parsed.kind === "incomplete") return;
      if (parsed.kind === "invalid") return refuse(parsed.reason);
      if (!finish()) return;
      socket.pause();
      const rest = buffered.subarray(parsed.length);
      if (rest.length > 0) socket.unshift(rest);
      const source = parsed.source;
      handOver(
        socket,
        source === null ? peer : normalizeIp(source.address),
        source?.port ?? socket.remotePort ?? 0,
        source !== null,
      );
    };
    const onClose = () => finish();
    const timer = setTimeout(() => refuse("no PROXY header in time"), Math.min(options.idleMs, 10_000));
    timer.unref();
    socket.on("data", onData);
    socket.on("close", onClose);
  };

  const server: Server = createServer((socket) => {
    socket.on("error", () => undefined);
    const peer = normalizeIp(socket.remoteAddress ?? "");
    if (inRanges(peer, options.proxyFrom)) {
      if (awaiting.size >= options.maxClients) {
        socket.destroy();
        return;
      }
      readProxyHeader(socket, peer);
      return;
    }
    handOver(socket, peer, socket.remotePort ?? 0, false);
  });
  server.maxConnections = options.maxClients + 100;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host, port: options.port, backlog: 2048 }, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : options.port;
  logger.info({ host: options.host, port }, "test-mail listener listening");
  return {
    address: { host: options.host, port },
    connections: () => smtp.connections.size + awaiting.size,
    close: () =>
      new Promise<void>((resolve) => {
        // The TCP server's callback fires once every socket it accepted has closed: sessions in
        // flight finish (smtp-server answers the rest 421 after its closeTimeout), so a message
        // whose 250 was sent always had its check queued.
        server.close(() => resolve());
        smtp.close(() => undefined);
        for (const socket of awaiting) socket.destroy();
      }),
  };
}

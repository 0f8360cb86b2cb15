// The SMTP probe's one connection: connect, read the 220 greeting, EHLO, note STARTTLS, QUIT.
//
// A raw `net` socket and ./reply.ts, not a client library: nodemailer's SMTPConnection (the
// well-kept Node client) keeps the greeting and the EHLO reply's first line to itself, treats any
// greeting other than 220 as an error without its text, and goes on to STARTTLS and
// authentication by itself, where this probe must stop after EHLO and report every greeting
// word for word, a refusal or garbage included.
//
// Every way it can end is an outcome (RFC 5321 3.1: a server may answer 554 instead of 220;
// many clouds block outbound port 25), never a thrown error: the probe is part of a check that
// goes on without it.
import net from "node:net";
import type { SmtpProbe } from "../../types.js";
import { announcedName, offersStarttls, type ReadResult, ReplyReader } from "./reply.js";

export interface SmtpTarget {
  host: string;
  port: number;
}

export function formatTarget(target: SmtpTarget): string {
  return net.isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/**
 * The EHLO name when the operator configured none (SMTP_PROBE_HELO, SMTP_DOMAIN). The probe talks
 * to servers a chat user names, so it must not announce this machine's name or its own address:
 * behind NAT or in a container both are internal (issue 28 point 1). RFC 5321 4.1.1.1 asks for
 * the client's FQDN, else an address literal; the only literal we know is the local one, which is
 * exactly what must not leak, and no FQDN is ours until the operator names one. A name under
 * `.invalid` (RFC 2606 2, RFC 6761 6.4) is a syntactically full name (so Postfix's
 * reject_non_fqdn_helo_hostname and rspamd's HFILTER_HELO_NOT_FQDN do not trip on it), claims no
 * one's domain (a HELO naming the receiver or a real third party is what Microsoft's 5.7.506
 * refuses), and says plainly what the connection is. It resolves nowhere, which RFC 5321 2.3.5
 * wants of a name, but 4.1.4 forbids refusing a session for that alone, and the probe QUITs
 * after EHLO, before any restriction on the HELO's DNS is applied (Postfix checks it at RCPT).
 */
export const NEUTRAL_EHLO_NAME = "rdns-probe.invalid";

const BLOCKED =
  "port 25 is blocked outbound on many clouds (AWS, Azure, Google Cloud, DigitalOcean among them), which may be where this bot runs, or a firewall in front of the server drops the connection";

type Phase = "connect" | "greeting" | "ehlo";
type Read = Exclude<ReadResult, { kind: "more" }>;

/**
 * Connects to `target` and reads what it announces, within `withinMs` (the check's time left),
 * introducing itself as `ehloName`.
 */
export function probeSmtp(
  target: SmtpTarget,
  withinMs: number,
  ehloName: string = NEUTRAL_EHLO_NAME,
): Promise<SmtpProbe> {
  return new Promise(
    (resolve) => new ProbeSession(target, Math.max(0, Math.floor(withinMs)), ehloName, resolve),
  );
}

/** One probe's connection: each socket event moves it on, and it ends exactly once (`finish`). */
class ProbeSession {
  private phase: Phase = "connect";
  private settled = false;
  private reader = new ReplyReader();
  private readonly server: string;
  private readonly result: SmtpProbe;
  private readonly socket: net.Socket;
  private readonly timer: NodeJS.Timeout;

  constructor(
    target: SmtpTarget,
    private readonly ms: number,
    private readonly ehloName: string,
    private readonly resolve: (probe: SmtpProbe) => void,
  ) {
    this.server = formatTarget(target);
    this.result = {
      outcome: "error",
      server: this.server,
      banner: null,
      bannerName: null,
      ehloName: null,
      starttls: false,
      note: null,
    };
    this.timer = setTimeout(() => this.onTimeout(), ms);
    this.socket = net.connect({ host: target.host, port: target.port });
    this.socket.setEncoding("utf8");
    this.socket.on("connect", () => {
      this.phase = "greeting";
    });
    this.socket.on("data", (chunk: string) => this.onData(chunk));
    this.socket.on("error", (error: NodeJS.ErrnoException) => this.onError(error));
    this.socket.on("close", () => this.onClose());
  }

  private finish(outcome: SmtpProbe["outcome"], note: string | null, quit = false): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    if (quit && this.socket.writable) this.socket.end("QUIT\r\n");
    else this.socket.end();
    // The server's 221 is not waited for; the socket goes a little later whatever it does.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.resolve({ ...this.result, outcome, note });
  }

  private keepBanner(lines: string[]): void {
    if (lines.length > 0) this.result.banner = lines.join("\n");
  }

  private onTimeout(): void {
    const { server, ms } = this;
    if (this.phase === "connect") {
      this.finish("timeout", `no connection to ${server} within ${ms} ms: ${BLOCKED}.`);
    } else if (this.phase === "greeting") {
      this.keepBanner(this.reader.partial());
      this.finish("timeout", `connected to ${server}, but no complete greeting within ${ms} ms.`);
    } else this.finish("ok", `${server} did not answer EHLO within ${ms} ms.`);
  }

  private onData(chunk: string): void {
    if (this.settled) return;
    const read = this.reader.push(chunk);
    if (read.kind === "more") return;
    if (this.phase === "greeting") this.onGreeting(read);
    else this.onEhlo(read);
  }

  private onGreeting(read: Read): void {
    this.keepBanner(read.raw);
    if (read.kind === "garbage") {
      this.finish("error", `${this.server} sent something that is not an SMTP greeting.`);
      return;
    }
    if (read.reply.code !== 220) {
      this.finish(
        "error",
        `${this.server} answered ${read.reply.code} instead of the 220 greeting: it will not take mail from this connection (RFC 5321 3.1).`,
        true,
      );
      return;
    }
    this.result.bannerName = announcedName(read.reply.lines[0]);
    this.phase = "ehlo";
    this.reader = new ReplyReader();
    this.socket.write(`EHLO ${this.ehloName}\r\n`);
  }

  private onEhlo(read: Read): void {
    if (read.kind === "reply" && read.reply.code === 250) {
      this.result.ehloName = announcedName(read.reply.lines[0]);
      this.result.starttls = offersStarttls(read.reply);
      this.finish("ok", null, true);
      return;
    }
    const answer =
      read.kind === "reply" ? `answered EHLO with ${read.reply.code}` : "answered EHLO with garbage";
    this.finish("ok", `${this.server} ${answer}, so its extensions (STARTTLS) are unknown.`, true);
  }

  private onError(error: NodeJS.ErrnoException): void {
    const { server } = this;
    const why = error.code ?? error.message;
    if (this.phase === "connect") {
      if (error.code === "ECONNREFUSED")
        this.finish(
          "refused",
          `${server} refused the connection: nothing listens there, or a firewall rejects it.`,
        );
      else this.finish("error", `could not connect to ${server} (${why}).`);
      return;
    }
    if (this.phase === "greeting") {
      this.keepBanner(this.reader.partial());
      this.finish("error", `${server} broke the connection before its greeting (${why}).`);
    } else this.finish("ok", `${server} broke the connection after its greeting (${why}).`);
  }

  private onClose(): void {
    if (this.settled) return;
    if (this.phase === "ehlo") {
      this.finish("ok", `${this.server} closed the connection after its greeting, before answering EHLO.`);
      return;
    }
    this.keepBanner(this.reader.partial());
    this.finish("error", `${this.server} closed the connection without a complete greeting.`);
  }
}

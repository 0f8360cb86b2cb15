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
import { hostname } from "node:os";
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
 * The name we announce: this machine's name when it is an FQDN, otherwise our address as a
 * literal (RFC 5321 4.1.4: "if no FQDN is available, an address literal").
 */
export function ourEhloName(localAddress: string | undefined): string {
  const own = hostname();
  if (own.includes(".")) return own;
  const address = localAddress ?? "127.0.0.1";
  return net.isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
}

const BLOCKED =
  "port 25 is blocked outbound on many clouds (AWS, Azure, Google Cloud, DigitalOcean among them), which may be where this bot runs, or a firewall in front of the server drops the connection";

type Phase = "connect" | "greeting" | "ehlo";

/** Connects to `target` and reads what it announces, within `withinMs` (the check's time left). */
export function probeSmtp(target: SmtpTarget, withinMs: number): Promise<SmtpProbe> {
  const server = formatTarget(target);
  const result: SmtpProbe = {
    outcome: "error",
    server,
    banner: null,
    bannerName: null,
    ehloName: null,
    starttls: false,
    note: null,
  };
  return new Promise((resolve) => {
    let phase: Phase = "connect";
    let settled = false;
    let reader = new ReplyReader();
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setEncoding("utf8");
    const finish = (outcome: SmtpProbe["outcome"], note: string | null, quit = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (quit && socket.writable) socket.end("QUIT\r\n");
      else socket.end();
      // The server's 221 is not waited for; the socket goes a little later whatever it does.
      setTimeout(() => socket.destroy(), 1000).unref();
      resolve({ ...result, outcome, note });
    };
    const ms = Math.max(0, Math.floor(withinMs));
    const timer = setTimeout(() => {
      if (phase === "connect") finish("timeout", `no connection to ${server} within ${ms} ms: ${BLOCKED}.`);
      else if (phase === "greeting") {
        keepBanner(reader.partial());
        finish("timeout", `connected to ${server}, but no complete greeting within ${ms} ms.`);
      } else finish("ok", `${server} did not answer EHLO within ${ms} ms.`);
    }, ms);
    const keepBanner = (lines: string[]) => {
      if (lines.length > 0) result.banner = lines.join("\n");
    };
    const onGreeting = (read: Exclude<ReadResult, { kind: "more" }>) => {
      keepBanner(read.raw);
      if (read.kind === "garbage") {
        finish("error", `${server} sent something that is not an SMTP greeting.`);
        return;
      }
      if (read.reply.code !== 220) {
        finish(
          "error",
          `${server} answered ${read.reply.code} instead of the 220 greeting: it will not take mail from this connection (RFC 5321 3.1).`,
          true,
        );
        return;
      }
      result.bannerName = announcedName(read.reply.lines[0]);
      phase = "ehlo";
      reader = new ReplyReader();
      socket.write(`EHLO ${ourEhloName(socket.localAddress)}\r\n`);
    };
    const onEhlo = (read: Exclude<ReadResult, { kind: "more" }>) => {
      if (read.kind === "reply" && read.reply.code === 250) {
        result.ehloName = announcedName(read.reply.lines[0]);
        result.starttls = offersStarttls(read.reply);
        finish("ok", null, true);
        return;
      }
      const answer =
        read.kind === "reply" ? `answered EHLO with ${read.reply.code}` : "answered EHLO with garbage";
      finish("ok", `${server} ${answer}, so its extensions (STARTTLS) are unknown.`, true);
    };
    socket.on("connect", () => {
      phase = "greeting";
    });
    socket.on("data", (chunk: string) => {
      if (settled) return;
      const read = reader.push(chunk);
      if (read.kind === "more") return;
      if (phase === "greeting") onGreeting(read);
      else onEhlo(read);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (phase === "connect" && error.code === "ECONNREFUSED") {
        finish(
          "refused",
          `${server} refused the connection: nothing listens there, or a firewall rejects it.`,
        );
        return;
      }
      if (phase === "connect") {
        finish("error", `could not connect to ${server} (${error.code ?? error.message}).`);
        return;
      }
      keepBanner(phase === "greeting" ? reader.partial() : []);
      const when = phase === "greeting" ? "before its greeting" : "after its greeting";
      finish(
        phase === "ehlo" ? "ok" : "error",
        `${server} broke the connection ${when} (${error.code ?? error.message}).`,
      );
    });
    socket.on("close", () => {
      if (settled) return;
      if (phase === "ehlo") {
        finish("ok", `${server} closed the connection after its greeting, before answering EHLO.`);
        return;
      }
      keepBanner(reader.partial());
      finish("error", `${server} closed the connection without a complete greeting.`);
    });
  });
}

// Shared by the test-mail listener's tests: a self-signed certificate made with the openssl CLI,
// swaks run as a child process, and the listener with recording callbacks.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../../src/log.js";
import {
  LISTENER_DEFAULTS,
  type MailListener,
  type MailListenerOptions,
  type ReceivedMail,
  startMailListener,
} from "../../../src/mail/listener.js";
import { type Finished, runAsync } from "../../support/spawn-async.js";

export const DOMAIN = "mt.example.test";

/** A throwaway self-signed certificate for localhost (openssl req -x509), with its files. */
export function makeCertificate(): {
  key: Buffer;
  cert: Buffer;
  keyFile: string;
  certFile: string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "rdns-mailtest-cert-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    keyFile,
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** swaks against host:port; its transcript is stdout. */
export function swaks(host: string, port: number, args: string[], timeoutMs = 20_000): Promise<Finished> {
  return runAsync(
    "swaks",
    ["--server", host, "--port", String(port), "--from", "sender@example.test", "--timeout", "10", ...args],
    { cwd: process.cwd(), env: { ...process.env }, timeoutMs },
  );
}

export interface Recorder {
  listener: MailListener;
  mails: ReceivedMail<string>[];
}

/**
 * The listener with the bot's recipient rules over a fixed set of tokens: `check-<known>@DOMAIN`
 * is accepted, any other local part at DOMAIN is 550 5.1.1, any other domain 550 5.7.1.
 */
export async function recordingListener(
  overrides: Partial<MailListenerOptions<string>> = {},
): Promise<Recorder> {
  const mails: ReceivedMail<string>[] = [];
  const listener = await startMailListener<string>({
    host: "127.0.0.1",
    port: 0,
    name: DOMAIN,
    proxyFrom: [],
    tls: null,
    maxPerIp: 10,
    ...LISTENER_DEFAULTS,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    acceptedReply: "received",
    acceptRecipient: async (address) => {
      const [local, domain] = address.toLowerCase().split("@");
      if (domain !== DOMAIN) return { accept: false, code: 550, message: "5.7.1 relaying denied" };
      if (local !== "check-known") return { accept: false, code: 550, message: "5.1.1 no such test address" };
      return { accept: true, value: local };
    },
    onMessage: async (mail) => {
      mails.push(mail);
    },
    ...overrides,
  });
  return { listener, mails };
}

/** A raw TCP client that collects what the server says. */
export function rawClient(
  host: string,
  port: number,
): Promise<{ socket: Socket; said: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect({ host, port });
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
    });
    socket.once("error", reject);
    socket.once("connect", () => resolve({ socket, said: () => text, closed }));
  });
}

/**
 * One message over a raw socket, as a minimal client: EHLO, then MAIL, RCPT and DATA pipelined
 * (RFC 2920), the body, QUIT. Resolves with the reply to the end of DATA.
 */
export function sendRaw(
  host: string,
  port: number,
  to: string,
  helo: string,
  timeoutMs = 25_000,
  /** `proxyLine`: written first (a PROXY header); `onDataEnd`: called once the final "." is written. */
  options: { proxyLine?: string; onDataEnd?: () => void } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    if (options.proxyLine !== undefined) socket.write(options.proxyLine);
    let buffer = "";
    let step = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in time at step ${step}: ${buffer.slice(-200)}`));
    }, timeoutMs);
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      const lines = buffer.split("\r\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line[3] === "-") continue; // a continued multi-line reply
        if (step === 0 && line.startsWith("220 ")) {
          step = 1;
          socket.write(`EHLO ${helo}\r\n`);
        } else if (step === 1 && line.startsWith("250 ")) {
          step = 2;
          socket.write(`MAIL FROM:<load@example.test>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
        } else if (step === 2 && line.startsWith("354 ")) {
          step = 3;
          socket.write("Subject: load\r\n\r\nhello\r\n.\r\nQUIT\r\n", () => options.onDataEnd?.());
        } else if (step === 3 && /^[245]\d\d /.test(line) && !line.startsWith("354")) {
          if (line.startsWith("250 2.0.0") || !line.startsWith("250 ")) {
            clearTimeout(timer);
            step = 4;
            socket.end();
            resolve(line);
          }
        } else if (step < 3 && /^[45]\d\d /.test(line)) {
          clearTimeout(timer);
          socket.destroy();
          resolve(line);
        }
      }
    });
  });
}

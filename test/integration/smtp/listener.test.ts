// The test-mail listener (src/mail/listener.ts) with real SMTP clients: swaks and nodemailer over
// IPv4 and IPv6 loopback, with and without STARTTLS (a certificate made here with openssl), PROXY
// v1 and v2 headers from a trusted peer and refused from others, the refusals (unknown token,
// relay, oversize) and abuse (garbage, pipelining floods, half-open sockets, per-IP caps).
import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_REFUSED_RECIPIENTS } from "../../../src/mail/listener.js";
import { until } from "../../support/until.js";
import { DOMAIN, makeCertificate, type Recorder, rawClient, recordingListener, swaks } from "./support.js";

const KNOWN = `check-known@${DOMAIN}`;
let cert: ReturnType<typeof makeCertificate>;
let running: Recorder[] = [];

beforeAll(() => {
  cert = makeCertificate();
});
afterAll(() => cert.cleanup());
afterEach(async () => {
  await Promise.all(running.map((recorder) => recorder.listener.close()));
  running = [];
});

async function listen(overrides: Parameters<typeof recordingListener>[0] = {}): Promise<Recorder> {
  const recorder = await recordingListener({ tls: { key: cert.key, cert: cert.cert }, ...overrides });
  running.push(recorder);
  return recorder;
}

describe("real clients", () => {
  it("swaks over IPv4 without TLS: the IP, the HELO as sent (smtp-server folds its case), no TLS", async () => {
    const { listener, mails } = await listen();
    const sent = await swaks("127.0.0.1", listener.address.port, [
      "--to",
      KNOWN,
      "--helo",
      "Mail.Example.Test",
    ]);
    expect(sent.code, sent.stdout).toBe(0);
    expect(sent.stdout).toContain("<-  250 2.0.0 received");
    expect(mails).toEqual([
      {
        ip: "127.0.0.1",
        helo: "mail.example.test",
        tls: false,
        proxied: false,
        recipients: [{ address: KNOWN, value: "check-known" }],
      },
    ]);
  });

  it("swaks over IPv6 with STARTTLS", async () => {
    const { listener, mails } = await listen({ host: "::1" });
    const sent = await swaks("::1", listener.address.port, [
      "--to",
      KNOWN,
      "--helo",
      "mail6.example.test",
      "-tls",
    ]);
    expect(sent.code, sent.stdout).toBe(0);
    expect(sent.stdout).toMatch(/TLS started/);
    expect(mails).toMatchObject([{ ip: "::1", helo: "mail6.example.test", tls: true }]);
  });

  it("nodemailer over IPv4 with STARTTLS and over IPv6 without", async () => {
    const v4 = await listen();
    const v6 = await listen({ host: "::1" });
    const secure = nodemailer.createTransport({
      host: "127.0.0.1",
      port: v4.listener.address.port,
      name: "nm.example.test",
      requireTLS: true,
      tls: { ca: [cert.cert], servername: "localhost" },
    });
    await secure.sendMail({ from: "a@example.test", to: KNOWN, subject: "t", text: "hello" });
    const plain = nodemailer.createTransport({
      host: "::1",
      port: v6.listener.address.port,
      name: "nm6.example.test",
      ignoreTLS: true,
    });
    await plain.sendMail({ from: "a@example.test", to: KNOWN, subject: "t", text: "hello" });
    expect(v4.mails).toMatchObject([{ ip: "127.0.0.1", helo: "nm.example.test", tls: true }]);
    expect(v6.mails).toMatchObject([{ ip: "::1", helo: "nm6.example.test", tls: false }]);
  });

  it("each message of one connection is its own", async () => {
    const { listener, mails } = await listen();
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: listener.address.port,
      pool: true,
      maxConnections: 1,
      ignoreTLS: true,
      name: "pool.example.test",
    });
    await Promise.all(
      [1, 2, 3].map((n) =>
        transport.sendMail({ from: "a@example.test", to: KNOWN, subject: `m${n}`, text: "x" }),
      ),
    );
    transport.close();
    expect(mails).toHaveLength(3);
  });
});

describe("PROXY protocol", () => {
  it("v1 and v2 from a trusted peer: the header's source is the client", async () => {
    const { listener, mails } = await listen({ proxyFrom: ["127.0.0.0/8"] });
    const port = listener.address.port;
    const v1 = await swaks("127.0.0.1", port, [
      "--to",
      KNOWN,
      "--helo",
      "mail.example.test",
      "--proxy-version",
      "1",
      "--proxy-family",
      "TCP4",
      "--proxy-source",
      "203.0.113.10",
      "--proxy-source-port",
      "40000",
      "--proxy-dest",
      "127.0.0.1",
      "--proxy-dest-port",
      String(port),
    ]);
    expect(v1.code, v1.stdout).toBe(0);
    const v2 = await swaks("127.0.0.1", port, [
      "--to",
      KNOWN,
      "--helo",
      "mail6.example.test",
      "--proxy-version",
      "2",
      "--proxy-family",
      "AF_INET6",
      "--proxy-source",
      "2001:db8::10",
      "--proxy-source-port",
      "40001",
      "--proxy-dest",
      "2001:db8::1",
      "--proxy-dest-port",
      "25",
    ]);
    expect(v2.code, v2.stdout).toBe(0);
    expect(mails).toMatchObject([
      { ip: "203.0.113.10", helo: "mail.example.test", proxied: true },
      { ip: "2001:db8::10", helo: "mail6.example.test", proxied: true },
    ]);
  });

  it("a trusted peer that sends no header (or a bad one) is cut off before any SMTP", async () => {
    const { listener, mails } = await listen({ proxyFrom: ["127.0.0.1"], idleMs: 1_500 });
    const plain = await swaks("127.0.0.1", listener.address.port, ["--to", KNOWN]);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).not.toContain("220 ");
    const bad = await rawClient("127.0.0.1", listener.address.port);
    bad.socket.write("PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n");
    await bad.closed;
    expect(bad.said()).toBe("");
    expect(mails).toHaveLength(0);
  });

  it("a PROXY header from an untrusted peer is refused and changes nothing", async () => {
    const { listener, mails } = await listen({ proxyFrom: ["192.0.2.0/24"] });
    const sent = await swaks("127.0.0.1", listener.address.port, [
      "--to",
      KNOWN,
      "--proxy-version",
      "1",
      "--proxy-family",
      "TCP4",
      "--proxy-source",
      "203.0.113.10",
      "--proxy-source-port",
      "1",
      "--proxy-dest",
      "127.0.0.1",
      "--proxy-dest-port",
      "2",
    ]);
    expect(sent.stdout).toMatch(/<\*\* 5\d\d |<\*\* 421 /);
    expect(mails.filter((mail) => mail.ip === "203.0.113.10")).toHaveLength(0);
  });
});

describe("refusals", () => {
  it("unknown or expired tokens are 550 5.1.1 at RCPT; other domains 550 5.7.1 (no relay)", async () => {
    const { listener, mails } = await listen();
    const unknown = await swaks("127.0.0.1", listener.address.port, ["--to", `check-nope@${DOMAIN}`]);
    expect(unknown.stdout).toMatch(/RCPT TO:<check-nope@mt\.example\.test>\s*\n<\*\* 550 5\.1\.1 /);
    const relay = await swaks("127.0.0.1", listener.address.port, ["--to", "someone@gmail.example"]);
    expect(relay.stdout).toMatch(/<\*\* 550 5\.7\.1 relaying denied/);
    expect(mails).toHaveLength(0);
  });

  it("a message over the SIZE limit is refused (552), announced or not, and nothing is reported", async () => {
    const { listener, mails } = await listen({ maxBytes: 10_000 });
    const ehlo = await swaks("127.0.0.1", listener.address.port, ["--to", KNOWN, "--quit-after", "EHLO"]);
    expect(ehlo.stdout).toMatch(/250[- ]SIZE 10000\r?\n/);
    const body = await swaks("127.0.0.1", listener.address.port, [
      "--to",
      KNOWN,
      "--body",
      "x".repeat(20_000),
    ]);
    expect(body.stdout).toMatch(/<\*\* 552 5\.3\.4 /);
    const raw = await rawClient("127.0.0.1", listener.address.port);
    await until("greeting", () => raw.said().includes("220 "));
    raw.socket.write(`EHLO a.example.test\r\nMAIL FROM:<a@example.test> SIZE=20000\r\n`);
    await until("SIZE refusal", () => /\r\n552 /.test(raw.said()));
    raw.socket.destroy();
    expect(mails).toHaveLength(0);
  });

  it("a message whose report cannot be started gets 451, so the sender tries again", async () => {
    const { listener } = await listen({ onMessage: async () => Promise.reject(new Error("queue down")) });
    const sent = await swaks("127.0.0.1", listener.address.port, ["--to", KNOWN]);
    expect(sent.stdout).toMatch(/<\*\* 451 4\.3\.0 /);
  });
});

describe("abuse", () => {
  it("survives garbage, pipelining floods and half-open sockets, then still takes mail", async () => {
    const { listener, mails } = await listen({ maxPerIp: 100, idleMs: 2_000 });
    const port = listener.address.port;
    const garbage = await rawClient("127.0.0.1", port);
    garbage.socket.write(Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 256)));
    const flood = await rawClient("127.0.0.1", port);
    await until("greeting", () => flood.said().includes("220 "));
    // 500 commands in one write, never waiting for a reply (RFC 2920 allows a batch, not this).
    flood.socket.write(
      `EHLO f.example.test\r\n${"MAIL FROM:<a@example.test>\r\nRCPT TO:<x@elsewhere.example>\r\nRSET\r\nNOOP\r\n".repeat(125)}`,
    );
    const halfOpen = await Promise.all(Array.from({ length: 20 }, () => rawClient("127.0.0.1", port)));
    for (const [i, client] of halfOpen.entries()) if (i % 2 === 0) client.socket.end(); // FIN; the rest just sit
    const sent = await swaks("127.0.0.1", port, ["--to", KNOWN, "--helo", "after.example.test"]);
    expect(sent.code, sent.stdout).toBe(0);
    expect(mails).toMatchObject([{ helo: "after.example.test" }]);
    // Idle and half-closed sockets are closed by the listener, not left to pile up.
    await until("idle sockets closed", () => listener.connections() === 0, 15_000);
    for (const client of [garbage, flood, ...halfOpen]) client.socket.destroy();
  });

  it("a client refused recipient after recipient is cut off (421), as Postfix's smtpd_hard_error_limit does", async () => {
    let asked = 0;
    const { listener } = await listen({
      acceptRecipient: async () => {
        asked++;
        return { accept: false, code: 550, message: "5.1.1 no such test address" };
      },
    });
    const guesser = await rawClient("127.0.0.1", listener.address.port);
    await until("greeting", () => guesser.said().includes("220 "));
    guesser.socket.write(`EHLO g.example.test\r\nMAIL FROM:<g@example.test>\r\n`);
    await until("MAIL accepted", () => /\r\n250 .*\r\n250 /s.test(guesser.said()));
    guesser.socket.write(
      Array.from({ length: 200 }, (_, i) => `RCPT TO:<check-guess${i}@${DOMAIN}>\r\n`).join(""),
    );
    await guesser.closed;
    expect(guesser.said()).toMatch(/\r\n421 4\.7\.0 too many refused recipients/);
    expect(asked).toBe(MAX_REFUSED_RECIPIENTS);
  });

  it("caps connections per client IP with 421", async () => {
    const { listener } = await listen({ maxPerIp: 3 });
    const held = await Promise.all(
      Array.from({ length: 3 }, () => rawClient("127.0.0.1", listener.address.port)),
    );
    await until("three greetings", () => held.every((client) => client.said().includes("220 ")));
    const fourth = await rawClient("127.0.0.1", listener.address.port);
    await until("refusal", () => fourth.said().length > 0);
    expect(fourth.said()).toMatch(/^421 4\.7\.0 too many connections from 127\.0\.0\.1/);
    for (const client of held) client.socket.destroy();
    await until("slots freed", () => listener.connections() <= 1);
    const fifth = await rawClient("127.0.0.1", listener.address.port);
    await until("greeting", () => fifth.said().length > 0);
    expect(fifth.said()).toMatch(/^220 /);
    fifth.socket.destroy();
    fourth.socket.destroy();
  });

  it("counts IPv6 clients per /64 (one host holds a whole /64): a fourth address of it is refused", async () => {
    const { listener } = await listen({ maxPerIp: 3, proxyFrom: ["127.0.0.0/8"] });
    const port = listener.address.port;
    const from = async (source: string) => {
      const client = await rawClient("127.0.0.1", port);
      client.socket.write(`PROXY TCP6 ${source} 2001:db8::25 40000 25\r\n`);
      return client;
    };
    const held = [await from("2001:db8:5::1"), await from("2001:db8:5::2"), await from("2001:db8:5::3")];
    await until("three greetings", () => held.every((client) => client.said().includes("220 ")));
    const fourth = await from("2001:db8:5::ffff:4");
    await until("refusal", () => fourth.said().length > 0);
    expect(fourth.said()).toMatch(/^421 4\.7\.0 too many connections from 2001:db8:5::\/64/);
    // Another /64 is another client.
    const other = await from("2001:db8:6::1");
    await until("greeting", () => other.said().length > 0);
    expect(other.said()).toMatch(/^220 /);
    for (const client of [...held, fourth, other]) client.socket.destroy();
  });
});

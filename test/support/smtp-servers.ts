// Real SMTP servers on loopback for the probe's tests: the `smtp-server` package configured with
// a given greeting name (or refusing every connection with 554), and three plain sockets for what
// no SMTP server does on purpose: a closed port, one that accepts and never speaks, one that
// speaks something else.
import net from "node:net";
import { SMTPServer } from "smtp-server";

export interface Listening {
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server | SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server instanceof SMTPServer ? server.server.address() : server.address();
      resolve((address as net.AddressInfo).port);
    });
  });
}

/** smtp-server greeting as `220 <name> ESMTP <banner>`; `refuse` answers 554 instead of 220. */
export async function smtpServer(options: {
  name: string;
  banner?: string;
  refuse?: string;
  starttls?: boolean;
}): Promise<Listening & { server: SMTPServer; setName(name: string): void; ehloHeard: string[] }> {
  // The EHLO/HELO name each client sent, as received (smtp-server keeps it on the session, which
  // onClose is handed when the client QUITs or drops the connection).
  const ehloHeard: string[] = [];
  const server = new SMTPServer({
    name: options.name,
    ...(options.banner === undefined ? {} : { banner: options.banner }),
    // No DNS leaves the machine in tests.
    disableReverseLookup: true,
    authOptional: true,
    ...(options.starttls === false ? { disabledCommands: ["STARTTLS"] } : {}),
    ...(options.refuse === undefined
      ? {}
      : { onConnect: (_session, callback) => callback(new Error(options.refuse)) }),
    onClose: (session) => {
      if (session.hostNameAppearsAs) ehloHeard.push(session.hostNameAppearsAs);
    },
    logger: false,
  });
  const port = await listen(server);
  return {
    port,
    server,
    ehloHeard,
    // smtp-server reads its name when each connection greets, so a changed name is a changed greeting.
    setName(name) {
      (server.options as { name: string }).name = name;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (bound, then closed): connections are refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts connections and says nothing, or says `text` (garbage) and waits. */
export async function rawServer(text: string | null): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    if (text !== null) socket.write(text);
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

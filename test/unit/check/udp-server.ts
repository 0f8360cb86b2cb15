// A small UDP DNS server on loopback for the DNS client's tests: it records every query (its id,
// name, class and the client's source port) and lets each test decide what to send back, when,
// and from which socket.
import dgram from "node:dgram";
import dnsPacket from "dns-packet";

export interface Seen {
  id: number;
  name: string;
  port: number;
  at: number;
}

export interface Reply {
  /** Sends `buffer` to the query's sender from the server's own socket. */
  send(buffer: Buffer): void;
  /** The sender's address and port, to answer from somewhere else. */
  port: number;
  address: string;
}

export interface TestServer {
  server: string;
  port: number;
  seen: Seen[];
  close(): void;
}

export async function udpServer(
  reply: (query: dnsPacket.DecodedPacket, to: Reply) => void = () => undefined,
  host = "127.0.0.1",
  port = 0,
): Promise<TestServer> {
  // Room for thousands of queries sent at once (the default buffer drops some).
  const socket = dgram.createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  const seen: Seen[] = [];
  let closed = false;
  socket.on("message", (message, remote) => {
    const decoded = dnsPacket.decode(message);
    seen.push({
      id: decoded.id ?? -1,
      name: decoded.questions?.[0]?.name ?? "",
      port: remote.port,
      at: performance.now(),
    });
    reply(decoded, {
      // A late answer (a timer) may come after the test closed the server.
      send: (buffer) => {
        if (!closed) socket.send(buffer, remote.port, remote.address);
      },
      port: remote.port,
      address: remote.address,
    });
  });
  await new Promise<void>((resolve) => socket.bind(port, host, resolve));
  const bound = socket.address().port;
  return {
    server: `${host}:${bound}`,
    port: bound,
    seen,
    close: () => {
      closed = true;
      socket.close();
    },
  };
}

/** A response to `query` (its id, name, type and class unless `extra` says otherwise). */
export function answerTo(
  query: dnsPacket.DecodedPacket,
  extra: Partial<dnsPacket.Packet> = {},
  question: Partial<dnsPacket.Question> = {},
): Buffer {
  const asked = query.questions?.[0];
  return dnsPacket.encode({
    type: "response",
    id: query.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: asked?.type ?? "PTR", name: asked?.name ?? "", class: "IN", ...question }],
    ...extra,
  });
}

export const ptrAnswer = (name: string, data: string) => ({
  answers: [{ type: "PTR" as const, name, ttl: 60, data }],
});

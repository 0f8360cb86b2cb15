// One question over TCP (RFC 1035 4.2.2: two-byte length prefix; RFC 7766), for answers that
// came back truncated over UDP. One connection per question: truncation is rare (PTR sets are
// small), so connection reuse is not worth its state.
import { randomInt } from "node:crypto";
import net from "node:net";
import type { DnsOutcome, DnsQuestion, DnsResponse } from "./dns-types.js";
import { decodeResponse, describeError, emptyResponse, encodeQuery, errorOutcome } from "./dns-wire.js";
import type { ServerAddress } from "./server.js";

export function queryTcp(
  question: DnsQuestion,
  server: ServerAddress,
  started: number,
  timeoutMs: number,
): Promise<DnsResponse> {
  const id = randomInt(0, 65_536);
  return new Promise((resolve) => {
    let done = false;
    let buffered = Buffer.alloc(0);
    const socket = net.connect({ host: server.host, port: server.port });
    const finish = (response: DnsResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    const failure = (outcome: DnsOutcome, error: string) =>
      finish(emptyResponse(question.server, outcome, error, performance.now() - started, "tcp"));
    const timer = setTimeout(
      () =>
        failure(
          "timeout",
          `no answer over TCP within ${Math.round(timeoutMs)} ms (UDP answer was truncated)`,
        ),
      timeoutMs,
    );
    socket.on("connect", () => {
      const body = encodeQuery(question, id);
      const frame = Buffer.alloc(2 + body.length);
      frame.writeUInt16BE(body.length, 0);
      body.copy(frame, 2);
      socket.write(frame);
    });
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const response = decodeResponse(
        buffered.subarray(2, 2 + length),
        question,
        [id],
        performance.now() - started,
        "tcp",
      );
      if (response === null) return failure("error", "malformed or mismatched answer over TCP");
      finish(response);
    });
    socket.on("error", (err) => failure(errorOutcome(err), describeError(err, question.server)));
    socket.on("close", () => failure("error", "TCP connection closed before an answer"));
  });
}

// "host:port" as the CLI, the environment and the lab write a DNS server; IPv6 in brackets.
import net from "node:net";
import { InvalidInputError } from "./types.js";

export interface ServerAddress {
  host: string;
  port: number;
  family: 4 | 6;
}

const EXAMPLE = "write a server as 192.0.2.53, 192.0.2.53:5300 or [2001:db8::53]:5300";

/** Parses "1.2.3.4", "1.2.3.4:5300", "::1", "[::1]:5300"; throws InvalidInputError otherwise. */
export function parseServer(text: string): ServerAddress {
  const trimmed = text.trim();
  let host = trimmed;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1] ?? "";
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (net.isIPv4(trimmed.split(":")[0] ?? "") && trimmed.split(":").length === 2) {
    const [h, p] = trimmed.split(":");
    host = h ?? "";
    port = Number(p);
  }
  const family = net.isIP(host);
  if (family === 0)
    throw new InvalidInputError(`"${trimmed.slice(0, 60)}" is not a DNS server address; ${EXAMPLE}`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidInputError(`"${trimmed.slice(0, 60)}" has a bad port; ${EXAMPLE}`);
  }
  return { host, port, family: family as 4 | 6 };
}

/** The canonical "host:port" form used in reports (brackets for IPv6). */
export function formatServer(server: ServerAddress): string {
  return server.family === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

// A loopback RDAP server (RFC 9082 queries, RFC 9083 answers) shaped as the RIRs answer, for the
// owner section's tests: `<base>/<mode>/ip/<address>`, where the mode picks a behaviour (a good
// answer, or one of the failures a real server can show). Nothing leaves the machine.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RdapMode =
  | "ok"
  | "slow"
  | "notfound"
  | "ratelimited"
  | "huge"
  | "hugechunked"
  | "malformed"
  | "wrongshape"
  | "redirect-off"
  | "redirect-same"
  | "hostile";

interface Network {
  start: string;
  end: string;
  version: "v4" | "v6";
  name: string;
  org: string;
  abuse: string;
}

/** The networks it knows (RIR-shaped: registrant with a vCard, abuse nested as ARIN nests it). */
export const RDAP_NETWORKS: Network[] = [
  {
    start: "203.0.130.0",
    end: "203.0.130.255",
    version: "v4",
    name: "HETZNER-LAB",
    org: "Hetzner Online GmbH",
    abuse: "abuse@hetzner.com",
  },
  {
    start: "2001:db8:0:64::",
    end: "2001:db8:0:64:ffff:ffff:ffff:ffff",
    version: "v6",
    name: "HETZNER-LAB-V6",
    org: "Hetzner Online GmbH",
    abuse: "abuse@hetzner.com",
  },
  {
    start: "203.0.113.0",
    end: "203.0.113.255",
    version: "v4",
    name: "EXAMPLE-NET",
    org: "Example Hosting",
    abuse: "abuse@example.net",
  },
  // An allocation and a customer's reassignment inside it (ARIN's SWIP /29s): an address of the
  // /29 is answered the /29, any other address of the /15 the allocation.
  {
    start: "198.18.0.0",
    end: "198.19.255.255",
    version: "v4",
    name: "PARENT-ALLOC",
    org: "Big Carrier",
    abuse: "abuse@carrier.example",
  },
  {
    start: "198.18.7.0",
    end: "198.18.7.7",
    version: "v4",
    name: "CUSTOMER-REASSIGNED",
    org: "Small Customer",
    abuse: "abuse@customer.example",
  },
];

const HOSTILE = "<!channel> @everyone \u202eevil\u202c `x` <b>bold</b> \u0007";

function vcard(fn: string, email?: string): unknown[] {
  return [
    "vcard",
    [
      ["version", {}, "text", "4.0"],
      ["fn", {}, "text", fn],
      ["kind", {}, "text", "org"],
      ...(email === undefined ? [] : [["email", { type: "work" }, "text", email]]),
    ],
  ];
}

export function networkJson(network: Network, hostile = false): unknown {
  return {
    rdapConformance: ["rdap_level_0", "cidr0"],
    objectClassName: "ip network",
    handle: `NET-${network.name}`,
    startAddress: network.start,
    endAddress: network.end,
    ipVersion: network.version,
    name: hostile ? HOSTILE : network.name,
    type: "ALLOCATED PA",
    entities: [
      {
        objectClassName: "entity",
        handle: "ORG-1",
        roles: ["registrant"],
        vcardArray: vcard(hostile ? HOSTILE : network.org),
        entities: [
          {
            objectClassName: "entity",
            handle: "ABUSE-1",
            roles: ["abuse"],
            vcardArray: vcard("Abuse desk", hostile ? `${HOSTILE}@x.test` : network.abuse),
          },
        ],
      },
      { objectClassName: "entity", handle: "TECH-1", roles: ["technical"], vcardArray: vcard("NOC") },
    ],
  };
}

function toNumber(ip: string): bigint {
  if (ip.includes(":")) {
    const [head = "", tail = ""] = ip.split("::");
    const h = head === "" ? [] : head.split(":");
    const t = tail === "" ? [] : tail.split(":");
    const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
    return groups.reduce((sum, group) => (sum << 16n) | BigInt(Number.parseInt(group || "0", 16)), 0n);
  }
  return ip.split(".").reduce((sum, octet) => (sum << 8n) | BigInt(Number(octet)), 0n);
}

function find(ip: string): Network | undefined {
  const family = ip.includes(":") ? "v6" : "v4";
  const value = toNumber(ip);
  // The most specific network holding the address, as an RIR answers (RFC 9083 5.4).
  return RDAP_NETWORKS.filter(
    (n) => n.version === family && toNumber(n.start) <= value && value <= toNumber(n.end),
  ).sort((a, b) => Number(toNumber(a.end) - toNumber(a.start) - (toNumber(b.end) - toNumber(b.start))))[0];
}

export interface FakeRdap {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The base to give RDAP_URL for a mode. */
  base(mode: RdapMode): string;
  /** Requests seen, as paths. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeRdap(): Promise<FakeRdap> {
  const requests: string[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? "/");
    requests.push(path);
    const match = /^\/([a-z-]+)\/ip\/([0-9a-f.:]+)$/i.exec(path);
    if (match === null) {
      res.writeHead(400).end();
      return;
    }
    const mode = match[1] as RdapMode;
    const ip = match[2] as string;
    const network = find(ip);
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/rdap+json" });
      res.end(JSON.stringify(body));
    };
    switch (mode) {
      case "ok":
      case "hostile":
        if (network === undefined) res.writeHead(404).end();
        else json(networkJson(network, mode === "hostile"));
        return;
      case "slow":
        // Answers after 30 s: the check's deadline must end the wait, not this.
        setTimeout(() => network && !res.writableEnded && json(networkJson(network)), 30_000).unref();
        return;
      case "notfound":
        res.writeHead(404, { "content-type": "application/rdap+json" }).end('{"errorCode":404}');
        return;
      case "ratelimited":
        res.writeHead(429, { "retry-after": "60" }).end();
        return;
      case "huge":
        res.writeHead(200, { "content-type": "application/rdap+json" });
        res.end(`{"objectClassName":"ip network","name":"${"x".repeat(2_000_000)}"}`);
        return;
      case "hugechunked": {
        // No content-length: the size cap must hold while reading.
        res.writeHead(200, { "content-type": "application/rdap+json", "transfer-encoding": "chunked" });
        const chunk = "x".repeat(64 * 1024);
        let sent = 0;
        const more = () => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent < 64) res.once("drain", more);
          else res.end();
        };
        res.write('{"objectClassName":"ip network","name":"');
        more();
        return;
      }
      case "malformed":
        res
          .writeHead(200, { "content-type": "application/rdap+json" })
          .end('{"objectClassName": "ip network", ');
        return;
      case "wrongshape":
        json({ objectClassName: "entity", handle: "X" });
        return;
      case "redirect-off":
        res.writeHead(301, { location: `https://rdap.evil.example/ip/${ip}` }).end();
        return;
      case "redirect-same":
        res.writeHead(302, { location: `/ok/ip/${ip}` }).end();
        return;
      default:
        res.writeHead(400).end();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    base: (mode) => `${url}/${mode}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

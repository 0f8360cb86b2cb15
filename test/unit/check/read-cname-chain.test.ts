// Reading one answer: CNAME chains followed to their end, and broken answers (loops, chains past
// the bound, records for another name or type) reported as "could not tell", never as NODATA.
import { describe, expect, it } from "vitest";
import type { DnsRecord, DnsResponse } from "../../../src/check/dns-client.js";
import { MAX_CNAME_HOPS, readCnameChain } from "../../../src/check/lookups.js";

const Q = "5.113.0.203.in-addr.arpa";

function answer(records: Array<[string, string, string]>, rcode = "NOERROR"): DnsResponse {
  const answers: DnsRecord[] = records.map(([name, type, data]) => ({ name, type, ttl: 30, data }));
  return {
    server: "127.0.0.1:5300",
    outcome: "answer",
    rcode,
    aa: true,
    truncated: false,
    answers,
    authorityNs: [],
    soa: null,
    glue: [],
    rttMs: 1,
    error: null,
    transport: "udp",
  };
}

/** qname -> h1 -> ... -> hN, then `end` records at hN. */
function staircase(hops: number, end: Array<[string, string, string]> = []): Array<[string, string, string]> {
  const names = [Q, ...Array.from({ length: hops }, (_, i) => `h${i + 1}.example.test`)];
  const cnames = names
    .slice(0, -1)
    .map((name, i): [string, string, string] => [name, "CNAME", names[i + 1] ?? ""]);
  return [
    ...cnames,
    ...end.map(([, type, data]): [string, string, string] => [names.at(-1) ?? "", type, data]),
  ];
}

describe("readCnameChain: sound answers", () => {
  it("follows a chain of 20 CNAMEs to the PTR", () => {
    const chain = readCnameChain(answer(staircase(20, [["", "PTR", "mail.example.test"]])), Q, "PTR");
    expect(chain).toMatchObject({ status: "found", values: ["mail.example.test"], defect: null });
    expect(chain.cnames).toHaveLength(20);
  });

  it("reads an empty NOERROR answer as NODATA and a chain ending in NXDOMAIN as nxdomain", () => {
    expect(readCnameChain(answer([]), Q, "PTR")).toMatchObject({ status: "nodata", defect: null });
    const dangling = readCnameChain(
      answer([[Q, "CNAME", "5.0-25.113.0.203.in-addr.arpa"]], "NXDOMAIN"),
      Q,
      "PTR",
    );
    expect(dangling).toMatchObject({ status: "nxdomain", cnames: ["5.0-25.113.0.203.in-addr.arpa"] });
  });

  it("ignores records beside a found answer", () => {
    const chain = readCnameChain(
      answer([
        [Q, "PTR", "mail.example.test"],
        ["other.example.test", "A", "192.0.2.1"],
      ]),
      Q,
      "PTR",
    );
    expect(chain).toMatchObject({ status: "found", values: ["mail.example.test"] });
  });
});

describe("readCnameChain: broken answers are could-not-tell, naming the defect", () => {
  it.each([
    [
      "two names",
      [
        [Q, "CNAME", "a.example.test"],
        ["a.example.test", "CNAME", Q],
      ],
      `${Q} -> a.example.test -> ${Q}`,
    ],
    [
      "three names",
      [
        [Q, "CNAME", "a.example.test"],
        ["a.example.test", "CNAME", "b.example.test"],
        ["b.example.test", "CNAME", "a.example.test"],
      ],
      "a.example.test -> b.example.test -> a.example.test",
    ],
  ] as Array<[string, Array<[string, string, string]>, string]>)("a CNAME loop of %s", (_, records, loop) => {
    const chain = readCnameChain(answer(records), Q, "PTR");
    expect(chain.status).toBe("servfail");
    expect(chain.defect).toBe(`a CNAME loop (${loop})`);
    expect(chain.error).toContain("sent a broken answer: a CNAME loop");
  });

  it(`a chain longer than ${MAX_CNAME_HOPS} hops`, () => {
    const chain = readCnameChain(
      answer(staircase(MAX_CNAME_HOPS + 1, [["", "PTR", "x.example.test"]])),
      Q,
      "PTR",
    );
    expect(chain.status).toBe("servfail");
    expect(chain.defect).toMatch(new RegExp(`longer than ${MAX_CNAME_HOPS} hops`));
    // One hop fewer is read in full.
    const within = readCnameChain(
      answer(staircase(MAX_CNAME_HOPS, [["", "PTR", "x.example.test"]])),
      Q,
      "PTR",
    );
    expect(within.status).toBe("found");
  });

  it("an answer of another type only (an A for a PTR question)", () => {
    const chain = readCnameChain(answer([[Q, "A", "192.0.2.1"]]), Q, "PTR");
    expect(chain.status).toBe("servfail");
    expect(chain.defect).toBe(`a PTR question answered with A 192.0.2.1 for ${Q} only`);
  });

  it("an answer for another name only", () => {
    const chain = readCnameChain(answer([["6.113.0.203.in-addr.arpa", "PTR", "x.example.test"]]), Q, "PTR");
    expect(chain.status).toBe("servfail");
    expect(chain.defect).toMatch(/records for other names only \(PTR x\.example\.test for 6\.113/);
  });

  it("wrong records at the end of a chain, and wrong names after NXDOMAIN", () => {
    const wrongType = readCnameChain(answer(staircase(2, [["", "TXT", ""]])), Q, "PTR");
    expect(wrongType).toMatchObject({ status: "servfail" });
    expect(wrongType.defect).toMatch(/answered with TXT for h2\.example\.test only/);
    const nx = readCnameChain(
      answer([["elsewhere.example.test", "PTR", "x.example.test"]], "NXDOMAIN"),
      Q,
      "PTR",
    );
    expect(nx.status).toBe("servfail");
  });

  it("two CNAMEs for one name (RFC 2181 10.1)", () => {
    const chain = readCnameChain(
      answer([
        [Q, "CNAME", "a.example.test"],
        [Q, "CNAME", "b.example.test"],
      ]),
      Q,
      "PTR",
    );
    expect(chain.status).toBe("servfail");
    expect(chain.defect).toMatch(/has 2 CNAMEs/);
  });
});

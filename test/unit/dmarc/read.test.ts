// Issue 26 item 4: DMARC aggregate reports in the shapes Google, Microsoft (default namespace),
// Yahoo and a small provider (prefixed namespace) send, plain, gzip'd and zipped, several records
// per IP; and hostile inputs, refused with one plain reason.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { DmarcRefusedError, readDmarcReport, rowsBySource } from "../../../src/dmarc/index.js";

const dir = join(import.meta.dirname, "..", "..", "fixtures", "dmarc");
const fixture = (name: string) => readFileSync(join(dir, name));
const packings: [string, (bytes: Buffer, name: string) => Uint8Array][] = [
  ["plain", (bytes) => bytes],
  ["gzip", (bytes) => gzipSync(bytes)],
  ["zip", (bytes, name) => zipSync({ [name]: new Uint8Array(bytes) })],
];
const brief = (bytes: Uint8Array) =>
  rowsBySource(readDmarcReport(bytes).records).map((row) => [
    row.ip,
    row.count,
    row.spf,
    row.dkim,
    row.disposition,
    row.headerFrom,
  ]);

const expected: Record<string, (string | number)[][]> = {
  "google.xml": [
    ["203.0.113.10", 1500, "mixed", "pass", "none", "example.com"],
    ["203.0.113.11", 40, "fail", "fail", "none", "example.com"],
    ["2001:db8::10", 25, "pass", "pass", "none", "example.com"],
  ],
  "microsoft.xml": [
    ["203.0.113.13", 520, "pass", "mixed", "mixed", "example.com"],
    ["203.0.113.10", 80, "pass", "pass", "none", "example.com"],
  ],
  "yahoo.xml": [
    ["203.0.113.10", 7, "pass", "pass", "none", "example.com"],
    ["203.0.113.11", 3, "fail", "fail", "reject", "example.com"],
  ],
  "small-provider.xml": [["2001:db8::10", 2, "pass", "pass", "none", "example.com"]],
};

describe("DMARC aggregate reports as providers send them", () => {
  for (const [name, rows] of Object.entries(expected)) {
    for (const [packing, pack] of packings) {
      it(`${name}, ${packing}: one row per source IP, counts summed, most first`, () => {
        expect(brief(pack(fixture(name), name))).toEqual(rows);
      });
    }
  }

  it("keeps the split of a mixed IP and every header-from domain, most messages first", () => {
    const rows = rowsBySource(readDmarcReport(fixture("microsoft.xml")).records);
    expect(rows[0]).toMatchObject({
      dkimByResult: { fail: 500, pass: 20 },
      dispositionByResult: { quarantine: 500, none: 20 },
      headerFromDomains: ["example.com", "mail.example.com"],
    });
  });

  it("names the reporting organisation and counts the reports of a zip of several", () => {
    const zip = zipSync({
      "a.xml": new Uint8Array(fixture("google.xml")),
      "b.xml": new Uint8Array(fixture("yahoo.xml")),
      "readme.txt": new Uint8Array(Buffer.from("not a report")),
    });
    const reading = readDmarcReport(zip);
    expect(reading.reports).toBe(2);
    expect(reading.organisations).toEqual(["google.com", "Yahoo"]);
    expect(rowsBySource(reading.records)[0]).toMatchObject({ ip: "203.0.113.10", count: 1507 });
  });

  it("finds no report in text, in other XML, in an empty zip", () => {
    expect(readDmarcReport(Buffer.from("hello")).reports).toBe(0);
    expect(readDmarcReport(Buffer.from("<html><body>x</body></html>")).reports).toBe(0);
    expect(readDmarcReport(zipSync({})).reports).toBe(0);
  });

  it("skips a record without a valid source_ip or count, and counts it", () => {
    const xml = `<feedback><record><row><source_ip>not-an-ip</source_ip><count>3</count></row></record>
      <record><row><source_ip>192.0.2.1</source_ip><count>-1</count></row></record>
      <record><row><source_ip>::ffff:192.0.2.9</source_ip><count>4</count></row></record></feedback>`;
    const reading = readDmarcReport(Buffer.from(xml));
    expect(reading.skipped).toBe(2);
    expect(reading.records).toEqual([
      { ip: "192.0.2.9", count: 4, spf: "none", dkim: "none", disposition: "none", headerFrom: "" },
    ]);
  });
});

describe("hostile reports are refused with one plain line", () => {
  const refused = (bytes: Uint8Array) => {
    try {
      readDmarcReport(bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(DmarcRefusedError);
      expect((err as Error).message).not.toContain("\n");
      return (err as Error).message;
    }
    throw new Error("not refused");
  };

  it("entity expansion (billion laughs) and any DOCTYPE", () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feedback><record><row><source_ip>192.0.2.1</source_ip><count>1</count></row><identifiers><header_from>&lol3;</header_from></identifiers></record></feedback>`;
    expect(refused(Buffer.from(lol))).toMatch(/DOCTYPE/);
    const external = `<?xml version="1.0"?><!DOCTYPE feedback SYSTEM "file:///etc/passwd"><feedback></feedback>`;
    expect(refused(gzipSync(external))).toMatch(/DOCTYPE/);
  });

  // Building the bombs takes most of the time (compressing 150 MB of zeros).
  it("a gzip bomb and a zip bomb stop at 50 MiB of output", { timeout: 60_000 }, () => {
    const zeros = new Uint8Array(51 * 1024 * 1024);
    const gz = gzipSync(zeros, { level: 1 });
    expect(gz.length).toBeLessThan(300_000);
    expect(refused(gz)).toMatch(/more than 50 MiB/);
    expect(refused(zipSync({ "report.xml": zeros }, { level: 1 }))).toMatch(/more than 50 MiB/);
    // Several entries, each under the bound, together over it.
    const part = new Uint8Array(18 * 1024 * 1024);
    expect(refused(zipSync({ "a.xml": part, "b.xml": part, "c.xml": part }, { level: 1 }))).toMatch(
      /more than 50 MiB/,
    );
  });

  it("plain input over 50 MiB", () => {
    expect(refused(new Uint8Array(50 * 1024 * 1024 + 1))).toMatch(/larger than 50 MiB/);
  });

  it("more than 100,000 records", { timeout: 30_000 }, () => {
    const record = "<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row></record>";
    const xml = `<feedback>${record.repeat(100_001)}</feedback>`;
    expect(refused(Buffer.from(xml))).toMatch(/more than 100,000 records/);
  });

  it("broken XML and broken archives", () => {
    expect(refused(Buffer.from("<feedback><record></feedback>"))).toMatch(/not well-formed XML/);
    expect(refused(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]))).toMatch(/gzip/);
    const zip = zipSync({ "a.xml": new Uint8Array(fixture("google.xml")) });
    expect(refused(zip.subarray(0, 200))).toMatch(/zip|well-formed/);
  });
});

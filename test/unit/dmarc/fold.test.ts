// Records are folded by source IP and result combination as they are read (one entry per
// combination, counts summed), and both ASCII and UTF-8 documents are decoded whole.
import { describe, expect, it } from "vitest";
import { readDmarcReport, rowsBySource } from "../../../src/dmarc/index.js";

const record = (ip: string, count: number, spf: string, from = "example.com") =>
  `<record><row><source_ip>${ip}</source_ip><count>${count}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>${from}</header_from></identifiers></record>`;

describe("records folded as read", () => {
  it("sums the records of one IP and one result combination into one record", () => {
    const xml = `<feedback>${record("192.0.2.1", 3, "pass")}${record("192.0.2.1", 4, " PASS ")}${record(
      "192.0.2.1",
      5,
      "fail",
    )}${record("192.0.2.2", 1, "pass")}${record("192.0.2.1", 2, "pass", "Example.COM")}</feedback>`;
    const reading = readDmarcReport(Buffer.from(xml));
    const byIp = reading.records.map((r) => `${r.ip} ${r.spf} ${r.headerFrom} ${r.count}`).sort();
    expect(byIp).toEqual([
      "192.0.2.1 fail example.com 5",
      "192.0.2.1 pass example.com 9",
      "192.0.2.2 pass example.com 1",
    ]);
    expect(rowsBySource(reading.records)[0]).toMatchObject({
      ip: "192.0.2.1",
      count: 14,
      spf: "mixed",
      spfByResult: { pass: 9, fail: 5 },
    });
  });

  it("reads a UTF-8 organisation name and a character split across the decoder's 1 MiB slices", () => {
    const padding = " ".repeat(1024 * 1024 - 42);
    const xml = `<feedback><report_metadata>${padding}<org_name>Société Générale ✉</org_name></report_metadata>${record(
      "192.0.2.1",
      1,
      "pass",
    )}</feedback>`;
    const reading = readDmarcReport(Buffer.from(xml));
    expect(reading.organisations).toEqual(["Société Générale ✉"]);
    expect(reading.records).toHaveLength(1);
  });

  it("still refuses more than 100,000 records when they fold into one", { timeout: 30_000 }, () => {
    const xml = `<feedback>${record("192.0.2.1", 1, "pass").repeat(100_001)}</feedback>`;
    expect(() => readDmarcReport(Buffer.from(xml))).toThrow(/more than 100,000 records/);
  });
});

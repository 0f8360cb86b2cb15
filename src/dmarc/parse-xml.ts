// One aggregate report's XML (RFC 7489 appendix C) -> its records, read by a streaming parser
// (saxes) as the text arrives, so memory holds one record at a time, not a tree of the document.
// Element names are matched by their local part: Microsoft and some small providers declare the
// `urn:ietf:params:xml:ns:dmarc-2.0` namespace (with or without a prefix), Google and Yahoo none.
// A DOCTYPE is refused before anything in it is read: entities are how an XML file turns into
// gigabytes (the "billion laughs"), and a report has no use for one.
import ipaddr from "ipaddr.js";
import { SaxesParser } from "saxes";
import { MAX_DEPTH, MAX_RECORDS, MAX_VALUE_CHARS } from "./limits.js";
import { type DmarcRecord, DmarcRefusedError } from "./types.js";

/** What one document gave: zero reports when its root element is not `feedback`. */
export interface ParsedDocument {
  reports: number;
  records: DmarcRecord[];
  organisation: string | null;
  skipped: number;
}

// The record fields read, by parent and element (auth_results also has `dkim` and `spf`, with
// other children: only policy_evaluated's count).
const FIELDS: Record<string, Record<string, keyof Draft>> = {
  row: { source_ip: "ip", count: "count" },
  policy_evaluated: { disposition: "disposition", dkim: "dkim", spf: "spf" },
  identifiers: { header_from: "headerFrom" },
};

type Draft = {
  ip: string;
  count: string;
  disposition: string;
  dkim: string;
  spf: string;
  headerFrom: string;
};

const emptyDraft = (): Draft => ({ ip: "", count: "", disposition: "", dkim: "", spf: "", headerFrom: "" });

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

// A report names a few addresses in many records: each text is parsed once.
const ipCache = new Map<string, string | null>();

function normalisedIp(text: string): string | null {
  const cached = ipCache.get(text);
  if (cached !== undefined) return cached;
  if (ipCache.size > 50_000) ipCache.clear();
  const ip = parseIp(text);
  ipCache.set(text, ip);
  return ip;
}

function parseIp(text: string): string | null {
  if (!ipaddr.isValid(text)) return null;
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  return parsed.toString();
}

function toRecord(draft: Draft): DmarcRecord | null {
  const ip = normalisedIp(draft.ip.trim());
  const count = draft.count.trim();
  if (ip === null || !/^\d{1,15}$/.test(count)) return null;
  const value = (text: string) => text.trim().toLowerCase() || "none";
  return {
    ip,
    count: Number(count),
    spf: value(draft.spf),
    dkim: value(draft.dkim),
    disposition: value(draft.disposition),
    headerFrom: draft.headerFrom.trim().toLowerCase(),
  };
}

/** Reads one document's text, fed in chunks; throws DmarcRefusedError for a refused or broken one. */
export class ReportParser {
  private readonly parser = new SaxesParser({ position: false });
  private readonly stack: string[] = [];
  private draft: Draft | null = null;
  private field: keyof Draft | null = null;
  private orgName = "";
  private inOrgName = false;
  private rootSeen = false;
  private isReport = false;
  private recordCount = 0;
  readonly result: ParsedDocument = { reports: 0, records: [], organisation: null, skipped: 0 };

  constructor() {
    this.parser.on("doctype", () => {
      throw new DmarcRefusedError(
        "has a DOCTYPE (entity expansion is refused; a DMARC report has none): not read",
      );
    });
    this.parser.on("opentag", (tag) => this.open(localName(tag.name)));
    this.parser.on("closetag", (tag) => this.close(localName(tag.name)));
    this.parser.on("text", (text) => this.text(text));
    this.parser.on("cdata", (text) => this.text(text));
    this.parser.on("error", (err) => {
      throw new DmarcRefusedError(`is not well-formed XML (${err.message.split("\n")[0]?.slice(0, 200)})`);
    });
  }

  write(chunk: string): void {
    this.parser.write(chunk);
  }

  end(): ParsedDocument {
    this.parser.close();
    this.result.organisation = this.orgName.trim() || null;
    return this.result;
  }

  private open(name: string): void {
    if (!this.rootSeen) {
      this.rootSeen = true;
      this.isReport = name === "feedback";
      if (this.isReport) this.result.reports = 1;
    }
    const depth = this.stack.push(name);
    if (depth > MAX_DEPTH)
      throw new DmarcRefusedError(`nests elements more than ${MAX_DEPTH} deep: not read`);
    if (!this.isReport) return;
    if (depth === 2 && name === "record") {
      if (++this.recordCount > MAX_RECORDS)
        throw new DmarcRefusedError(`holds more than ${MAX_RECORDS.toLocaleString("en")} records: not read`);
      this.draft = emptyDraft();
      return;
    }
    const parent = this.stack[depth - 2] ?? "";
    if (this.draft !== null) this.field = depth >= 4 ? (FIELDS[parent]?.[name] ?? null) : null;
    else this.inOrgName = name === "org_name" && parent === "report_metadata";
  }

  private text(text: string): void {
    if (this.field !== null && this.draft !== null) {
      const current = this.draft[this.field];
      // The usual case, one text node per value, keeps the parser's own string.
      if (current === "" && text.length <= MAX_VALUE_CHARS) this.draft[this.field] = text;
      else if (current.length < MAX_VALUE_CHARS)
        this.draft[this.field] = current + text.slice(0, MAX_VALUE_CHARS);
    } else if (this.inOrgName && this.orgName.length < MAX_VALUE_CHARS) {
      this.orgName += text.slice(0, MAX_VALUE_CHARS);
    }
  }

  private close(name: string): void {
    this.stack.pop();
    this.field = null;
    this.inOrgName = false;
    if (name !== "record" || this.draft === null || this.stack.length !== 1) return;
    const record = toRecord(this.draft);
    if (record === null) this.result.skipped++;
    else this.result.records.push(record);
    this.draft = null;
  }
}

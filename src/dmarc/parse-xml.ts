// One aggregate report's XML (RFC 7489 appendix C) -> its records, read by a streaming parser
// (saxes) as the text arrives, so memory holds one record at a time, not a tree of the document.
// Element names are matched by their local part: Microsoft and some small providers declare the
// `urn:ietf:params:xml:ns:dmarc-2.0` namespace (with or without a prefix), Google and Yahoo none.
// A DOCTYPE is refused before anything in it is read: entities are how an XML file turns into
// gigabytes (the "billion laughs"), and a report has no use for one.
import ipaddr from "ipaddr.js";
import { SaxesParser } from "saxes";
import { MAX_DEPTH, MAX_RECORDS, MAX_VALUE_CHARS } from "./limits.js";
import { RecordTally, resultWord } from "./tally.js";
import { type DmarcRecord, DmarcRefusedError } from "./types.js";

/** What one document gave: zero reports when its root element is not `feedback`. */
export interface ParsedDocument {
  reports: number;
  /** One per source IP and combination of results, counts summed (see tally.ts). */
  records: DmarcRecord[];
  /** `<record>` elements read, before folding. */
  recordCount: number;
  organisation: string | null;
  skipped: number;
}

// The record fields read, by parent and element (auth_results also has `dkim` and `spf`, with
// other children: only policy_evaluated's count). A field is an index into the parser's one
// reused array of values, so no object is made per record.
const IP = 0;
const COUNT = 1;
const DISPOSITION = 2;
const DKIM = 3;
const SPF = 4;
const HEADER_FROM = 5;
const NO_FIELD = -1;

function fieldOf(parent: string, name: string): number {
  switch (parent) {
    case "row":
      return name === "source_ip" ? IP : name === "count" ? COUNT : NO_FIELD;
    case "policy_evaluated":
      return name === "disposition" ? DISPOSITION : name === "dkim" ? DKIM : name === "spf" ? SPF : NO_FIELD;
    case "identifiers":
      return name === "header_from" ? HEADER_FROM : NO_FIELD;
    default:
      return NO_FIELD;
  }
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

// A report names a few addresses and domains in many records: each text is parsed once, and the
// one string kept for it is shared by every record that names it.
const ipCache = new Map<string, string | null>();
const domainCache = new Map<string, string>();

function normalisedIp(text: string): string | null {
  const cached = ipCache.get(text);
  if (cached !== undefined) return cached;
  if (ipCache.size > 50_000) ipCache.clear();
  const ip = parseIp(text.trim());
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

function domain(text: string): string {
  const cached = domainCache.get(text);
  if (cached !== undefined) return cached;
  if (domainCache.size > 50_000) domainCache.clear();
  const value = text.trim().toLowerCase();
  domainCache.set(text, value);
  return value;
}

/** A count of 1 to 15 digits, spaces around allowed; -1 when it is none. */
function messageCount(text: string): number {
  let value = 0;
  let digits = 0;
  let end = text.length;
  let at = 0;
  while (at < end && text.charCodeAt(at) <= 32) at++;
  while (end > at && text.charCodeAt(end - 1) <= 32) end--;
  for (; at < end; at++) {
    const code = text.charCodeAt(at) - 48;
    if (code < 0 || code > 9 || ++digits > 15) return -1;
    value = value * 10 + code;
  }
  return digits === 0 ? -1 : value;
}

/** Reads one document's text, fed in chunks; throws DmarcRefusedError for a refused or broken one. */
export class ReportParser {
  private readonly parser = new SaxesParser({ position: false });
  /** Element names by depth (index 0 unused), kept only as far as a record's fields nest. */
  private readonly names: string[] = ["", "", "", "", "", "", ""];
  private depth = 0;
  private inRecord = false;
  private readonly values: string[] = ["", "", "", "", "", ""];
  private field = NO_FIELD;
  private orgName = "";
  private inOrgName = false;
  private rootSeen = false;
  private isReport = false;
  private readonly tally = new RecordTally();
  private skipped = 0;

  constructor() {
    this.parser.on("doctype", () => {
      throw new DmarcRefusedError(
        "has a DOCTYPE (entity expansion is refused; a DMARC report has none): not read",
      );
    });
    this.parser.on("opentag", (tag) => this.open(tag.name));
    this.parser.on("closetag", (tag) => this.close(tag.name));
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
    return {
      reports: this.isReport ? 1 : 0,
      records: this.tally.records(),
      recordCount: this.tally.added + this.skipped,
      organisation: this.orgName.trim() || null,
      skipped: this.skipped,
    };
  }

  private open(qualified: string): void {
    const depth = ++this.depth;
    this.field = NO_FIELD;
    if (depth > MAX_DEPTH)
      throw new DmarcRefusedError(`nests elements more than ${MAX_DEPTH} deep: not read`);
    if (!this.rootSeen) {
      this.rootSeen = true;
      this.isReport = localName(qualified) === "feedback";
    }
    if (!this.isReport || depth >= this.names.length) return;
    const name = localName(qualified);
    this.names[depth] = name;
    if (depth === 2 && name === "record") {
      if (this.tally.added + this.skipped >= MAX_RECORDS)
        throw new DmarcRefusedError(`holds more than ${MAX_RECORDS.toLocaleString("en")} records: not read`);
      this.inRecord = true;
      this.values.fill("");
      return;
    }
    const parent = this.names[depth - 1] ?? "";
    if (this.inRecord) this.field = depth >= 4 ? fieldOf(parent, name) : NO_FIELD;
    else this.inOrgName = depth === 3 && name === "org_name" && parent === "report_metadata";
  }

  private text(text: string): void {
    if (this.field !== NO_FIELD) {
      const current = this.values[this.field] ?? "";
      // The usual case, one text node per value, keeps the parser's own string.
      if (current === "" && text.length <= MAX_VALUE_CHARS) this.values[this.field] = text;
      else if (current.length < MAX_VALUE_CHARS)
        this.values[this.field] = current + text.slice(0, MAX_VALUE_CHARS);
    } else if (this.inOrgName && this.orgName.length < MAX_VALUE_CHARS) {
      this.orgName += text.slice(0, MAX_VALUE_CHARS);
    }
  }

  private close(qualified: string): void {
    const depth = this.depth--;
    this.field = NO_FIELD;
    this.inOrgName = false;
    if (depth !== 2 || !this.inRecord || localName(qualified) !== "record") return;
    this.inRecord = false;
    this.addRecord();
  }

  private addRecord(): void {
    const [ipText = "", countText = "", disposition = "", dkim = "", spf = "", from = ""] = this.values;
    const ip = normalisedIp(ipText);
    const count = messageCount(countText);
    if (ip === null || count < 0) {
      this.skipped++;
      return;
    }
    this.tally.add(ip, count, resultWord(spf), resultWord(dkim), resultWord(disposition), domain(from));
  }
}

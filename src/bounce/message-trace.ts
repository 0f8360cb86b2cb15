// Microsoft 365 and Exchange message traces a partner's admin pastes ("your mail to us failed"):
// the receiver's own record of the mail it took in, where the client is the sender. The client's
// address is a field of each record, so it is read from that field, never guessed from the text;
// the receiver's own side (ToIP, ServerIp, server_ip) is never read at all.
// - Get-MessageTrace / Get-MessageTraceV2, as Export-Csv or Format-List output, and the Graph
//   exchangeMessageTrace resource: `FromIP` is "for incoming messages, the public IP address of
//   the SMTP email server that sent the message" (learn.microsoft.com/graph/api/resources/
//   exchangemessagetrace); `Status` is one of Delivered, Expanded, Failed, FilteredAsSpam,
//   GettingStatus, Pending, Quarantined (learn.microsoft.com/powershell/module/exchange/
//   get-messagetracev2, -Status).
// - Exchange message tracking logs, as Get-MessageTrackingLog exports (`ClientIp`, `EventId`,
//   `RecipientStatus`: the log's field names without hyphens, learn.microsoft.com/powershell/
//   module/exchange/get-messagetrackinglog) and the admin center's extended reports (`client_ip`,
//   `event_id`, `recipient_status`): a RECEIVE record names the client, a FAIL record of the same
//   message the failure (event types: learn.microsoft.com/previous-versions/tn-archive/cc539063).
// Exchange's SMTP receive protocol log (the EHLO the client gave) is read by receiver-logs.ts.
// None of these records carries the HELO; a finding from them has none.
import { categorise } from "./categorise.js";
import { readCodes } from "./codes.js";
import { splitRow } from "./exports.js";
import { MAX_FINDINGS } from "./limits.js";
import { lineIterator, withoutControls } from "./normalise.js";
import { publicAddress } from "./receiver-logs.js";
import type { BounceCategory, BounceFinding } from "./types.js";

// Field names as the exports spell them, lower-cased without spaces, quotes, `-` or `_`.
const CLIENT_FIELDS = ["fromip", "clientip", "originalclientip"];
const STATUS_FIELDS = ["status", "deliverystatus"];
const EVENT_FIELDS = ["eventid", "event"];
const REPLY_FIELDS = ["recipientstatus", "detail", "description"];
const RECIPIENT_FIELDS = ["recipientaddress", "recipients", "recipient"];
const KEY_FIELDS = ["messagetraceid", "networkmessageid", "internalmessageid", "messageid"];

// Trace statuses that are a refusal or a spam verdict (Get-MessageTraceV2's -Status values).
const STATUS_CATEGORY: Record<string, BounceCategory | null> = {
  failed: null, // the reply, when the record has one, says why
  filteredasspam: "reputation",
  quarantined: "reputation",
};
// Tracking-log events that end a message's delivery: FAIL (a refusal), DROP (dropped unsent).
const FAILED_EVENTS = new Set(["fail", "drop"]);
const MAX_KEYS = 10_000;
const MAX_RECORDS = 100_000;

/** A cheap look at the text's head: does it name a trace's client field at all? */
const TRACE_HINT = /\b(?:fromip|client[-_ ]?ip|original[-_]client[-_]ip)\b/i;

function field(name: string): string {
  return name.toLowerCase().replace(/[\s"'_-]/g, "");
}

interface TraceRecord {
  client: string | null;
  status: string | null;
  event: string | null;
  reply: string | null;
  recipient: string | null;
  key: string | null;
}

function toFinding(file: string | null, record: TraceRecord, ip: string): BounceFinding {
  const status = record.status?.toLowerCase() ?? "";
  const reply = record.reply !== null && record.reply !== "" ? record.reply : null;
  const diagnostic =
    reply ?? `Message trace: ${record.status ?? record.event ?? "failed"} (message from ${ip})`;
  const codes = readCodes(diagnostic);
  const fixed = STATUS_CATEGORY[status] ?? null;
  const { category, rdnsRelated } =
    fixed !== null ? { category: fixed, rdnsRelated: false } : categorise(diagnostic, codes.enhancedCode);
  return {
    file,
    ip,
    helo: null,
    receiver: "microsoft",
    smtpCode: codes.smtpCode,
    enhancedCode: codes.enhancedCode,
    category,
    rdnsRelated,
    diagnostic: withoutControls(diagnostic).slice(0, 1500),
    recipient: record.recipient === null ? null : withoutControls(record.recipient),
    explanation: "",
  };
}

function failed(record: TraceRecord): boolean {
  const status = record.status?.toLowerCase() ?? "";
  return status in STATUS_CATEGORY || FAILED_EVENTS.has(record.event?.toLowerCase() ?? "");
}

/** Turns records into findings: a failed record's client, or its message's client from another record. */
function findingsOf(records: Iterable<TraceRecord>, file: string | null): BounceFinding[] {
  const clientByKey = new Map<string, string>();
  const failures: TraceRecord[] = [];
  let seen = 0;
  for (const record of records) {
    if (++seen > MAX_RECORDS) break;
    const ip = record.client === null ? null : publicAddress(record.client);
    if (ip !== null && record.key !== null && clientByKey.size < MAX_KEYS) clientByKey.set(record.key, ip);
    if (failed(record) && failures.length < MAX_FINDINGS * 50) failures.push({ ...record, client: ip });
  }
  const findings: BounceFinding[] = [];
  const distinct = new Set<string>();
  for (const record of failures) {
    const ip = record.client ?? (record.key === null ? undefined : clientByKey.get(record.key));
    if (ip === undefined || ip === null) continue;
    const finding = toFinding(file, record, ip);
    const id = [finding.ip, finding.smtpCode, finding.enhancedCode, finding.category].join("|");
    if (distinct.has(id)) continue;
    distinct.add(id);
    findings.push(finding);
    if (findings.length >= MAX_FINDINGS) break;
  }
  return findings;
}

/** CSV or TSV with a header row (`#TYPE` and `#Fields:` lines of PowerShell and Exchange allowed). */
function* tableRecords(text: string): Generator<TraceRecord> {
  let header: string[] | null = null;
  let separator = ",";
  let scanned = 0;
  for (const line of lineIterator(text)) {
    if (line.trim() === "") continue;
    if (header === null) {
      if (++scanned > 10) return;
      if (line.startsWith("#") && !/^#fields:/i.test(line)) continue;
      const headerLine = line.replace(/^#fields:\s*/i, "");
      separator = headerLine.includes("\t") ? "\t" : ",";
      header = splitRow(headerLine, separator).map(field);
      if (!header.some((name) => CLIENT_FIELDS.includes(name))) return;
      continue;
    }
    if (line.startsWith("#")) continue;
    const cells = splitRow(line, separator);
    const names = header;
    const value = (fields: string[]) => {
      for (const name of fields) {
        const cell = cells[names.indexOf(name)];
        if (names.includes(name) && cell !== undefined && cell !== "") return cell;
      }
      return null;
    };
    yield {
      client: value(CLIENT_FIELDS),
      status: value(STATUS_FIELDS),
      event: value(EVENT_FIELDS),
      reply: value(REPLY_FIELDS),
      recipient: value(RECIPIENT_FIELDS),
      key: value(KEY_FIELDS),
    };
  }
}

// PowerShell's Format-List: `Name : value` lines, one record per blank-line-separated block.
const LIST_LINE = /^\s{0,8}([A-Za-z][A-Za-z0-9_-]{0,40})\s{0,60}:\s?(.{0,2000})$/;

function* listRecords(text: string): Generator<TraceRecord> {
  let fields = new Map<string, string>();
  const emit = (): TraceRecord | null => {
    if (fields.size === 0) return null;
    const get = (names: string[]) => {
      for (const name of names) {
        const cell = fields.get(name);
        if (cell !== undefined && cell !== "") return cell;
      }
      return null;
    };
    const record = {
      client: get(CLIENT_FIELDS),
      status: get(STATUS_FIELDS),
      event: get(EVENT_FIELDS),
      reply: get(REPLY_FIELDS),
      recipient: get(RECIPIENT_FIELDS),
      key: get(KEY_FIELDS),
    };
    fields = new Map();
    return record;
  };
  for (const line of lineIterator(text)) {
    const match = LIST_LINE.exec(line);
    if (match === null) {
      if (line.trim() === "") {
        const record = emit();
        if (record !== null) yield record;
      }
      continue;
    }
    const name = field(match[1] ?? "");
    if (fields.has(name)) {
      // The same field again without a blank line between: a new record.
      const record = emit();
      if (record !== null) yield record;
    }
    fields.set(name, (match[2] ?? "").trim());
  }
  const last = emit();
  if (last !== null) yield last;
}

/** Findings from a pasted message trace or tracking log export; empty when the text is none. */
export function messageTraceFindings(text: string, file: string | null): BounceFinding[] {
  if (!TRACE_HINT.test(text.slice(0, 8192))) return [];
  const fromTable = findingsOf(tableRecords(text), file);
  if (fromTable.length > 0) return fromTable;
  return /^\s{0,8}(?:FromIP|ClientIp|client_ip)\s{0,60}:/im.test(text)
    ? findingsOf(listRecords(text), file)
    : [];
}

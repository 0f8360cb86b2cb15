// Sending services' bounce events and exports, pasted as text, become RFC 3464 recipient groups
// (Final-Recipient, Status, Remote-MTA, Diagnostic-Code) so the rest of the reader treats them
// like any DSN: the reply text is read as usual, and the receiver's MX address that some of them
// carry (Amazon SES `remoteMtaIp`, Mailgun `mx-host`) goes to Remote-MTA, which is never taken
// for the sender.
//
// JSON: Amazon SES (and SNS notifications wrapping it as a string), SendGrid, Mailgun, Postmark,
// SparkPost and Mandrill webhooks. CSV/TSV: suppression and bounce exports with a header row,
// Exchange message tracking logs (`#Fields:`), Microsoft 365 message trace exports.

const MAX_NODES = 20_000;
const MAX_DEPTH = 12;
const MAX_GROUPS = 100;

// Keys that hold the receiver's reply, most specific first (SES diagnosticCode, Mandrill diag,
// SparkPost raw_reason, Postmark Details, SendGrid reason, Mailgun delivery-status message).
const REPLY_KEYS = [
  "diagnosticcode",
  "diagnostic-code",
  "diagnostic_code",
  "diag",
  "raw_reason",
  "details",
  "reason",
  "response",
  "smtp-response",
  "message",
  "description",
  "error",
  "bounce_description",
  "detail",
  "recipient-status",
  "recipient_status",
  "status-detail",
];
const RECIPIENT_KEYS = [
  "emailaddress",
  "email",
  "recipient",
  "rcpt_to",
  "address",
  "recipient-address",
  "recipientaddress",
  "to",
];
const STATUS_KEYS = ["status", "enhanced-code", "enhanced_code"];
// The receiver's host as the service saw it: never the sender.
const REMOTE_KEYS = [
  "remotemtaip",
  "remote_mta_ip",
  "mx-host",
  "mx_host",
  "server-ip",
  "server_ip",
  "toip",
  "remote-ip",
  "remote_ip",
];
const REPLY_LIKE =
  /(?:^|[\s;:'"(])[45]\d\d(?:[ -]|$)|\b[45]\.\d{1,3}\.\d{1,3}\b|bounce|reject|refus|denied|block|unknown|invalid|full|not exist|does not|failed/i;

interface Group {
  recipient: string | null;
  status: string | null;
  remote: string | null;
  reply: string;
}

function groupText(groups: Group[]): string {
  return groups
    .slice(0, MAX_GROUPS)
    .map((group) =>
      [
        `Final-Recipient: rfc822; ${group.recipient ?? "unknown"}`,
        "Action: failed",
        ...(group.status !== null && /^[45]\.\d{1,3}\.\d{1,3}$/.test(group.status)
          ? [`Status: ${group.status}`]
          : []),
        ...(group.remote !== null ? [`Remote-MTA: dns; ${group.remote}`] : []),
        `Diagnostic-Code: smtp; ${group.reply.replace(/\s+/g, " ").slice(0, 1500)}`,
      ].join("\n"),
    )
    .join("\n\n");
}

function pick(entries: Map<string, string>, keys: string[], test?: RegExp): string | null {
  for (const key of keys) {
    const value = entries.get(key);
    if (value !== undefined && value.trim() !== "" && (test === undefined || test.test(value)))
      return value.trim();
  }
  return null;
}

/** Collects bounce records from parsed JSON: every object with a reply-like text. */
function collectJson(
  value: unknown,
  groups: Group[],
  inherited: { remote: string | null; recipient: string | null },
  budget: { nodes: number },
  depth: number,
): void {
  if (budget.nodes-- <= 0 || depth > MAX_DEPTH || groups.length >= MAX_GROUPS) return;
  if (typeof value === "string") {
    // SNS delivers the SES notification as a JSON string in "Message".
    const trimmed = value.trim();
    if (trimmed.startsWith("{") && trimmed.length < 1_000_000) {
      try {
        collectJson(JSON.parse(trimmed), groups, inherited, budget, depth + 1);
      } catch {
        // not JSON after all
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectJson(item, groups, inherited, budget, depth + 1);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const entries = new Map<string, string>();
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string" || typeof field === "number") entries.set(key.toLowerCase(), String(field));
  }
  const remote = pick(entries, REMOTE_KEYS) ?? inherited.remote;
  const recipient = pick(entries, RECIPIENT_KEYS, /@/) ?? inherited.recipient;
  const scope = { remote, recipient };
  const text = pick(entries, REPLY_KEYS, REPLY_LIKE);
  // Mailgun and SparkPost keep the reply code beside the text ("code": 550, "error_code").
  const code = pick(entries, ["code", "error_code", "smtp_code"], /^[45]\d\d$/);
  const reply =
    text !== null && code !== null && !/^\s*(?:smtp;\s*)?[45]\d\d\b/.test(text) ? `${code} ${text}` : text;
  const before = groups.length;
  // Children first: SES keeps the replies in bouncedRecipients, the remote MTA beside them.
  for (const [, field] of Object.entries(value)) {
    if (typeof field === "object" || typeof field === "string")
      collectJson(field, groups, scope, budget, depth + 1);
  }
  if (groups.length === before && reply !== null) {
    groups.push({
      recipient,
      status: pick(entries, STATUS_KEYS, /^[45]\.\d{1,3}\.\d{1,3}$/),
      remote,
      reply,
    });
  }
}

/**
 * Nesting past which a text is not read as JSON at all. Event exports and webhooks nest a few
 * levels (collectJson reads MAX_DEPTH of them), but V8's JSON.parse builds every level of a deep
 * one before it fails: 400 KB of "[" took 65-90 ms, over the reader's 50 ms bound
 * (test/unit/bounce/bounds.test.ts), where a depth scan takes about 1 ms.
 */
const MAX_PARSE_DEPTH = 64;

/** True when brackets outside JSON strings nest deeper than `limit` (a scan, no parsing). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character (an escaped quote does not end the string).
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

/** A pasted JSON event or array of events as DSN text; null when the text is not such JSON. */
export function jsonToDsn(text: string): string | null {
  const trimmed = text.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return null;
  if (nestsDeeperThan(trimmed, MAX_PARSE_DEPTH)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  const groups: Group[] = [];
  collectJson(parsed, groups, { remote: null, recipient: null }, { nodes: MAX_NODES }, 0);
  return groups.length === 0 ? "" : groupText(groups);
}

/** Splits one CSV/TSV row (RFC 4180 quoting); bounded by the line's length. */
export function splitRow(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === "") quoted = true;
    else if (char === separator) {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells.map((value) => value.trim());
}

const HEADER_WORDS =
  /email|recipient|address|reason|status|error|diagnostic|description|detail|event|response/i;

/**
 * A CSV or TSV export with a header row (suppression lists, Exchange tracking logs' `#Fields:`,
 * message trace exports) as DSN text: one group per row that carries a reply. Rows are kept
 * one by one, so an export of any length is read in one pass. Null when the text is no export.
 */
export function tableToDsn(lines: Iterable<string>): string | null {
  const iterator = lines[Symbol.iterator]();
  let headerLine: string | null = null;
  for (let i = 0; i < 10; i++) {
    const next = iterator.next();
    if (next.done === true) break;
    const line = next.value;
    if (line.trim() === "" || (line.startsWith("#") && !/^#fields:/i.test(line))) continue;
    headerLine = line.replace(/^#fields:\s*/i, "");
    break;
  }
  if (headerLine === null) return null;
  const separator = headerLine.includes("\t") ? "\t" : ",";
  const header = splitRow(headerLine, separator).map((name) => name.toLowerCase().replace(/[\s"]/g, ""));
  if (header.length < 2 || header.length > 80 || !header.some((name) => HEADER_WORDS.test(name))) return null;
  const column = (keys: string[]) => keys.map((key) => header.indexOf(key)).filter((index) => index >= 0);
  const replyColumns = column(REPLY_KEYS);
  if (replyColumns.length === 0) return null;
  const recipientColumns = column(RECIPIENT_KEYS);
  const statusColumns = column(STATUS_KEYS);
  const remoteColumns = column(REMOTE_KEYS);
  const groups: Group[] = [];
  for (let next = iterator.next(); next.done !== true; next = iterator.next()) {
    if (groups.length >= MAX_GROUPS) break;
    const line = next.value;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const cells = splitRow(line, separator);
    const value = (columns: number[], test?: RegExp) =>
      columns
        .map((index) => cells[index] ?? "")
        .find((cell) => cell !== "" && (test === undefined || test.test(cell))) ?? null;
    const reply = value(replyColumns, REPLY_LIKE);
    if (reply === null) continue;
    groups.push({
      recipient: value(recipientColumns, /@/),
      status: value(statusColumns, /^[45]\.\d{1,3}\.\d{1,3}$/),
      remote: value(remoteColumns),
      reply,
    });
  }
  return groupText(groups);
}

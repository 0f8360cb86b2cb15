// RFC 3464 delivery-status fields: one per-message group (Reporting-MTA ...) and one group per
// recipient (Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code), groups separated by
// blank lines, long values folded onto lines that start with white space (RFC 5322 2.2.3).
import { MAX_DIAGNOSTIC_CHARS } from "./limits.js";

export interface RecipientStatus {
  finalRecipient: string | null;
  action: string | null;
  status: string | null;
  remoteMta: string | null;
  diagnosticCode: string | null;
}

export interface DeliveryStatus {
  reportingMta: string | null;
  recipients: RecipientStatus[];
}

const FIELD =
  /^(final-recipient|original-recipient|action|status|remote-mta|reporting-mta|diagnostic-code|x-actual-recipient)[ \t]*:[ \t]*(.*)$/i;

type FieldName =
  | "final-recipient"
  | "original-recipient"
  | "action"
  | "status"
  | "remote-mta"
  | "reporting-mta"
  | "diagnostic-code"
  | "x-actual-recipient";

/** Drops the RFC 3464 type prefix: `rfc822; a@b`, `dns; mx.example`, `smtp; 550 ...`. */
function stripType(value: string): string {
  const semi = value.indexOf(";");
  if (semi > 0 && semi < 20 && /^[\w-]+$/.test(value.slice(0, semi).trim()))
    return value.slice(semi + 1).trim();
  return value.trim();
}

export function parseDeliveryStatus(lines: string[]): DeliveryStatus {
  let reportingMta: string | null = null;
  const recipients: RecipientStatus[] = [];
  let group: Partial<Record<FieldName, string>> = {};
  let current: FieldName | null = null;

  const closeGroup = () => {
    const recipient = group["final-recipient"] ?? group["original-recipient"] ?? group["x-actual-recipient"];
    if (recipient !== undefined || group["diagnostic-code"] !== undefined || group.status !== undefined) {
      recipients.push({
        finalRecipient: recipient === undefined ? null : stripType(recipient) || null,
        action: group.action?.trim().toLowerCase() || null,
        status: group.status?.trim() || null,
        remoteMta: group["remote-mta"] === undefined ? null : stripType(group["remote-mta"]) || null,
        diagnosticCode:
          group["diagnostic-code"] === undefined
            ? null
            : stripType(group["diagnostic-code"]).slice(0, MAX_DIAGNOSTIC_CHARS) || null,
      });
    }
    group = {};
    current = null;
  };

  for (const line of lines) {
    if (line.trim() === "") {
      closeGroup();
      continue;
    }
    const field = FIELD.exec(line);
    if (field !== null) {
      const name = (field[1] ?? "").toLowerCase() as FieldName;
      const value = field[2] ?? "";
      if (name === "reporting-mta") {
        reportingMta = stripType(value) || null;
        current = null;
        continue;
      }
      // A second Final-Recipient without a blank line between starts the next recipient's group.
      if ((name === "final-recipient" || name === "original-recipient") && group[name] !== undefined) {
        closeGroup();
      }
      group[name] = value;
      current = name;
      continue;
    }
    if (current !== null && /^[ \t]/.test(line)) {
      const previous = group[current] ?? "";
      if (previous.length < MAX_DIAGNOSTIC_CHARS) group[current] = `${previous} ${line.trim()}`;
      continue;
    }
    current = null;
  }
  closeGroup();
  return { reportingMta, recipients };
}

// A receiver's own log turned into findings: one per distinct refusal, with the client the log
// names as the refused address and the HELO it logged. The receiver is the partner's own MTA,
// none of the big three, so it is "other".

import type { TextBlock } from "./blocks.js";
import { categorise } from "./categorise.js";
import { readCodes } from "./codes.js";
import { MAX_FINDINGS } from "./limits.js";
import { lineIterator, withoutControls } from "./normalise.js";
import { isReceiverRefusal, ReceiverLogReader, type ReceiverRefusal } from "./receiver-logs.js";
import type { BounceFinding } from "./types.js";

function toFinding(file: string | null, refusal: ReceiverRefusal): BounceFinding {
  const codes = readCodes(refusal.diagnostic);
  const { category, rdnsRelated } = categorise(refusal.diagnostic, codes.enhancedCode);
  return {
    file,
    ip: refusal.ip,
    helo: refusal.helo === null ? null : withoutControls(refusal.helo),
    receiver: "other",
    smtpCode: codes.smtpCode,
    enhancedCode: codes.enhancedCode,
    category,
    rdnsRelated,
    diagnostic: withoutControls(refusal.diagnostic),
    recipient: refusal.recipient === null ? null : withoutControls(refusal.recipient),
    explanation: "",
  };
}

/**
 * The refusals a receiver-side log holds, one finding per distinct (ip, helo, reply); empty when
 * the text holds none. One pass over the lines; each line costs a substring test or two unless it
 * is a refusal.
 */
export function receiverLogFindings(text: string, file: string | null): BounceFinding[] {
  if (!text.includes("reject") && !text.includes(",>,")) return [];
  // Many more lines than findings: the same client refused for every recipient is one finding.
  const reader = new ReceiverLogReader(MAX_FINDINGS * 50);
  for (const line of lineIterator(text)) reader.read(line);
  const findings: BounceFinding[] = [];
  const seen = new Set<string>();
  for (const refusal of reader.refusals) {
    const finding = toFinding(file, refusal);
    const key = [finding.ip, finding.helo, finding.smtpCode, finding.enhancedCode, finding.category].join(
      "|",
    );
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
    if (findings.length >= MAX_FINDINGS) break;
  }
  return findings;
}

/** The reply blocks without those holding a receiver's refusal line (read as findings already). */
export function withoutRefusals(blocks: TextBlock[], any: boolean): TextBlock[] {
  return any ? blocks.filter((block) => !block.lines.some((line) => isReceiverRefusal(line))) : blocks;
}

// A pasted message in a support channel (InboundHandlers.onPaste): when it reads as a bounce, the
// reading goes in a thread on the message and each refused IP it names is checked; an attached
// DMARC aggregate report gets its busiest sources there (src/app/dmarc-paste.ts). A paste is not
// a request to the bot, so whatever is neither, or fails, is never answered in the channel.

import { MAX_INPUT_BYTES } from "../bounce/limits.js";
import type { BounceFinding } from "../bounce/types.js";
import type { PastedMessage, PasteResponder } from "../chat/types.js";
import { threadReply } from "../queue/deliveries.js";
import type { DeliveryJob } from "../queue/jobs.js";
import { enqueueDeliveries } from "../queue/queues.js";
import type { AppContext } from "./context.js";
import { type DmarcPasteMessage, dmarcReaderFor } from "./dmarc-paste.js";
import { newReference } from "./failure-reply.js";
import { requestCheck } from "./request-check.js";
import { parseHelo, parsePublicIp } from "./targets.js";

/** A pasted message rarely names more than a few refused IPs; more is a log, not a bounce. */
const MAX_CHECKS_PER_PASTE = 5;

const defaultDmarcReader = dmarcReaderFor(MAX_INPUT_BYTES);

/**
 * A pasted message that reads as a bounce gets its reading in a thread on the message, and a
 * check of each refused IP it names (with the HELO name when it gives one).
 */
export async function handlePaste(
  ctx: AppContext,
  message: PastedMessage,
  respond: PasteResponder,
): Promise<void> {
  try {
    const { findings, truncated, reports } = await readPaste(ctx, message);
    // Neither a bounce nor a report: stay quiet in a support channel.
    if (findings.length === 0 && reports.length === 0) return;
    const origin = await respond.openThread();
    const source = `paste-${message.platform}-${message.requestId}`;
    const replies: DeliveryJob[] = reports.map((report, index) =>
      threadReply(source, origin, report, `dmarc-${index}`),
    );
    if (findings.length > 0)
      replies.push(threadReply(source, origin, { kind: "bounce", findings, truncated }, "bounce"));
    await enqueueDeliveries(ctx.queues, replies);
    for (const { ip, helo, focusList } of checksFor(findings)) {
      const asked = focusList === null ? origin : { ...origin, focusList };
      await requestCheck(ctx, { ip, helo, origin: asked, reason: "paste" });
    }
  } catch (error) {
    // A paste is not a request to the bot: nothing is said in the channel, only logged.
    ctx.logger.error(
      { err: error, request: message.requestId, reference: newReference() },
      "reading a pasted message failed",
    );
  }
}

/** A pasted (or asked-about) message read: its bounce findings and its DMARC report files. */
export async function readPaste(
  ctx: AppContext,
  message: PastedMessage,
): Promise<{ findings: BounceFinding[]; truncated: boolean; reports: DmarcPasteMessage[] }> {
  const readings = [];
  const reports: DmarcPasteMessage[] = [];
  const readDmarc = ctx.readDmarc ?? defaultDmarcReader;
  if (message.text.trim() !== "") readings.push(await ctx.readBounce(message.text, { file: null }));
  for (const attachment of message.attachments) {
    // A file is a DMARC report by its bytes (gzip, zip or `<feedback>`); any other is read as mail.
    const report = readDmarc(attachment.name, attachment.content);
    if (report !== null) reports.push(report);
    else readings.push(await ctx.readBounce(attachment.content, { file: attachment.name }));
  }
  return {
    findings: readings.flatMap((reading) => reading.findings),
    truncated: readings.some((reading) => reading.truncated),
    reports,
  };
}

/**
 * The checks a bounce's findings ask for: each public IP with its HELO name (when it names a
 * valid one), once per pair, at most MAX_CHECKS_PER_PASTE.
 */
export function checksFor(
  findings: readonly BounceFinding[],
): { ip: string; helo: string | null; focusList: string | null }[] {
  const seen = new Map<string, { ip: string; helo: string | null; focusList: string | null }>();
  for (const finding of findings) {
    if (finding.ip === null || seen.size >= MAX_CHECKS_PER_PASTE) continue;
    const ip = parsePublicIp(finding.ip);
    if (!ip.ok) continue;
    const helo = finding.helo === null ? null : parseHelo(finding.helo);
    const heloName = helo?.ok === true ? helo.value : null;
    const key = `${ip.value} ${heloName ?? ""}`;
    // A blocklist bounce that names a list: the check's answer shows that list first.
    if (!seen.has(key)) seen.set(key, { ip: ip.value, helo: heloName, focusList: finding.blocklist ?? null });
  }
  return [...seen.values()];
}

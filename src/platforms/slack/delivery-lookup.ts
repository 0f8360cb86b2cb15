// Exactly-once posting on Slack. chat.postMessage has no idempotency key, so when a call's answer
// is lost (a client timeout, a dropped connection, a 5xx) after Slack accepted the message, a
// retried delivery would post it twice. Every message posted for a queued delivery therefore
// carries the delivery id in its message metadata (event_type `rdns_delivery`); a retry whose
// earlier attempt ended without a definite answer first looks for that message in the thread
// (conversations.replies) or the channel (conversations.history), with include_all_metadata.
//
// When to look (kept cheap): only for a delivery id whose previous attempt *in this process* ended
// without a definite answer, i.e. anything but an `ok: false` from Slack or a 429 (both mean
// "not posted"). First attempts and retries after a definite refusal cost no extra call. Not
// covered: a process that dies mid-post (the retry runs in a new process that has no record);
// that gap is the delivery worker's documented one (workers/delivery.ts).
import type { webApi } from "@slack/bolt";

type WebClient = InstanceType<typeof webApi.WebClient>;

export const DELIVERY_EVENT_TYPE = "rdns_delivery";

/** The metadata that names the delivery a message was posted for. */
export function deliveryMetadata(deliveryId: string) {
  return { event_type: DELIVERY_EVENT_TYPE, event_payload: { delivery_id: deliveryId } };
}

// Slack's clock and ours may differ; look this far back before the first unanswered attempt.
const CLOCK_MARGIN_SECONDS = 600;
// A thread or channel page; our threads hold a handful of messages, channels are read newest first.
const PAGE = 200;
const MAX_PAGES = 5;
// Unanswered attempts are remembered this long (longer than the delivery queue's retries last).
const REMEMBER_MS = 6 * 3600_000;
const REMEMBER_MAX = 10_000;

/** Delivery ids whose last attempt got no definite answer, with when the first such attempt began. */
export class UnansweredAttempts {
  private readonly started = new Map<string, number>();

  remember(deliveryId: string, startedAtMs: number): void {
    if (this.started.has(deliveryId)) return; // keep the earliest: the look-up starts there
    if (this.started.size >= REMEMBER_MAX) {
      const oldest = this.started.keys().next().value;
      if (oldest !== undefined) this.started.delete(oldest);
    }
    this.started.set(deliveryId, startedAtMs);
  }

  /** When the first unanswered attempt began, if there was one recently. */
  since(deliveryId: string, nowMs = Date.now()): number | undefined {
    const at = this.started.get(deliveryId);
    if (at !== undefined && nowMs - at > REMEMBER_MS) {
      this.started.delete(deliveryId);
      return undefined;
    }
    return at;
  }

  forget(deliveryId: string): void {
    this.started.delete(deliveryId);
  }
}

interface Found {
  messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }[];
  response_metadata?: { next_cursor?: string };
}

/**
 * The ts of a message carrying this delivery id, posted since `sinceMs` (less a clock margin), in
 * the thread `threadTs` or, without one, at the top of the channel; null when there is none.
 */
export async function findDeliveredMessage(
  client: WebClient,
  where: { channel: string; threadTs: string | undefined; deliveryId: string; sinceMs: number },
): Promise<string | null> {
  const oldest = (Math.floor(where.sinceMs / 1000) - CLOCK_MARGIN_SECONDS).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const common = {
      channel: where.channel,
      oldest,
      limit: PAGE,
      include_all_metadata: true,
      ...(cursor !== undefined ? { cursor } : {}),
    };
    const result: Found =
      where.threadTs === undefined
        ? await client.conversations.history(common)
        : await client.conversations.replies({ ...common, ts: where.threadTs });
    const hit = result.messages?.find(
      (m) =>
        m.metadata?.event_type === DELIVERY_EVENT_TYPE &&
        m.metadata.event_payload?.delivery_id === where.deliveryId,
    );
    if (hit?.ts !== undefined) return hit.ts;
    cursor = result.response_metadata?.next_cursor;
    if (cursor === undefined || cursor === "") return null;
  }
  return null;
}

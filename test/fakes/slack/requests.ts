// What Slack sends: slash-command forms and Events API callbacks, signed as Slack signs them
// (x-slack-signature: v0=HMAC-SHA256(signing secret, `v0:${timestamp}:${body}`)).
import { createHmac } from "node:crypto";
import { performance } from "node:perf_hooks";

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

let triggerCounter = 0;

export function slashCommandForm(fields: {
  text: string;
  channel?: string;
  user?: string;
  responseUrl: string;
  command?: string;
}): string {
  triggerCounter += 1;
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: fields.channel ?? "C0CMD",
    channel_name: "ops",
    user_id: fields.user ?? "U0ASKER",
    user_name: "asker",
    command: fields.command ?? "/rdns",
    text: fields.text,
    api_app_id: "A0RDNS",
    is_enterprise_install: "false",
    response_url: fields.responseUrl,
    trigger_id: `${Date.now()}.${triggerCounter}.abcdef`,
  }).toString();
}

export function slashCommandPayload(form: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(form));
}

export function eventCallback(event: Record<string, unknown>, eventId: string): Record<string, unknown> {
  return {
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    api_app_id: "A0RDNS",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T0FAKE", user_id: "UBOTSELF", is_bot: true, is_enterprise_install: false }],
  };
}

export interface PostOptions {
  secret: string;
  /** Default: now. */
  timestamp?: number;
  /** Replace the signature (bad-signature tests). */
  signature?: string;
  retryNum?: number;
  contentType: "application/x-www-form-urlencoded" | "application/json";
}

/** POSTs a signed request to the receiver; resolves with the status and the ms until the response. */
export async function postSigned(
  url: string,
  body: string,
  options: PostOptions,
): Promise<{ status: number; ms: number; text: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": options.contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": options.signature ?? sign(options.secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, text };
}

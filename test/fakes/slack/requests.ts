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

/**
 * A block_actions payload, as Slack sends one when a person presses a button on a message:
 * `message` is the message the button is on (with its blocks), `button` the pressed element.
 */
export function blockActionsPayload(fields: {
  channel: string;
  message: { ts: string; thread_ts?: string; text?: string; blocks?: unknown };
  button: { action_id: string; value?: string; block_id?: string };
  user?: { id: string; username?: string };
  responseUrl: string;
}): Record<string, unknown> {
  triggerCounter += 1;
  const user = fields.user ?? { id: "U0PRESSER", username: "presser" };
  return {
    type: "block_actions",
    user: {
      id: user.id,
      username: user.username ?? "presser",
      name: user.username ?? "presser",
      team_id: "T0FAKE",
    },
    api_app_id: "A0RDNS",
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: fields.message.ts,
      channel_id: fields.channel,
      is_ephemeral: false,
      ...(fields.message.thread_ts !== undefined ? { thread_ts: fields.message.thread_ts } : {}),
    },
    trigger_id: `${Date.now()}.${triggerCounter}.actions`,
    team: { id: "T0FAKE", domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: fields.channel, name: "ops" },
    message: { type: "message", user: "UBOTSELF", bot_id: "BBOTSELF", text: "", ...fields.message },
    state: { values: {} },
    response_url: fields.responseUrl,
    actions: [
      {
        type: "button",
        block_id: fields.button.block_id ?? "rdns_actions",
        action_id: fields.button.action_id,
        text: { type: "plain_text", text: "button", emoji: false },
        ...(fields.button.value !== undefined ? { value: fields.button.value } : {}),
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** The HTTP body of an interactivity request: the payload as JSON in one form field. */
export function interactivityForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A message shortcut (`message_action`) payload, as Slack sends one for "Check with rdns". */
export function messageShortcutPayload(fields: {
  channel: string;
  message: { ts: string; thread_ts?: string; text?: string; user?: string; files?: unknown[] };
  user?: string;
  responseUrl: string;
  callbackId?: string;
}): Record<string, unknown> {
  triggerCounter += 1;
  return {
    type: "message_action",
    token: "legacy-verification-token",
    action_ts: `${Date.now() / 1000}`,
    team: { id: "T0FAKE", domain: "fake" },
    user: { id: fields.user ?? "U0ASKER", name: "asker", username: "asker", team_id: "T0FAKE" },
    channel: { id: fields.channel, name: "somewhere" },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: fields.callbackId ?? "rdns_check_message",
    trigger_id: `${Date.now()}.${triggerCounter}.shortcut`,
    response_url: fields.responseUrl,
    message_ts: fields.message.ts,
    message: { type: "message", user: fields.message.user ?? "U0CUSTOMER", text: "", ...fields.message },
  };
}

// Start-up failures of the Slack adapter, as errors an operator can act on: each names the
// variable to look at (SLACK_BOT_TOKEN, SLACK_API_URL, SLACK_APP_TOKEN, SLACK_PORT).
import type { SlackMode } from "./receiver.js";

/** Why the receiver did not start, naming the variable to look at. */
export function startFailure(mode: SlackMode, error: unknown, port: number): string {
  const code =
    (error as { code?: string; data?: { error?: string } }).data?.error ?? (error as { code?: string }).code;
  if (mode === "socket") {
    return `Slack Socket Mode did not connect (${code ?? String(error)}): check SLACK_APP_TOKEN (an xapp- token with connections:write) and that Socket Mode is on in the app's settings`;
  }
  if (code === "EADDRINUSE" || code === "EACCES") {
    return `the Slack HTTP receiver cannot listen on SLACK_PORT ${port} (${code}): choose another SLACK_PORT`;
  }
  return `the Slack HTTP receiver did not start on SLACK_PORT ${port} (${String(error)}): check SLACK_PORT`;
}

/** Slack's answers to auth.test that mean the token itself is wrong. */
const BAD_TOKEN = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/** Why auth.test failed, naming the variable to fix: the token, or where Slack was asked. */
export function authFailure(error: unknown, apiUrl: string): string {
  const { code, data, original } = error as {
    code?: string;
    data?: { error?: string };
    original?: { message?: string };
  };
  if (data?.error !== undefined && BAD_TOKEN.has(data.error)) {
    return `Slack refused SLACK_BOT_TOKEN (${data.error}): copy the Bot User OAuth Token (xoxb-...) again from the app's OAuth & Permissions page`;
  }
  if (code === "slack_webapi_request_error" || code === "slack_webapi_http_error") {
    const cause = original?.message ?? (error as Error).message;
    return `could not reach Slack's Web API at ${apiUrl} (${cause}): check SLACK_API_URL (unset means https://slack.com/api/) and the network`;
  }
  return `Slack did not accept SLACK_BOT_TOKEN (${data?.error ?? (error as Error).message}): check the Bot User OAuth Token and SLACK_API_URL`;
}

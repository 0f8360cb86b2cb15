// The listener as `rdns serve` and `rdns bot` run it (SMTP_PORT set): recipients are the
// `/rdns mailtest` addresses in Redis, and each message becomes a notice and a check in the
// thread that asked (src/app/mailtest.ts), whichever process accepted it.
import { readFile } from "node:fs/promises";
import type { AppContext } from "../app/context.js";
import { decideTestRecipient, reportTestMail } from "../app/mailtest.js";
import type { Config } from "../config.js";
import type { MailToken } from "../store/mail-tokens.js";
import { LISTENER_DEFAULTS, type MailListener, startMailListener } from "./listener.js";

/** PEM files named by SMTP_TLS_CERT/SMTP_TLS_KEY, or null (smtp-server's built-in certificate). */
export async function listenerTls(config: Pick<Config, "SMTP_TLS_CERT" | "SMTP_TLS_KEY">) {
  if (config.SMTP_TLS_CERT === undefined || config.SMTP_TLS_KEY === undefined) return null;
  const [cert, key] = await Promise.all([readFile(config.SMTP_TLS_CERT), readFile(config.SMTP_TLS_KEY)]);
  return { cert, key };
}

export async function startBotMailListener(
  ctx: AppContext,
  config: Config,
  domain: string,
  overrides: Partial<Parameters<typeof startMailListener<MailToken>>[0]> = {},
): Promise<MailListener> {
  return startMailListener<MailToken>({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT ?? 25,
    name: domain,
    proxyFrom: config.SMTP_PROXY_FROM,
    tls: await listenerTls(config),
    maxPerIp: config.SMTP_MAX_CONNECTIONS_PER_IP,
    ...LISTENER_DEFAULTS,
    logger: ctx.logger,
    acceptedReply: "received; the report goes to the thread that asked for this address",
    acceptRecipient: (address) => decideTestRecipient(ctx, domain, address),
    onMessage: (mail) =>
      reportTestMail(
        ctx,
        { ip: mail.ip, helo: mail.helo, tls: mail.tls },
        mail.recipients.map((recipient) => recipient.value),
      ),
    ...overrides,
  });
}

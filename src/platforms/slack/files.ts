// .eml files and DMARC report files (src/platforms/report-files.ts) shared in a support channel: files.info for the private download URL, then a GET
// with the bot token (Slack: "files are private; send the token in an Authorization header"),
// only to Slack's file host, reading at most `maxBytes` so a huge upload cannot exhaust memory.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../log.js";
import { looksLikeReportFile } from "../report-files.js";

type WebClient = InstanceType<typeof webApi.WebClient>;

/** The file fields of a message event we look at (message.files[]). */
export interface SharedFile {
  id: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
}

export function looksLikeEml(file: SharedFile): boolean {
  const name = (file.name ?? "").toLowerCase();
  return (
    name.endsWith(".eml") ||
    file.mimetype === "message/rfc822" ||
    file.filetype === "email" ||
    file.filetype === "eml"
  );
}

/** A plain-text file: a bounce saved as .txt (read as mail, like an .eml). */
export function looksLikeText(file: SharedFile): boolean {
  return (
    (file.name ?? "").toLowerCase().endsWith(".txt") ||
    file.mimetype === "text/plain" ||
    file.filetype === "text"
  );
}

/** An .eml, a .txt or a possible DMARC report (Slack's filetypes `xml`, `gzip`, `zip`, or by name/type). */
export function worthReading(file: SharedFile): boolean {
  const type = file.filetype ?? "";
  return (
    looksLikeEml(file) ||
    looksLikeText(file) ||
    looksLikeReportFile(file.name ?? "", file.mimetype) ||
    type === "xml" ||
    type === "gzip" ||
    type === "zip"
  );
}

export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
}

/** Where Slack serves private files (url_private, url_private_download). */
const SLACK_FILE_HOST = "files.slack.com";

/**
 * The bot token is sent only to Slack's own file host (https://files.slack.com, or `files.` under
 * SLACK_API_URL's host: files.slack-gov.com for GovSlack) or to SLACK_API_URL's own host (tests
 * on loopback). A file event names its URL, and any https URL it names is not Slack's: the token
 * would be handed to whoever runs that host.
 */
export function mayCarryToken(url: URL, apiBase: URL): boolean {
  if (url.host === apiBase.host && url.protocol === apiBase.protocol) return true;
  if (url.protocol !== "https:" || url.port !== "") return false;
  return url.hostname === SLACK_FILE_HOST || url.hostname === `files.${apiBase.hostname}`;
}

async function readBounded(response: Response, maxBytes: number, name: string): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new FileTooLargeError(
      `${name} is ${declared} bytes; the limit is ${maxBytes} (SLACK_MAX_FILE_BYTES)`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (response.body === null) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw new FileTooLargeError(`${name} is over the ${maxBytes}-byte limit (SLACK_MAX_FILE_BYTES)`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export interface FileReaderOptions {
  client: WebClient;
  botToken: string;
  apiBase: URL;
  maxBytes: number;
  logger: Logger;
  fetchFn?: typeof fetch;
}

/** Downloads the .eml and report files among `files`; skips (and logs) the ones too large or unreadable. */
export async function downloadEmlFiles(
  files: SharedFile[],
  options: FileReaderOptions,
): Promise<{ name: string; content: Buffer }[]> {
  const fetchFn = options.fetchFn ?? fetch;
  const out: { name: string; content: Buffer }[] = [];
  for (const file of files.filter(worthReading)) {
    const name = file.name ?? (looksLikeEml(file) ? `${file.id}.eml` : file.id);
    try {
      if (file.size !== undefined && file.size > options.maxBytes) {
        throw new FileTooLargeError(
          `${name} is ${file.size} bytes; the limit is ${options.maxBytes} (SLACK_MAX_FILE_BYTES)`,
        );
      }
      const info = await options.client.files.info({ file: file.id });
      const raw = info.file?.url_private_download ?? info.file?.url_private;
      if (raw === undefined) throw new Error(`files.info gave no download URL for ${name}`);
      if ((info.file?.size ?? 0) > options.maxBytes) {
        throw new FileTooLargeError(
          `${name} is ${info.file?.size} bytes; the limit is ${options.maxBytes} (SLACK_MAX_FILE_BYTES)`,
        );
      }
      const url = new URL(raw);
      if (!mayCarryToken(url, options.apiBase))
        throw new Error(`refusing to send the bot token to ${url.origin}`);
      const response = await fetchFn(url, {
        headers: { authorization: `Bearer ${options.botToken}` },
        signal: AbortSignal.timeout(15_000),
      });
      if (!response.ok) throw new Error(`download of ${name} answered HTTP ${response.status}`);
      out.push({ name, content: await readBounded(response, options.maxBytes, name) });
    } catch (error) {
      options.logger.warn({ err: error, file: file.id }, `skipping shared file ${name}`);
    }
  }
  return out;
}

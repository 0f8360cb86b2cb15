// Discord's message and embed limits (Discord API docs, "Embed Limits" and "Create Message").
// Long text is split at line boundaries, never mid-line; only a single line longer than a whole
// field or message is wrapped, at a space where there is one.
import type {
  APIActionRowComponent,
  APIButtonComponentWithCustomId,
  APIEmbed,
  APIEmbedField,
} from "discord.js";

export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  embedsPerMessage: 10,
  /**
   * Bytes per attached file we send: under a guild's upload limit (10 MiB by default since 2024,
   * 8 MiB before), with room for the multipart form around it.
   */
  fileBytes: 7 * 1024 * 1024,
} as const;

/** One message as this platform sends it; outbound adds allowed_mentions and the nonce. */
export interface DiscordPayload {
  content?: string;
  embeds: APIEmbed[];
  /** Files sent with the message (multipart: payload_json plus files[n]). */
  files?: { name: string; data: Buffer }[];
  /** Buttons (action rows); on the last payload of a check result only. */
  components?: APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

/** A titled block of lines (already escaped) that may become one field or several. */
export interface Section {
  name: string;
  lines: string[];
  inline?: boolean;
}

/** Wraps one over-long line at spaces (or, with none, at the limit): the only place text is broken. */
export function wrapLine(line: string, limit: number): string[] {
  if (line.length <= limit) return [line];
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const space = rest.lastIndexOf(" ", limit);
    const cut = space > limit / 2 ? space : limit;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, "");
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** Groups lines into chunks of at most `limit` characters each (joined with "\n"), in order. */
export function chunkLines(lines: string[], limit: number): string[] {
  const chunks: string[] = [];
  let current: string | null = null;
  for (const line of lines.flatMap((l) => wrapLine(l, limit))) {
    const candidate: string = current === null ? line : `${current}\n${line}`;
    if (candidate.length <= limit) {
      current = candidate;
    } else {
      chunks.push(current as string);
      current = line;
    }
  }
  chunks.push(current ?? "");
  return chunks;
}

/** The lines that fit in `limit`, with a closing note naming how many were left out. */
export function fitLines(lines: string[], limit: number, note: (left: number) => string): string {
  const all = lines.join("\n");
  if (all.length <= limit) return all;
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const tail = note(lines.length - i - 1);
    const next = [...kept, lines[i] as string].join("\n");
    if (`${next}\n${tail}`.length > limit) break;
    kept.push(lines[i] as string);
  }
  const tail = note(lines.length - kept.length);
  return kept.length === 0 ? tail.slice(0, limit) : `${kept.join("\n")}\n${tail}`;
}

export function truncateName(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function embedLength(embed: APIEmbed): number {
  let total = (embed.title ?? "").length + (embed.description ?? "").length;
  total += (embed.footer?.text ?? "").length + (embed.author?.name ?? "").length;
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Sections -> fields of at most 1024 characters each, continued under "name (cont.)". */
export function sectionsToFields(sections: Section[]): APIEmbedField[] {
  return sections.flatMap((section) =>
    chunkLines(section.lines.length > 0 ? section.lines : ["-"], LIMITS.fieldValue).map((value, i) => ({
      name: truncateName(i === 0 ? section.name : `${section.name} (cont.)`, LIMITS.fieldName),
      value: value === "" ? "-" : value,
      inline: section.inline ?? false,
    })),
  );
}

/**
 * Packs a head embed (title, description, colour) and its fields into as many messages as needed:
 * at most 25 fields per embed, 10 embeds and 6,000 characters per message. Continuation embeds keep
 * the colour so a split report still reads as one.
 */
export function packEmbeds(head: APIEmbed, fields: APIEmbedField[]): DiscordPayload[] {
  const messages: DiscordPayload[] = [];
  let embeds: APIEmbed[] = [{ ...head, fields: [] }];
  let messageChars = embedLength(head);
  for (const field of fields) {
    const size = field.name.length + field.value.length;
    let embed = embeds[embeds.length - 1] as APIEmbed;
    if ((embed.fields?.length ?? 0) >= LIMITS.fields || messageChars + size > LIMITS.embedTotal) {
      if (embeds.length >= LIMITS.embedsPerMessage || messageChars + size > LIMITS.embedTotal) {
        messages.push({ embeds });
        embeds = [];
        messageChars = 0;
      }
      embed = { color: head.color, fields: [] } as APIEmbed;
      embeds.push(embed);
    }
    embed.fields?.push(field);
    messageChars += size;
  }
  messages.push({ embeds });
  return messages;
}

/** Plain text -> messages of at most 2,000 characters, split at line boundaries. */
export function splitContent(text: string): DiscordPayload[] {
  return chunkLines(text.split("\n"), LIMITS.content).map((content) => ({ content, embeds: [] }));
}

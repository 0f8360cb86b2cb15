// The one way a stored text becomes a typed value: JSON, then the record's zod schema (which
// also upgrades what older code wrote, src/store/<record>.ts). What a record does when its text
// fails is decided per record, beside its schema: some are treated as absent, some are an error.
import type { z } from "zod";

/** Thrown when a stored record that must not be skipped does not parse. */
export class CorruptRecordError extends Error {
  override name = "CorruptRecordError";
}

/** The record, or null when the text is not JSON or fails the schema. */
export function parseStored<Schema extends z.ZodType>(schema: Schema, text: string): z.output<Schema> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The record, or a CorruptRecordError naming `what` (a key and field a person can look at). */
export function parseStoredOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  text: string,
  what: string,
): z.output<Schema> {
  const parsed = parseStored(schema, text);
  if (parsed === null)
    throw new CorruptRecordError(`${what} holds a value this version cannot read: ${text.slice(0, 80)}`);
  return parsed;
}

// Where a request came from (a thread to answer in), as stored inside chain records, dedup
// windows' origin lists and watch records.
import { z } from "zod";
import type { Origin, PlatformName } from "../chat/types.js";

export const originSchema = z.object({
  // The platform's name is checked by the platform registry when a delivery is sent; the store
  // keeps whatever name the request came with.
  platform: z.string().transform((name) => name as PlatformName),
  channel: z.string(),
  thread: z.string(),
  parent: z.string().nullable(),
  focusList: z.string().max(253).optional(),
}) satisfies z.ZodType<Origin, unknown>;

export const originsSchema = z.array(originSchema);

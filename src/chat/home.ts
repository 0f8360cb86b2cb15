// A person's Home (Slack App Home, docs/chat-commands.md "App Home"): the watched addresses of
// the channels they are in, as data. src/app/home.ts builds it; the platform renders it.
import type { StatusRow } from "./types.js";

/** One address worth a look (failing first, then could not tell, then pending). */
export type HomeRow = Pick<
  StatusRow,
  "ip" | "watch" | "verdict" | "problems" | "checkedAt" | "everySeconds" | "mutedUntil"
> & {
  /** The channel id (without the platform). */
  channel: string;
  helo: string | null;
};

export interface HomeView {
  /** The channels shown (ids), and how many watching channels the person is in. */
  channels: string[];
  counts: Record<StatusRow["verdict"], number>;
  /** Every watched address shown (the sum of counts). */
  addresses: number;
  /** When the newest check of any shown address finished, ISO 8601; null before any. */
  lastRun: string | null;
  /** The rows that do not pass, failing first, at most `HOME_ROWS`; `unlisted` says how many more. */
  rows: HomeRow[];
  unlisted: number;
}

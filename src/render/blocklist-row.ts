// A row's blocklist state in one short phrase, shared by the servers page, /rdns status and the
// CSV: what is not clean is named (listed, refused, could not tell), clean lists are counted.
// Plain text: each renderer makes it inert its own way.
import type { BlocklistRow } from "../chat/types.js";

const WORD: Record<BlocklistRow["status"], string> = {
  listed: "LISTED",
  clean: "clean",
  refused: "refused (could not tell)",
  error: "could not tell",
};

export function blocklistRowText(entries: readonly BlocklistRow[]): string {
  if (entries.length === 0) return "";
  const notClean = entries.filter((entry) => entry.status !== "clean");
  if (notClean.length === 0) return `clean (${entries.length} lists)`;
  return notClean
    .map(
      (entry) =>
        `${entry.zone} ${WORD[entry.status]}${entry.status === "listed" && entry.codes.length > 0 ? ` ${entry.codes.join(",")}` : ""}`,
    )
    .join("; ");
}

/** For sorting a column: listed first, then could not tell, then clean, then not asked. */
export function blocklistRank(entries: readonly BlocklistRow[]): number {
  if (entries.some((entry) => entry.status === "listed")) return 0;
  if (entries.some((entry) => entry.status !== "clean")) return 1;
  return entries.length > 0 ? 2 : 3;
}

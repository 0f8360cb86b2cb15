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

/**
 * A listed/delisted notice's detail, plain text: each list that changed, with its meaning for a
 * listing ("zen.spamhaus.org (SBL: ...)"). Empty for other changes.
 */
export function listChangeDetail(
  change: string,
  lists: readonly string[] | undefined,
  report: { blocklists?: readonly { zone: string; meaning: string | null }[] },
): string {
  if ((change !== "listed" && change !== "delisted") || !lists || lists.length === 0) return "";
  const named = lists.map((zone) => {
    const meaning = report.blocklists?.find((entry) => entry.zone === zone)?.meaning;
    return change === "listed" && meaning ? `${zone} (${meaning})` : zone;
  });
  return change === "listed"
    ? `now listed on ${named.join(", ")}`
    : `no longer listed on ${named.join(", ")}`;
}

// Records as they are read, folded by source IP: a report repeats each IP in many records with
// the same few results, so a 100,000-record report becomes some thousands of entries. Each
// entry holds one combination of results and its message count (numbers added, no object per
// record), and the texts are shared: the result words through `interned`, the addresses through
// the map's keys.
import type { DmarcRecord } from "./types.js";

interface Combination {
  spf: string;
  dkim: string;
  disposition: string;
  headerFrom: string;
  count: number;
}

// RFC 7489 appendix C's result words (DMARCResultType, DispositionType): a value that is one of
// them is replaced by this copy, so the text the parser made for it is not kept.
const WORDS = new Map(
  [
    "pass",
    "fail",
    "none",
    "quarantine",
    "reject",
    "neutral",
    "softfail",
    "temperror",
    "permerror",
    "policy",
  ].map((word) => [word, word]),
);

/** The lower-cased, trimmed value ("none" when empty), as a shared string when it is a known word. */
export function resultWord(text: string): string {
  const known = WORDS.get(text);
  if (known !== undefined) return known;
  const value = text.trim().toLowerCase() || "none";
  return WORDS.get(value) ?? value;
}

export class RecordTally {
  private readonly byIp = new Map<string, Combination[]>();
  /** Records added, before folding (the 100,000-record bound counts these). */
  added = 0;

  add(ip: string, count: number, spf: string, dkim: string, disposition: string, headerFrom: string): void {
    this.added++;
    let combinations = this.byIp.get(ip);
    if (combinations === undefined) {
      combinations = [];
      this.byIp.set(ip, combinations);
    }
    for (const seen of combinations) {
      if (
        seen.spf === spf &&
        seen.dkim === dkim &&
        seen.disposition === disposition &&
        seen.headerFrom === headerFrom
      ) {
        seen.count += count;
        return;
      }
    }
    combinations.push({ spf, dkim, disposition, headerFrom, count });
  }

  /** One record per source IP and combination of results, its count the sum of the records'. */
  records(): DmarcRecord[] {
    const out: DmarcRecord[] = [];
    for (const [ip, combinations] of this.byIp)
      for (const c of combinations)
        out.push({
          ip,
          count: c.count,
          spf: c.spf,
          dkim: c.dkim,
          disposition: c.disposition,
          headerFrom: c.headerFrom,
        });
    return out;
  }
}

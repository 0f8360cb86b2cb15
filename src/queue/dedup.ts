// The threads a check answers: one per asker, each thread once. The de-duplication window that
// collects them lives in the store (src/store/dedup-window.ts).
import type { Origin } from "../chat/types.js";

/** Union by thread address, first occurrence wins, order kept. */
export function uniqueOrigins(origins: readonly Origin[]): Origin[] {
  const seen = new Set<string>();
  return origins.filter((origin) => {
    const key = `${origin.platform}\u0000${origin.thread}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

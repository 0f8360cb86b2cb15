// Durations people type: `every 30m`, `mute 203.0.113.0/28 2h`. A number and a unit (s, m/min,
// h, d, or their words), or a few of them together ("1h30m"). Written here rather than taken from
// a package: the grammar is one regular expression, and its bounds and wording are the command's.

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const PART = /\s*(\d{1,5})\s*([a-z]+)/gy;

/** A watch's own pace (`every`): from 5 minutes (a run's chunks must finish well within it) to a day. */
export const WATCH_EVERY_BOUNDS = { minMs: 5 * 60_000, maxMs: 24 * 3_600_000 };

/** A maintenance window (`/rdns mute`): a minute to a week. */
export const MUTE_BOUNDS = { minMs: 60_000, maxMs: 7 * 86_400_000 };

export type DurationParse = { ok: true; ms: number } | { ok: false; problem: string };

/** Reads "30m", "2h", "1h30m", "90 min" within [minMs, maxMs]; the problem says the bounds. */
export function parseDuration(text: string, bounds: { minMs: number; maxMs: number }): DurationParse {
  const compact = text.trim().toLowerCase();
  const range = `between ${durationWords(bounds.minMs)} and ${durationWords(bounds.maxMs)}`;
  let ms = 0;
  let at = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(compact); match !== null; match = PART.exec(compact)) {
    const unit = UNIT_MS[match[2] ?? ""];
    if (unit === undefined) break;
    ms += Number(match[1]) * unit;
    at = PART.lastIndex;
  }
  if (compact.length === 0 || at !== compact.length) {
    return { ok: false, problem: `"${text}" is not a duration: write it as 30m, 2h or 1h30m (${range})` };
  }
  if (ms < bounds.minMs || ms > bounds.maxMs) return { ok: false, problem: `the duration must be ${range}` };
  return { ok: true, ms };
}

/** "5 min", "24 h", "1 h 30 min", "7 days": the units people read. */
export function durationWords(ms: number): string {
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) {
    const days = ms / 86_400_000;
    return days === 1 ? "24 h" : `${days} days`;
  }
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return minutes < 1 ? `${Math.round(ms / 1000)} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

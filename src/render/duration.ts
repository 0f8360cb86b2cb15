// One way to say a span of seconds, shared by every renderer (plain text, Block Kit, embeds).

/** "4 s", "5 min", "2 h 3 min": cache time left or re-check time, as a person reads it. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  const hours = Math.floor(s / 3600);
  const minutes = Math.round((s % 3600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/**
 * The "cleared" notice's figures after the elapsed time, plain text: "; 12 s after the fix was
 * seen at the authority; 9 DNS questions" (each part only when known).
 */
export function clearedFigures(message: { sinceFixSeconds?: number; questions?: number }): string {
  const parts: string[] = [];
  if (message.sinceFixSeconds !== undefined)
    parts.push(`${formatDuration(message.sinceFixSeconds)} after the fix was seen at the authority`);
  if (message.questions !== undefined)
    parts.push(`${message.questions} DNS question${message.questions === 1 ? "" : "s"} in all`);
  return parts.map((part) => `; ${part}`).join("");
}

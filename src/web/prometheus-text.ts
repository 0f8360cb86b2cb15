// Joins Prometheus text-format exposition from several sources into one valid document. BullMQ's
// Queue.exportPrometheusMetrics() writes its own "# HELP" and "# TYPE" lines for each queue, and
// the format allows one HELP and one TYPE line per metric family, with all of the family's
// samples together (https://prometheus.io/docs/instrumenting/exposition_formats/).

interface Family {
  help: string | null;
  type: string | null;
  samples: string[];
}

/** The metric name a sample line belongs to ("bullmq_job_count{queue=...} 3" -> "bullmq_job_count"). */
function sampleName(line: string): string {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  return match?.[1] ?? line;
}

/** Histogram and summary samples carry a suffix on their family's name (name_bucket, name_sum, ...). */
const SUFFIXES = ["_bucket", "_sum", "_count", "_created", "_total"];

function familyOf(name: string, families: ReadonlyMap<string, Family>): string {
  if (families.has(name)) return name;
  const suffix = SUFFIXES.find((end) => name.endsWith(end) && families.has(name.slice(0, -end.length)));
  return suffix === undefined ? name : name.slice(0, -suffix.length);
}

export function mergePrometheusText(documents: readonly string[]): string {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (found === undefined) {
      found = { help: null, type: null, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const document of documents) {
    for (const raw of document.split("\n")) {
      const line = raw.trimEnd();
      if (line === "") continue;
      const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/.exec(line);
      if (meta !== null) {
        const entry = family(meta[2] as string);
        if (meta[1] === "HELP") entry.help ??= line;
        else entry.type ??= line;
        continue;
      }
      if (line.startsWith("#")) continue;
      family(familyOf(sampleName(line), families)).samples.push(line);
    }
  }
  const out: string[] = [];
  for (const entry of families.values()) {
    if (entry.help !== null) out.push(entry.help);
    if (entry.type !== null) out.push(entry.type);
    out.push(...entry.samples);
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

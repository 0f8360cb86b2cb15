// Measures the bounce reader against an external labelled set: real bounces from other
// open-source bounce parsers' test data, in the repository at test/corpus/external (its README
// names each source project, its commit and licence, and the labelling rules). Shared by
// `npm run bench:bounce -- --corpus DIR` and test/integration/bounce-external.test.ts.
//
// The set is a folder with `external-labels.json`: an array of
//   { "file": "<project>/<name>", "source": "<owner/repo>", "category": "<category>|none",
//     "ip": "<refused address>"|null }
// written by a person from reading each message (never from this reader's output). "none" means
// the message is no bounce (an auto-reply, a challenge-response notice). Rules: the FIRST finding
// decides (no finding = category "none", ip null). Category agreement is over every sample; refused
// IP agreement too: a label with an address needs that address, a label with null needs none.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readBounce } from "../src/bounce/index.js";

export const EXTERNAL_LABELS = "external-labels.json";

export interface ExternalLabel {
  file: string;
  source: string;
  category: string;
  ip: string | null;
}

export interface ExternalMiss {
  kind: "category" | "ip";
  file: string;
  expected: string;
  got: string;
  diagnostic: string;
}

export interface ExternalMetrics {
  samples: number;
  projects: number;
  category: { correct: number; total: number; accuracy: number };
  ip: { correct: number; total: number; accuracy: number };
  /** The same two agreements per source project, in the labels' order of first appearance. */
  byProject: ProjectMetrics[];
  misses: ExternalMiss[];
}

export interface ProjectMetrics {
  source: string;
  samples: number;
  categoryCorrect: number;
  ipCorrect: number;
}

/** The set in the repository (test/corpus/external). */
export const IN_REPO_EXTERNAL_CORPUS = join(import.meta.dirname, "..", "test", "corpus", "external");

/** BOUNCE_EXTERNAL_CORPUS when set (another set in the same format), else the set in the repository. */
export function externalCorpusDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BOUNCE_EXTERNAL_CORPUS ? resolve(env.BOUNCE_EXTERNAL_CORPUS) : IN_REPO_EXTERNAL_CORPUS;
}

export function isExternalCorpus(dir: string): boolean {
  return existsSync(join(dir, EXTERNAL_LABELS));
}

export function readExternalLabels(dir: string): ExternalLabel[] {
  return JSON.parse(readFileSync(join(dir, EXTERNAL_LABELS), "utf8")) as ExternalLabel[];
}

export async function measureExternal(dir: string): Promise<ExternalMetrics> {
  const labels = readExternalLabels(dir);
  const misses: ExternalMiss[] = [];
  let categoryCorrect = 0;
  let ipCorrect = 0;
  const byProject = new Map<string, ProjectMetrics>();
  for (const label of labels) {
    let project = byProject.get(label.source);
    if (project === undefined) {
      project = { source: label.source, samples: 0, categoryCorrect: 0, ipCorrect: 0 };
      byProject.set(label.source, project);
    }
    project.samples++;
    const reading = await readBounce(readFileSync(join(dir, label.file)), { file: label.file });
    const first = reading.findings[0];
    const category = first?.category ?? "none";
    const ip = first?.ip ?? null;
    const diagnostic = first?.diagnostic.slice(0, 300) ?? "(no finding)";
    if (category === label.category) {
      categoryCorrect++;
      project.categoryCorrect++;
    } else
      misses.push({
        kind: "category",
        file: label.file,
        expected: label.category,
        got: category,
        diagnostic,
      });
    if (ip === label.ip) {
      ipCorrect++;
      project.ipCorrect++;
    } else
      misses.push({ kind: "ip", file: label.file, expected: String(label.ip), got: String(ip), diagnostic });
  }
  const total = labels.length;
  return {
    samples: total,
    projects: new Set(labels.map((label) => label.source)).size,
    category: { correct: categoryCorrect, total, accuracy: total === 0 ? 0 : categoryCorrect / total },
    ip: { correct: ipCorrect, total, accuracy: total === 0 ? 0 : ipCorrect / total },
    byProject: [...byProject.values()],
    misses,
  };
}

// Issue 26 item 3: the bounce reader against real bounces from other open-source bounce parsers'
// test data, labelled by a person from the messages (scripts/bounce-external.ts has the format
// and the rules). The set is not in the repository: BOUNCE_EXTERNAL_CORPUS, or a corpus-external
// folder beside it. Without it the test is skipped and says so.
import { describe, expect, it } from "vitest";
import { externalCorpusDir, isExternalCorpus, measureExternal } from "../../scripts/bounce-external.js";

const dir = externalCorpusDir();
const present = isExternalCorpus(dir);
if (!present) {
  console.warn(
    `bounce-external: no external labelled set at ${dir} (external-labels.json): skipped; set BOUNCE_EXTERNAL_CORPUS to run it`,
  );
}

describe.skipIf(!present)("external labelled bounces", () => {
  it("category agreement >= 85 %, refused-IP agreement >= 95 %", { timeout: 120_000 }, async () => {
    const metrics = await measureExternal(dir);
    expect(metrics.samples).toBeGreaterThan(0);
    expect(metrics.category.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(metrics.ip.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it("holds at least 150 messages from at least 6 projects, each project measured", {
    timeout: 120_000,
  }, async () => {
    const metrics = await measureExternal(dir);
    expect(metrics.samples).toBeGreaterThanOrEqual(150);
    expect(metrics.projects).toBeGreaterThanOrEqual(6);
    expect(metrics.byProject).toHaveLength(metrics.projects);
    expect(metrics.byProject.reduce((sum, project) => sum + project.samples, 0)).toBe(metrics.samples);
    expect(metrics.byProject.reduce((sum, project) => sum + project.categoryCorrect, 0)).toBe(
      metrics.category.correct,
    );
  });
});

// Issue 26 item 3: the bounce reader against real bounces from other open-source bounce parsers'
// test data, labelled by a person from the messages. The set is in the repository,
// test/corpus/external (its README names the sources, their licences and the labelling rules;
// scripts/bounce-external.ts has the format); BOUNCE_EXTERNAL_CORPUS points at another set.
import { describe, expect, it } from "vitest";
import {
  externalCorpusDir,
  isExternalCorpus,
  measureExternal,
  readExternalLabels,
} from "../../scripts/bounce-external.js";

const dir = externalCorpusDir();

describe("external labelled bounces", () => {
  it("the labelled set is there (it is part of the repository)", () => {
    expect(isExternalCorpus(dir), `no external-labels.json in ${dir}`).toBe(true);
  });

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

  it("labels name real files, known categories, and addresses or null", () => {
    const categories = new Set([
      "rdns",
      "blocklist",
      "auth",
      "reputation",
      "ratelimit",
      "mailbox",
      "policy",
      "other",
      "none",
    ]);
    const labels = readExternalLabels(dir);
    expect(new Set(labels.map((label) => label.file)).size).toBe(labels.length);
    for (const label of labels) {
      expect(categories.has(label.category), `${label.file}: ${label.category}`).toBe(true);
      expect(label.ip === null || /^[0-9a-f:.]+$/i.test(label.ip), `${label.file}: ${label.ip}`).toBe(true);
      expect(label.source).toMatch(/^[\w.-]+\/[\w.-]+$/);
    }
  });
});

// The bounce reader against the Sisimai corpus (docs/sources.md "The bounce corpus", read in
// place). The floors are issue 3's and issue 12's; the measuring rules are in
// scripts/bounce-corpus.ts, shared with `npm run bench:bounce`. Without a corpus the tests skip
// and say why (CI has the corpus beside the repository, so there they run).
import { beforeAll, describe, expect, it } from "vitest";
import {
  CORPUS_HINT,
  type CorpusMetrics,
  corpusDir,
  corpusPresent,
  measureCorpus,
} from "../../scripts/bounce-corpus.js";

const dir = corpusDir();
const present = corpusPresent(dir);
if (!present) {
  process.stderr.write(`bounce-corpus: skipped, no corpus at ${dir}; ${CORPUS_HINT}\n`);
}

describe.skipIf(!present)("Sisimai corpus", () => {
  let metrics: CorpusMetrics;
  beforeAll(async () => {
    metrics = await measureCorpus(dir);
  }, 120_000);

  it("finds the refused address in every labelled sample", () => {
    expect(metrics.address.total).toBe(50);
    expect(metrics.address.correct).toBe(50);
  });

  it("recalls all 17 reverse-DNS rejections", () => {
    expect(metrics.rdns.truePositive + metrics.rdns.falseNegative).toBe(17);
    expect(metrics.rdns.truePositive).toBe(17);
  });

  it("calls no bounce a reverse-DNS rejection that is not one", () => {
    expect(metrics.rdns.falsePositive).toBe(0);
  });

  it("agrees with category-map.json on at least 92% of the samples", () => {
    expect(metrics.category.total).toBe(629);
    expect(metrics.category.accuracy).toBeGreaterThanOrEqual(0.92);
  });

  it("reports no address where the label has none in more than 1% of the samples", () => {
    expect(metrics.extraAddresses).toBeLessThanOrEqual(Math.ceil(metrics.samples * 0.01));
  });
});

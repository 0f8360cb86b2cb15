// The bounce reader against the Sisimai corpus (../shared/corpus/sisimai, read in place). The
// floors are issue 3's; the measuring rules are in scripts/bounce-corpus.ts, shared with
// `npm run bench:bounce`.
import { beforeAll, describe, expect, it } from "vitest";
import { type CorpusMetrics, corpusDir, corpusPresent, measureCorpus } from "../../scripts/bounce-corpus.js";

const dir = corpusDir();
const present = corpusPresent(dir);
if (!present) {
  process.stderr.write(
    `bounce-corpus: skipped, no corpus at ${dir} (set RDNS_CORPUS_DIR to the sisimai folder)\n`,
  );
}

describe.skipIf(!present)("Sisimai corpus", () => {
  let metrics: CorpusMetrics;
  beforeAll(async () => {
    metrics = await measureCorpus(dir);
  }, 120_000);

  it("finds the refused address in at least 95% of the labelled samples", () => {
    expect(metrics.address.total).toBe(50);
    expect(metrics.address.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it("recalls at least 16 of the 17 reverse-DNS rejections", () => {
    expect(metrics.rdns.truePositive + metrics.rdns.falseNegative).toBe(17);
    expect(metrics.rdns.truePositive).toBeGreaterThanOrEqual(16);
  });

  it("calls at least 95% of its reverse-DNS verdicts right", () => {
    expect(metrics.rdns.precision).toBeGreaterThanOrEqual(0.95);
  });

  it("reports no address where the label has none in more than 1% of the samples", () => {
    expect(metrics.extraAddresses).toBeLessThanOrEqual(Math.ceil(metrics.samples * 0.01));
  });
});

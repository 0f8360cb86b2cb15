// `npm run bench:bounce`: the bounce reader against the Sisimai corpus; prints the figures and
// every miss. The rules behind each figure are in scripts/bounce-corpus.ts.
import { corpusDir, corpusPresent, measureCorpus } from "./bounce-corpus.js";

const dir = corpusDir();
if (!corpusPresent(dir)) {
  process.stderr.write(`bench:bounce: no corpus at ${dir} (set RDNS_CORPUS_DIR to the sisimai folder)\n`);
  process.exit(1);
}
const kinds = process.argv.slice(2);
// A warm-up pass so the figures are not dominated by module loading and JIT.
await measureCorpus(dir);
const metrics = await measureCorpus(dir);
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const lines = [
  `corpus: ${dir} (${metrics.samples} samples, ${metrics.recognised} recognised as bounces)`,
  `refused-address accuracy: ${pct(metrics.address.accuracy)} (${metrics.address.correct}/${metrics.address.total}; first finding's ip vs labelled rejected_ip)`,
  `addresses reported where the label has none: ${metrics.extraAddresses}`,
  `rdnsRelated precision: ${pct(metrics.rdns.precision)} (${metrics.rdns.truePositive}/${metrics.rdns.truePositive + metrics.rdns.falsePositive})`,
  `rdnsRelated recall: ${pct(metrics.rdns.recall)} (${metrics.rdns.truePositive}/${metrics.rdns.truePositive + metrics.rdns.falseNegative})`,
  `category agreement with category-map.json: ${pct(metrics.category.accuracy)} (${metrics.category.correct}/${metrics.category.total})`,
  `receiver accuracy: ${pct(metrics.receiver.accuracy)} (${metrics.receiver.correct}/${metrics.receiver.total})`,
  `throughput: ${metrics.mbPerSecond.toFixed(2)} MB/s (${(metrics.bytes / 1024 / 1024).toFixed(2)} MB in ${metrics.seconds.toFixed(2)} s; slowest sample ${metrics.maxParseMs.toFixed(1)} ms)`,
  "",
  "misses:",
];
for (const miss of metrics.misses) {
  if (kinds.length > 0 && !kinds.includes(miss.kind)) continue;
  lines.push(`  [${miss.kind}] ${miss.file}: expected ${miss.expected}, got ${miss.got}`);
  lines.push(`      ${miss.diagnostic.slice(0, 300)}`);
}
process.stdout.write(`${lines.join("\n")}\n`);

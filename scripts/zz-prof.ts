import { readdirSync, readFileSync } from "node:fs";
import { readBounce } from "../src/bounce/index.js";

const dir = "/work/shared/corpus/sisimai/samples";
const files = readdirSync(dir).map((f) => readFileSync(`${dir}/${f}`));
for (let k = 0; k < 10; k++) {
  const t = performance.now();
  for (const f of files) await readBounce(f);
  console.log("readBounce", performance.now() - t);
}

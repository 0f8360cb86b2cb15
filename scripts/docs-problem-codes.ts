// Writes docs/cli.md's "Problem codes" table from src/check/problems.ts (`npm run docs:codes`).
import { readFileSync, writeFileSync } from "node:fs";
import { withProblemCodeTable } from "../src/check/problems-docs.js";

const path = new URL("../docs/cli.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withProblemCodeTable(before);
if (after !== before) writeFileSync(path, after);
console.log(
  after === before ? "docs/cli.md: problem codes already match" : "docs/cli.md: problem codes rewritten",
);

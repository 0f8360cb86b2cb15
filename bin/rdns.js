#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`),
// so `npx rdns` starts plain JavaScript without a TypeScript loader. `npm start` runs it too.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
const loadEnv = new URL("../dist/src/cli/load-env.js", import.meta.url);
if (!existsSync(fileURLToPath(entry)) || !existsSync(fileURLToPath(loadEnv))) {
  process.stderr.write(
    "rdns: not built yet (or built by an older version); run `npm ci` (or `npm run build`) in the rdns-bot folder first\n",
  );
  process.exit(70);
}
// `.env` in the current directory first (real environment variables win), then the CLI.
await import(loadEnv.href);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

// `npm run build`: files tsc does not copy, put next to the compiled code: the servers page's
// script and stylesheet (plain files, no front-end build: dist/src/web/assets/) and the store's
// Lua scripts (read at start by src/store/scripts.ts: dist/src/store/lua/).
import { cpSync } from "node:fs";

for (const folder of ["web/assets", "store/lua"]) {
  cpSync(new URL(`../src/${folder}`, import.meta.url), new URL(`../dist/src/${folder}`, import.meta.url), {
    recursive: true,
  });
}

// `npm run build`: the servers page's script and stylesheet are plain files (no front-end build);
// tsc does not copy them, so this puts them next to the compiled server (dist/src/web/assets/).
import { cpSync } from "node:fs";

cpSync(new URL("../src/web/assets", import.meta.url), new URL("../dist/src/web/assets", import.meta.url), {
  recursive: true,
});

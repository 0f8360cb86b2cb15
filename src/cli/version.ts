// `rdns --version` (`-V`): the version in the package's own package.json. The CLI runs from src/
// (tsx) and from dist/src/ (built, through bin/rdns.js), at different depths below the package's
// folder, so the file is looked for upwards from here.
import { readFileSync } from "node:fs";

const PACKAGE_NAME = "rdns-bot";

export function packageVersion(from: URL = new URL(".", import.meta.url)): string {
  let dir = from;
  for (;;) {
    const version = versionIn(new URL("package.json", dir));
    if (version !== null) return version;
    const parent = new URL("..", dir);
    if (parent.href === dir.href) throw new Error(`the package.json of ${PACKAGE_NAME} was not found`);
    dir = parent;
  }
}

/** The version when the file is this package's package.json; null when absent or another's. */
function versionIn(file: URL): string | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
  return parsed.name === PACKAGE_NAME && typeof parsed.version === "string" ? parsed.version : null;
}

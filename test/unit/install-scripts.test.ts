// npm 11.16+ warns on `npm ci` about every dependency whose install script package.json's
// `allowScripts` does not cover (npm 12 will skip such scripts). Every package the lockfile marks
// `hasInstallScript` must have an explicit decision there, so a new one is reviewed, not silent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

/** The package's name from its lockfile path (the last node_modules/ segment, scopes kept). */
const nameOf = (path: string) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);

describe("allowScripts in package.json", () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== "" && entry.hasInstallScript === true)
    .map(([path, entry]) => ({ name: nameOf(path), version: entry.version ?? "" }));

  it("decides for every locked package with an install script (by name, or pinned to its version)", () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const policy = pkg.allowScripts ?? {};
    const undecided = withScripts.filter(
      ({ name, version }) => typeof (policy[name] ?? policy[`${name}@${version}`]) !== "boolean",
    );
    expect(undecided).toEqual([]);
  });

  it("names only packages the lockfile holds (no stale entries)", () => {
    const locked = new Set(Object.keys(lock.packages).map(nameOf));
    const stale = Object.keys(pkg.allowScripts ?? {})
      .map((key) => key.replace(/(?<=.)@[^@]*$/, ""))
      .filter((name) => !locked.has(name));
    expect(stale).toEqual([]);
  });
});

// `rdns --version` and `-V` print package.json's version, from the built CLI (bin/rdns.js ->
// dist/), which sits deeper below the package's folder than src/ does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageVersion } from "../../src/cli/version.js";
import { buildUnlessBuilt, ROOT, runBuiltCli } from "../support/built-cli.js";

const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

describe("rdns --version", () => {
  beforeAll(() => buildUnlessBuilt(), 120_000);

  it.each([["--version"], ["-V"]])("%s prints package.json's version and exits 0", (flag) => {
    const { code, stdout, stderr } = runBuiltCli([flag], undefined, 20_000);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it("the usage names it", () => {
    expect(runBuiltCli(["--help"], undefined, 20_000).stdout).toMatch(/rdns --version/);
  });

  it("finds the file from src/ as well, and refuses a folder outside the package", () => {
    expect(packageVersion()).toBe(version);
    expect(() => packageVersion(new URL("file:///"))).toThrow(/package.json of rdns-bot was not found/);
  });
});

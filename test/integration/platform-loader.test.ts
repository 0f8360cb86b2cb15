// The platform loader says "not in this build" only when the platform's own module is absent; a
// module the platform needs that is missing (a dependency not installed) is named as such.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPlatformFactory } from "../../src/platforms/registry.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rdns-loader-"));
  await writeFile(
    join(dir, "needs-missing.mjs"),
    'import "rdns-no-such-package";\nexport function create() {}\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("platform loader", () => {
  it("names the missing dependency instead of calling the platform absent", async () => {
    const specifier = pathToFileURL(join(dir, "needs-missing.mjs")).href;
    const error = await loadPlatformFactory(specifier, "create").then(
      () => null,
      (err: unknown) => err as Error,
    );
    expect(error?.message).toContain("rdns-no-such-package");
    expect(error?.message).not.toContain("not in this build");
  });

  it("says 'not in this build' when the platform's own module is absent", async () => {
    const specifier = pathToFileURL(join(dir, "absent.mjs")).href;
    await expect(loadPlatformFactory(specifier, "create")).rejects.toThrow(
      /absent\.mjs is not in this build/,
    );
  });
});

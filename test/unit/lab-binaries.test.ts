// `npm run lab` says which servers are missing (and the apt-get line) instead of failing later.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingLabBinaries } from "../lab/lab.js";

describe("missingLabBinaries", () => {
  it("names each of knotd, knotc and unbound that no folder holds", () => {
    const dir = mkdtempSync(join(tmpdir(), "rdns-bin-"));
    try {
      expect(missingLabBinaries([dir])).toEqual(["knotd", "knotc", "unbound"]);
      writeFileSync(join(dir, "knotc"), "");
      expect(missingLabBinaries([dir])).toEqual(["knotd", "unbound"]);
      expect(missingLabBinaries([])).toEqual(["knotd", "knotc", "unbound"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

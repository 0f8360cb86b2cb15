// Issue 15 item 6: in a clone without the corpus, `npm run bench:bounce` says in one line how to
// get one and exits 0 with nothing measured.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");

it("bench:bounce without a corpus prints one line and exits 0", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "bench-bounce.ts")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, BOUNCE_CORPUS: join(root, "no-such-corpus") },
    timeout: 60_000,
  });
  expect(result.status).toBe(0);
  const lines = result.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^bench:bounce: no corpus at .*no-such-corpus, nothing measured; .*BOUNCE_CORPUS/);
}, 60_000);

// The project carries its own docs: README.md and docs/*.md link only to files in this
// repository that exist, and nothing points at the DESIGN.md that lives outside it.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const docs = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

describe("docs", () => {
  it("has the architecture, CLI, chat commands, configuration and operations pages", () => {
    for (const page of [
      "architecture.md",
      "cli.md",
      "chat-commands.md",
      "configuration.md",
      "operations.md",
    ]) {
      expect(existsSync(join(root, "docs", page)), page).toBe(true);
    }
  });

  it.each(docs)("%s links only to files inside the repository that exist", (file) => {
    const text = readFileSync(join(root, file), "utf8");
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    for (const target of targets.filter((t) => !/^(https?:|mailto:|#)/.test(t))) {
      const path = relative(root, join(root, dirname(file), target.replace(/#.*$/, "")));
      expect(path.startsWith(".."), `${file} -> ${target} leaves the repository`).toBe(false);
      expect(existsSync(join(root, path)), `${file} -> ${target}`).toBe(true);
    }
  });

  it("no tracked file points at DESIGN.md", () => {
    // git grep exits 1 when nothing matches.
    const found = spawnSync(
      "git",
      ["grep", "-l", "DESIGN\\.md", "--", ".", ":!test/unit/docs-links.test.ts"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(found.status, found.stderr).toBe(1);
    expect(found.stdout).toBe("");
  });
});

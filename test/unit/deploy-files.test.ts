// docker-compose.yml and .env.example must not drift from src/config.ts: every variable an
// operator can set reaches both the bot and the worker containers.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const exampleVariables = [...read(".env.example").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(
  (m) => m[1] as string,
);

describe("deployment files", () => {
  it("lists in .env.example every variable src/config.ts reads, and only those", () => {
    const configVariables = [...read("src/config.ts").matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map(
      (m) => m[1] as string,
    );
    expect(new Set(exampleVariables)).toEqual(new Set(configVariables));
  });

  it("passes every variable but REDIS_URL from .env into the containers", () => {
    const compose = read("docker-compose.yml");
    for (const name of exampleVariables.filter((name) => name !== "REDIS_URL")) {
      expect(compose, name).toContain(`${name}: \${${name}:-}`);
    }
  });

  const hasCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasCompose)(
    "is a valid compose file (docker-compose config -q), with no .env present",
    () => {
      const root = new URL("../..", import.meta.url);
      expect(() =>
        execFileSync("docker-compose", ["config", "-q"], { cwd: root, stdio: "pipe" }),
      ).not.toThrow();
      // docker-compose (Python) takes several seconds to start on a loaded 2-core machine.
    },
    60_000,
  );
});

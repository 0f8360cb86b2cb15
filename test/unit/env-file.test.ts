// `.env` is read by every entry point: the parser names a bad line, the file never overrides the
// real environment, and the entry points (bin/rdns.js, every tsx script) load it before anything.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { EnvFileError, loadEnvFile, parseEnvText } from "../../src/cli/env-file.js";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});
const tempDir = (envText?: string) => {
  dir = mkdtempSync(join(tmpdir(), "rdns-env-"));
  if (envText !== undefined) writeFileSync(join(dir, ".env"), envText);
  return dir;
};

describe("parseEnvText", () => {
  it("reads NAME=value, export, comments, quotes and multi-line quoted values", () => {
    const text =
      '# comment\n\nA=1\nexport B=two words\nC="x # not a comment"\nD="multi\nline"\nE=\nF=v # c\n';
    expect(parseEnvText(text)).toEqual({
      A: "1",
      B: "two words",
      C: "x # not a comment",
      D: "multi\nline",
      E: "",
      F: "v",
    });
  });

  it("names the first line that is not NAME=value (Node's parser would fold it into the next name)", () => {
    expect(() => parseEnvText("A=1\nSLACK_BOT_TOKEN xoxb-1\nB=2\n")).toThrowError(
      new EnvFileError('.env line 2: expected NAME=value, got "SLACK_BOT_TOKEN xoxb-1"'),
    );
    expect(() => parseEnvText("1A=x\n")).toThrow(/line 1: expected NAME=value/);
  });

  it("names a quote that is never closed", () => {
    expect(() => parseEnvText('A="open\nB=2\n')).toThrow(/line 1: the " quote opened here is never closed/);
  });
});

describe("loadEnvFile", () => {
  it("sets what the environment lacks and leaves what it has", () => {
    const env: NodeJS.ProcessEnv = { RESOLVERS: "127.0.0.1:5301", EMPTY: "" };
    const set = loadEnvFile(tempDir("RESOLVERS=10.0.0.1\nAUTHORITIES=127.0.0.1:5300\nEMPTY=x\n"), env);
    expect(set).toEqual(["AUTHORITIES"]);
    expect(env).toEqual({ RESOLVERS: "127.0.0.1:5301", AUTHORITIES: "127.0.0.1:5300", EMPTY: "" });
  });

  it("is fine with no .env", () => {
    const env: NodeJS.ProcessEnv = {};
    expect(loadEnvFile(tempDir(), env)).toEqual([]);
    expect(env).toEqual({});
  });

  it("says which file cannot be read", () => {
    const path = join(tempDir(), ".env");
    // A folder named .env: readable by nobody as a file.
    mkdirSync(path);
    expect(() => loadEnvFile(dir, {})).toThrow(/cannot read .*\.env/);
  });
});

describe("the tsx scripts load .env first", () => {
  it("every tsx script in package.json loads .env first, and tsx --import does", async () => {
    const scripts: Record<string, string> = JSON.parse(
      readFileSync(join(root, "package.json"), "utf8"),
    ).scripts;
    const tsxScripts = Object.entries(scripts).filter(([, line]) => line.startsWith("tsx "));
    expect(tsxScripts.length).toBeGreaterThan(0);
    for (const [name, line] of tsxScripts)
      expect(line, name).toMatch(/^tsx --import \.\/src\/cli\/load-env\.ts /);
    const cwd = tempDir("SEEN=from-file\nWINS=from-file\n");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the written script's own template literal
    writeFileSync(join(cwd, "print.ts"), "console.log(`${process.env.SEEN} ${process.env.WINS}`);\n");
    const { stdout } = await run(
      join(root, "node_modules/.bin/tsx"),
      ["--import", join(root, "src/cli/load-env.ts"), "print.ts"],
      {
        cwd,
        env: { ...process.env, WINS: "from-env" },
      },
    );
    expect(stdout.trim()).toBe("from-file from-env");
    // Starting tsx (esbuild) takes seconds on a busy machine.
  }, 30_000);
});

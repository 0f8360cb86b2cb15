// `.env` in the current directory, read once by every entry point (bin/rdns.js, the npm scripts)
// before loadConfig. Values come from Node's own parser (util.parseEnv, the one behind
// `node --env-file`); it skips what it cannot read without a word, and even folds a stray line
// into the next variable's name, so each line is first checked here to name a mistake instead.
// Real environment variables win over the file, as with `node --env-file` and dotenv.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

export class EnvFileError extends Error {
  override name = "EnvFileError";
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/**
 * Checks every line is blank, a `#` comment or `NAME=value` (optionally `export NAME=value`; a
 * quoted value may span lines), then parses. Throws EnvFileError naming the first bad line.
 */
export function parseEnvText(text: string, file = ".env"): Record<string, string> {
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const match = ASSIGNMENT.exec(line);
    if (match === null) {
      const shown = line.trim().slice(0, 40);
      throw new EnvFileError(
        `${file} line ${index + 1}: expected NAME=value, got "${shown}"${line.trim().length > 40 ? "..." : ""}`,
      );
    }
    const value = match[2] ?? "";
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && !value.slice(1).includes(quote)) {
      const start = index;
      do index++;
      while (index < lines.length && !(lines[index] ?? "").includes(quote));
      if (index >= lines.length) {
        throw new EnvFileError(`${file} line ${start + 1}: the ${quote} quote opened here is never closed`);
      }
    }
  }
  const parsed = parseEnv(text);
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * Reads `.env` from `dir` into `env`, leaving every variable `env` already has. No file is fine
 * (returns []); an unreadable or malformed one throws EnvFileError. Returns the names it set.
 */
export function loadEnvFile(dir: string, env: NodeJS.ProcessEnv): string[] {
  const path = join(dir, ".env");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    throw new EnvFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const values = parseEnvText(text, path);
  const set: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}

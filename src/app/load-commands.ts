// Loads every file in commands/ and checks each declaration, so a new command is one file and a
// mistake (no default export, a missing field, an example its own options refuse, two commands
// with one name) stops start-up with a message naming the file, instead of a command that
// silently never answers or a Discord registration that Discord refuses.
import { readdir } from "node:fs/promises";
import type { Command, CommandOption } from "./command.js";
import { WORDS } from "./command-syntax.js";

export class CommandLoadError extends Error {
  override name = "CommandLoadError";
}

/** Discord's rule for command and option names (lower case, 1-32 characters). */
const NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Discord refuses descriptions longer than this. */
const DESCRIPTION_MAX = 100;
const KINDS = new Set(["ip", "ip-or-host", "range", "host", "text", "duration"]);

/** What is wrong with one declaration, or null. */
function declarationProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return "no default export";
  const command = value as Partial<Record<keyof Command, unknown>>;
  if (typeof command.name !== "string" || !NAME.test(command.name))
    return "name must be a lower-case word (at most 32 characters)";
  if (typeof command.summary !== "string" || command.summary.length === 0) return "summary is missing";
  if (command.summary.length > DESCRIPTION_MAX) return `summary is longer than ${DESCRIPTION_MAX} characters`;
  if (typeof command.run !== "function") return "run() is missing";
  if (!Array.isArray(command.options)) return "options must be a list (empty when there are none)";
  const options = command.options as CommandOption[];
  let optionalSeen = false;
  for (const option of options) {
    if (typeof option?.name !== "string" || !NAME.test(option.name)) return "an option has no valid name";
    if (!KINDS.has(option.kind)) return `option ${option.name}: kind must be one of ${[...KINDS].join(", ")}`;
    if (typeof option.description !== "string" || option.description.length === 0)
      return `option ${option.name}: description is missing`;
    if (option.description.length > DESCRIPTION_MAX)
      return `option ${option.name}: description is longer than ${DESCRIPTION_MAX} characters`;
    if (option.required && optionalSeen) return `option ${option.name}: required options come first`;
    optionalSeen ||= !option.required;
  }
  if (new Set(options.map((option) => option.name)).size !== options.length)
    return "two options share a name";
  if (command.implicit === true && options.length === 0) return "an implicit command needs an option";
  if (!Array.isArray(command.examples) || command.examples.length === 0) return "examples: at least one";
  for (const example of command.examples as Record<string, string>[]) {
    // Each example must be one the command's own parser accepts, or help would show a broken form.
    const text = WORDS.example(command as Command, example);
    const parsed = WORDS.parse([command as Command], text);
    if (!parsed.ok || Object.keys(example).some((name) => parsed.options[name] !== example[name]))
      return `the example ${JSON.stringify(example)} is refused by its own options (${parsed.ok ? "unknown option" : parsed.problem})`;
  }
  return null;
}

/** Checks loaded modules; throws on a bad export or a duplicate name. Sorted by name, help last. */
export function validateCommands(modules: readonly { file: string; module: unknown }[]): Command[] {
  const byName = new Map<string, { file: string; command: Command }>();
  let implicit: string | null = null;
  for (const { file, module } of modules) {
    const command = (module as { default?: unknown } | null)?.default;
    const problem = declarationProblem(command);
    if (problem !== null) {
      throw new CommandLoadError(
        `${file}: the default export must be a command ({ name, summary, options, examples, run }) declared with \`satisfies Command\`: ${problem}`,
      );
    }
    const declared = command as Command;
    const taken = byName.get(declared.name);
    if (taken !== undefined) {
      throw new CommandLoadError(
        `${file}: the command name "${declared.name}" is already used by ${taken.file}`,
      );
    }
    if (declared.implicit === true) {
      if (implicit !== null)
        throw new CommandLoadError(`${file}: ${implicit} is already the implicit command`);
      implicit = file;
    }
    byName.set(declared.name, { file, command: declared });
  }
  return [...byName.values()]
    .map((entry) => entry.command)
    .sort((a, b) => (a.name === "help" ? 1 : b.name === "help" ? -1 : a.name.localeCompare(b.name)));
}

/** The commands/ folder next to src/ (source under vitest/tsx, dist/ when built). */
const COMMANDS_DIR = new URL("../../commands/", import.meta.url);

export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<Command[]> {
  const files = (await readdir(dir))
    .filter((file) => /\.(ts|js)$/.test(file) && !/\.d\.ts$/.test(file) && !/\.test\./.test(file))
    .sort();
  const modules = await Promise.all(
    files.map(async (file) => ({
      file: `commands/${file}`,
      module: (await import(new URL(file, dir).href)) as unknown,
    })),
  );
  return validateCommands(modules);
}

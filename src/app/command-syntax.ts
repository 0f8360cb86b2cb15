// How each platform writes a command, derived from the commands' declarations (command.ts): typed
// words after /rdns (Slack, the console) or Discord's named options (`/rdns check ip:… helo:…`).
// Each syntax formats usage and examples and parses its own text back, so help can only show
// forms the same platform accepts (the contract suite parses every example help shows).
import type { CommandRequest } from "../chat/types.js";
import type { Command, CommandExample, CommandOption, OptionKind } from "./command.js";

export const COMMAND_WORD = "/rdns";

/** A request resolved against the declarations: the command and its values, or what is wrong. */
export type ParsedCommand =
  | { ok: true; command: Command; options: Record<string, string>; args: string[] }
  | { ok: false; problem: string; command: Command | null };

export interface CommandSyntax {
  readonly kind: "words" | "options";
  /** `/rdns watch <range>` or `/rdns watch range:<range>`. */
  usage(command: Command): string;
  /** One example in this syntax. */
  example(command: Command, example: CommandExample): string;
  /** Reads a whole command line written in this syntax (what help shows) back. */
  parse(commands: readonly Command[], text: string): ParsedCommand;
}

/**
 * Words that look like an address attempt, so `/rdns 300.1.1.1` says "not an IP" and
 * `/rdns fe80::1%eth0` gets the address parser's word on zone ids, not "unknown command". The
 * SMTP address-literal form people paste from logs counts (RFC 5321 4.1.3: `[192.0.2.1]`,
 * `[IPv6:2001:db8::1]`).
 */
function looksLikeAddress(word: string): boolean {
  const bare = word.replace(/^\[(?:ipv6:)?/i, "").replace(/\]$/, "");
  return /[.:]/.test(bare) && /^[0-9A-Fa-f:./]+(%\S*)?$/.test(bare);
}

/** Whether a first word that names no command is meant as the implicit command's first option. */
function fitsImplicit(kind: OptionKind | undefined, word: string): boolean {
  if (looksLikeAddress(word)) return true;
  // A dotted word is a host name attempt (`/rdns mail.example.com`); whether it is a valid one
  // is the command's to say. Command names hold no dot, so none is shadowed.
  return kind === "ip-or-host" && word.includes(".");
}

function find(commands: readonly Command[], name: string | undefined): Command | undefined {
  const word = name?.toLowerCase();
  return commands.find((command) => command.name === word);
}

function unknownCommand(commands: readonly Command[], name: string): ParsedCommand {
  return {
    ok: false,
    problem: `unknown command "${name}"; the commands are ${commands.map((c) => c.name).join(", ")}`,
    command: null,
  };
}

/** Checks given values against the declaration: known names, required ones present, lengths. */
function checkValues(
  command: Command,
  values: Record<string, string>,
  placeholder: (option: CommandOption) => string,
): ParsedCommand {
  for (const name of Object.keys(values)) {
    if (!command.options.some((option) => option.name === name))
      return { ok: false, problem: `${COMMAND_WORD} ${command.name} has no option "${name}"`, command };
  }
  const args: string[] = [];
  for (const option of command.options) {
    const value = values[option.name];
    if (value === undefined) {
      if (option.required) {
        return {
          ok: false,
          problem: `missing ${placeholder(option)} (${lowerFirst(option.description)})`,
          command,
        };
      }
      continue;
    }
    const length = [...value].length;
    if (option.maxLength !== undefined && length > option.maxLength) {
      return {
        ok: false,
        problem: `"${value}" is too long for ${placeholder(option)} (at most ${option.maxLength} characters)`,
        command,
      };
    }
    if (option.minLength !== undefined && length < option.minLength) {
      return {
        ok: false,
        problem: `"${value}" is too short for ${placeholder(option)} (at least ${option.minLength} characters)`,
        command,
      };
    }
    args.push(value);
  }
  return { ok: true, command, options: values, args };
}

function lowerFirst(text: string): string {
  return text.length > 0 ? `${text[0]?.toLowerCase()}${text.slice(1)}` : text;
}

/** The words after `/rdns` (Slack's command text, a console line) against the declarations. */
export function parseWords(commands: readonly Command[], words: readonly string[]): ParsedCommand {
  const [first, ...rest] = words;
  let command = first === undefined ? find(commands, "help") : find(commands, first);
  let values = rest;
  if (command === undefined && first !== undefined) {
    const implicit = commands.find((c) => c.implicit === true);
    if (implicit === undefined || !fitsImplicit(implicit.options[0]?.kind, first))
      return unknownCommand(commands, first);
    command = implicit;
    values = [...words];
  }
  if (command === undefined) return unknownCommand(commands, first ?? "");
  const named: Record<string, string> = {};
  const positional = [...values];
  // A keyword option is its word and the word after it, wherever they stand after the command.
  for (const option of command.options) {
    if (option.keyword === undefined) continue;
    const at = positional.findIndex((word) => word.toLowerCase() === option.keyword);
    if (at < 0) continue;
    const value = positional[at + 1];
    if (value === undefined)
      return { ok: false, problem: `"${option.keyword}" needs ${lowerFirst(option.description)}`, command };
    named[option.name] = value;
    positional.splice(at, 2);
  }
  const byPosition = command.options.filter((option) => option.keyword === undefined);
  if (positional.length > byPosition.length) {
    return { ok: false, problem: `too many words: ${WORDS.usage(command)}`, command };
  }
  positional.forEach((value, index) => {
    const option = byPosition[index];
    if (option !== undefined) named[option.name] = value;
  });
  return checkValues(command, named, (option) => wordPlaceholder(option));
}

/** A command and its named option values (Discord's interaction) against the declarations. */
export function parseNamed(
  commands: readonly Command[],
  name: string,
  values: Readonly<Record<string, string>>,
): ParsedCommand {
  const command = find(commands, name);
  if (command === undefined) return unknownCommand(commands, name);
  return checkValues(command, { ...values }, (option) => `${option.name}:`);
}

function wordPlaceholder(option: CommandOption): string {
  if (option.keyword !== undefined) return `[${option.keyword} <${option.name}>]`;
  return option.required ? `<${option.name}>` : `[${option.name}]`;
}

/** The option's words in a typed example: its value, after its keyword for a keyword option. */
function exampleWords(option: CommandOption, value: string): string[] {
  return option.keyword === undefined ? [value] : [option.keyword, value];
}

/** Removes the leading `/rdns` (or a workspace's copy of it, `/rdns-staging`) from a typed line. */
function wordsOf(text: string): string[] {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  return words[0]?.startsWith("/") ? words.slice(1) : words;
}

export const WORDS: CommandSyntax = {
  kind: "words",
  usage(command) {
    const head = command.implicit === true ? COMMAND_WORD : `${COMMAND_WORD} ${command.name}`;
    return [head, ...command.options.map(wordPlaceholder)].join(" ");
  },
  example(command, example) {
    const values = command.options.flatMap((option) => {
      const value = example[option.name];
      return value === undefined ? [] : exampleWords(option, value);
    });
    const head =
      command.implicit === true && values.length > 0 ? COMMAND_WORD : `${COMMAND_WORD} ${command.name}`;
    return [head, ...values].join(" ");
  },
  parse(commands, text) {
    return parseWords(commands, wordsOf(text));
  },
};

export const OPTIONS: CommandSyntax = {
  kind: "options",
  usage(command) {
    const options = command.options.map((option) =>
      option.required ? `${option.name}:<${option.name}>` : `[${option.name}:<${option.name}>]`,
    );
    return [`${COMMAND_WORD} ${command.name}`, ...options].join(" ");
  },
  example(command, example) {
    const options = command.options.flatMap((option) => {
      const value = example[option.name];
      return value === undefined ? [] : [`${option.name}:${value}`];
    });
    return [`${COMMAND_WORD} ${command.name}`, ...options].join(" ");
  },
  parse(commands, text) {
    const [name, ...pairs] = wordsOf(text);
    const values: Record<string, string> = {};
    for (const pair of pairs) {
      const colon = pair.indexOf(":");
      if (colon <= 0) return { ok: false, problem: `"${pair}" is not an option (name:value)`, command: null };
      values[pair.slice(0, colon)] = pair.slice(colon + 1);
    }
    return parseNamed(commands, name ?? "help", values);
  },
};

/** The syntax of the platform that sent the request: named options when it sent them. */
export function syntaxOf(request: CommandRequest): CommandSyntax {
  return request.named === undefined ? WORDS : OPTIONS;
}

/** Resolves a request the way its platform wrote it. */
export function parseRequest(commands: readonly Command[], request: CommandRequest): ParsedCommand {
  return request.named === undefined
    ? parseWords(commands, request.args)
    : parseNamed(commands, request.named.command, request.named.options);
}

/** The example shown with a usage error: the command's own, or the implicit command's. */
export function exampleFor(
  commands: readonly Command[],
  command: Command | null,
  syntax: CommandSyntax,
): string {
  const shown = command ?? commands.find((c) => c.implicit === true) ?? find(commands, "help");
  const first = shown?.examples[0];
  return shown === undefined || first === undefined ? `${COMMAND_WORD} help` : syntax.example(shown, first);
}

/**
 * A typed example some command's run() wrote (`/rdns watches`) in the asker's syntax; unchanged
 * when it is not a command line the declarations know.
 */
export function translateExample(
  commands: readonly Command[],
  example: string,
  syntax: CommandSyntax,
): string {
  if (syntax === WORDS || OPTIONS.parse(commands, example).ok) return example;
  const parsed = WORDS.parse(commands, example);
  return parsed.ok ? syntax.example(parsed.command, parsed.options) : example;
}

// The layering rule of docs/architecture.md "Layers", checked on the code itself: imports point down only,
// folder by folder, so no folder-level cycle may exist under src/, commands/ and workers/, and a
// command reaches the engine only through the app services (src/app).
//
// The graph is read with the TypeScript compiler's own parser (static imports, `export ... from`,
// dynamic `import()` and `import("...")` types all count: a lazy import is still a dependency).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const TOP = ["src", "commands", "workers"];

/**
 * The layers, lowest first. A module may import its own layer's modules or lower ones; the
 * cycle check covers imports within one layer. src/'s own files are modules of their own.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["src/check", "src/bounce", "src/dmarc"],
  ["src/chat", "src/config", "src/log", "src/settings", "src/keys"],
  ["src/render", "src/store", "src/queue"],
  ["src/app"],
  ["commands", "workers", "src/platforms", "src/web", "src/mail"],
  ["src/runtime", "src/cli"],
];

interface ImportEdge {
  from: string;
  to: string;
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The module a repository path belongs to: `src/<folder>`, `src/<file>` or the top folder. */
function moduleOf(path: string): string {
  const parts = path.split(sep).join("/").split("/");
  if (parts[0] !== "src") return parts[0] ?? path;
  const second = parts[1] ?? "";
  return parts.length === 2 ? `src/${second.replace(/\.[jt]s$/, "")}` : `src/${second}`;
}

/** Every import of one file's text (packages included), with whether it is type-only. */
function allImportsOf(text: string, fileName = "file.ts"): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every relative import of one file's text, with whether it is type-only. */
function importsOf(text: string, fileName = "file.ts"): { specifier: string; typeOnly: boolean }[] {
  return allImportsOf(text, fileName).filter((item) => item.specifier.startsWith("."));
}

/**
 * A chat platform's SDK: only src/platforms/<name>/ may load one, so the renderers stay on one
 * side (src/render is platform-neutral) and `rdns worker` never loads Bolt or discord.js.
 */
function isPlatformSdk(specifier: string): boolean {
  return /^(discord\.js($|\/)|@discordjs\/|@slack\/)/.test(specifier);
}

/** Imports of a platform SDK (even type-only ones) from outside src/platforms. */
function sdkImportsOutsidePlatforms(): string[] {
  const found: string[] = [];
  for (const top of TOP) {
    for (const path of tsFiles(join(ROOT, top))) {
      const file = relative(ROOT, path);
      if (moduleOf(file) === "src/platforms") continue;
      for (const { specifier } of allImportsOf(readFileSync(path, "utf8"), file)) {
        if (isPlatformSdk(specifier)) found.push(`${file} imports "${specifier}"`);
      }
    }
  }
  return found;
}

function importGraph(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const top of TOP) {
    for (const path of tsFiles(join(ROOT, top))) {
      const file = relative(ROOT, path);
      for (const { specifier, typeOnly } of importsOf(readFileSync(path, "utf8"), file)) {
        const target = relative(ROOT, resolve(dirname(path), specifier));
        edges.push({ from: moduleOf(file), to: moduleOf(target), file, specifier, typeOnly });
      }
    }
  }
  return edges;
}

/** One cycle among the modules (as a path that returns to its start), or null. */
function findCycle(edges: readonly Pick<ImportEdge, "from" | "to">[]): string[] | null {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (from === to) continue;
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)?.add(to);
  }
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === "done") return null;
    state.set(node, "open");
    path.push(node);
    for (const to of next.get(node) ?? []) {
      const cycle = visit(to);
      if (cycle !== null) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

function layerOf(module: string): number {
  return LAYERS.findIndex((layer) => layer.includes(module));
}

const describeEdge = (edge: ImportEdge) => `${edge.file} imports "${edge.specifier}" (${edge.to})`;

describe("the folder-level import graph", () => {
  const edges = importGraph();

  it("reads the imports there are", () => {
    // A parser that found nothing would pass every rule below.
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((edge) => edge.from === "src/runtime" && edge.to === "workers")).toBe(true);
    expect(edges.some((edge) => edge.from === "commands" && edge.to === "src/app")).toBe(true);
  });

  it("has no cycle", () => {
    expect(findCycle(edges)).toBeNull();
  });

  it("knows the layer of every module", () => {
    const modules = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
    expect([...modules].filter((module) => layerOf(module) < 0)).toEqual([]);
  });

  it("points down only", () => {
    const upward = edges.filter((edge) => layerOf(edge.to) > layerOf(edge.from));
    expect(upward.map(describeEdge)).toEqual([]);
  });

  it("lets commands/ import only src/app (and the chat contract's types)", () => {
    const stray = edges.filter(
      (edge) =>
        edge.from === "commands" &&
        edge.to !== "commands" &&
        edge.to !== "src/app" &&
        !(edge.to === "src/chat" && edge.typeOnly),
    );
    expect(stray.map(describeEdge)).toEqual([]);
  });
});

describe("platform SDKs", () => {
  it("are imported only under src/platforms (src/render, src/app, src/check, src/bounce: none)", () => {
    expect(sdkImportsOutsidePlatforms()).toEqual([]);
  });

  it("are told from other packages", () => {
    expect(["discord.js", "@discordjs/rest", "@slack/bolt", "@slack/web-api"].map(isPlatformSdk)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["zod", "discord.json", "ioredis", "../render/slack.js"].map(isPlatformSdk)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(allImportsOf('import type { types } from "@slack/bolt";')).toEqual([
      { specifier: "@slack/bolt", typeOnly: true },
    ]);
  });
});

describe("the graph reader", () => {
  it("tells type-only imports from value imports, and sees dynamic and re-exported ones", () => {
    const text = [
      'import type { A } from "../chat/types.js";',
      'import { type B } from "../chat/types.js";',
      'import { type C, d } from "../app/x.js";',
      'export { e } from "./e.js";',
      'const f = await import("../runtime.js");',
      'let g: typeof import("../cli/main.js");',
      'import { z } from "zod";',
    ].join("\n");
    expect(importsOf(text)).toEqual([
      { specifier: "../chat/types.js", typeOnly: true },
      { specifier: "../chat/types.js", typeOnly: true },
      { specifier: "../app/x.js", typeOnly: false },
      { specifier: "./e.js", typeOnly: false },
      { specifier: "../runtime.js", typeOnly: false },
      { specifier: "../cli/main.js", typeOnly: true },
    ]);
  });

  it("names modules by folder, and src/'s own files by name", () => {
    expect(moduleOf("src/platforms/slack/index.ts")).toBe("src/platforms");
    expect(moduleOf("src/config.ts")).toBe("src/config");
    expect(moduleOf("src/config.js")).toBe("src/config");
    expect(moduleOf("workers/check.ts")).toBe("workers");
  });

  it("finds a cycle through several modules, and none in a chain", () => {
    const chain = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "a", to: "a" },
    ];
    expect(findCycle(chain)).toBeNull();
    expect(findCycle([...chain, { from: "c", to: "a" }])).toEqual(["a", "b", "c", "a"]);
  });
});

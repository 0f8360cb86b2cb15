// `npm run size`: the source files over 300 lines and the functions over 60 lines (by the
// TypeScript parser, so a function is what the compiler calls one: declarations, methods,
// arrows and function expressions, each counted from its first line to its last). The project
// keeps files mostly under 300 lines; this prints what is over, longest first.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOTS = ["src", "commands", "workers"];
const FILE_LIMIT = 300;
const FUNCTION_LIMIT = 60;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

interface LongFunction {
  where: string;
  name: string;
  lines: number;
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(source);
  // An arrow or function expression takes the name it is assigned to or the property it is.
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) {
    return parent.name.getText(source);
  }
  return "(anonymous)";
}

function longFunctions(path: string, text: string): LongFunction[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > FUNCTION_LIMIT) {
        found.push({ where: `${path}:${start + 1}`, name: functionName(node, source), lines });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = ROOTS.flatMap((root) => sourceFiles(root));
const longFiles: Array<{ path: string; lines: number }> = [];
const functions: LongFunction[] = [];
for (const path of files) {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > FILE_LIMIT) longFiles.push({ path: relative(".", path), lines });
  functions.push(...longFunctions(relative(".", path), text));
}
longFiles.sort((a, b) => b.lines - a.lines);
functions.sort((a, b) => b.lines - a.lines);

console.log(`${files.length} source files; ${longFiles.length} over ${FILE_LIMIT} lines`);
for (const file of longFiles) console.log(`  ${file.lines}  ${file.path}`);
const over100 = functions.filter((fn) => fn.lines > 100).length;
console.log(`${functions.length} functions over ${FUNCTION_LIMIT} lines (${over100} over 100)`);
for (const fn of functions) console.log(`  ${fn.lines}  ${fn.name}  ${fn.where}`);

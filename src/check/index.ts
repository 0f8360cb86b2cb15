// The check's public entry point: the CLI, the check worker and `rdns bounce --check` import
// from here. DNS is asked by pipeline.ts; the rules (analyse.ts) judge what it observed.
import { analyseObservations } from "./analyse.js";
import { type CheckDependencies, runCheckWith } from "./pipeline.js";
import type { CheckOptions, CheckReport } from "./types.js";

export { type ParsedIp, parseIp } from "./ip.js";
export { type CheckDependencies, observe, systemResolvers } from "./pipeline.js";
export { parseServer } from "./server.js";
export * from "./types.js";

/**
 * Checks one address's reverse DNS as receivers see it. Throws InvalidInputError for input that
 * is not a checkable address or server; DNS failures are never thrown, they are in the report.
 */
export function runCheck(options: CheckOptions, dependencies: CheckDependencies = {}): Promise<CheckReport> {
  return runCheckWith(options, analyseObservations, dependencies);
}

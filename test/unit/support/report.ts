// A whole CheckReport from hand-built Observations, joined the way the pipeline joins them.
import { analyseObservations } from "../../../src/check/analyse.js";
import { assembleReport } from "../../../src/check/pipeline.js";
import type { CheckReport, Observations } from "../../../src/check/types.js";

export function reportFrom(obs: Observations, durationMs = 12): CheckReport {
  return assembleReport(obs, analyseObservations(obs), obs.now, durationMs);
}

// A whole CheckReport from hand-built Observations, joined the way the pipeline joins them.
import { analyseObservations } from "../../../src/check/analyse.js";
import type { CheckReport, Observations } from "../../../src/check/types.js";

export function reportFrom(obs: Observations, durationMs = 12): CheckReport {
  const analysis = analyseObservations(obs);
  return {
    ip: obs.ip,
    family: obs.family,
    reverseName: obs.reverseName,
    forward: obs.forward,
    resolvers: obs.resolvers,
    authority: obs.authority,
    checkedAt: obs.now.toISOString(),
    durationMs,
    ...analysis,
  };
}

// vitest globalSetup of the integration project: one DNS lab for the whole run; tests get its
// addresses with `inject("lab")` and edit zones with connectLab(inject("lab")).
import type { TestProject } from "vitest/node";
import { type LabInfo, startLab } from "./lab.js";

declare module "vitest" {
  export interface ProvidedContext {
    lab: LabInfo;
  }
}

export default async function setup(project: TestProject) {
  const lab = await startLab();
  const { setPtr: _s, removePtr: _r, setRecord: _sr, removeRecord: _rr, stop, ...info } = lab;
  project.provide("lab", info);
  return async () => {
    await stop();
  };
}

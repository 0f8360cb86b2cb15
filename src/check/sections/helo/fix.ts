// The HELO section's fix step: which name the server should announce, or, when it already
// announces the name that would pass, that name's A/AAAA (issue: advising the HELO already given
// fixes nothing).
import { normaliseName } from "../../name-parts.js";
import type { HeloReport } from "../../types.js";
import type { SectionFixInput } from "../section.js";
import { HELO_CODES } from "./problems.js";

const WHERE = "Postfix smtp_helo_name, Exim helo_data";

export function heloFixSteps(helo: HeloReport | null, input: SectionFixInput): string[] {
  const { codes, name, ptrNames } = input;
  const { ip, family } = input.ctx;
  const type = family === 4 ? "A" : "AAAA";
  if (!HELO_CODES.some((code) => codes.has(code))) {
    if (helo === null && input.stepsSoFar > 0) {
      return [
        `Make sure the server announces HELO/EHLO ${name} as well (this check ran without a HELO name).`,
      ];
    }
    return [];
  }
  if (helo === null || normaliseName(helo.name) !== name) {
    return [`Make the server announce HELO/EHLO ${name} (${WHERE}).`];
  }
  // The server already announces the advised name: what is wrong is that name's address, or
  // (the HELO resolving to the IP) that the PTR carries another name.
  if (helo.resolvesToIp === true) {
    const other = ptrNames.find((ptrName) => ptrName !== name);
    return [
      `The server already announces HELO/EHLO ${name}, which resolves to ${ip}: have the PTR of ${ip} set to ${name} as well${other ? `, or announce the PTR name ${other} instead` : ""}.`,
    ];
  }
  if (input.addressStepGiven) {
    return [
      `Keep HELO/EHLO ${name}, which the server already announces: the ${type} record above makes it resolve to ${ip}.`,
    ];
  }
  return [
    `Point ${name}'s ${type} record at ${ip}: the server already announces it in HELO/EHLO, so nothing changes on the server.`,
  ];
}

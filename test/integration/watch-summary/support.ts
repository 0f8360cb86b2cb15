// Shared by the watch-summary platform tests: a /29 of the lab's edit zone set up to pass (a PTR
// and its A back for every address), six of its addresses broken, and the CSV's addresses read.
import { parse } from "csv-parse/sync";
import { expect, inject } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import type { EngineSettings } from "../../../src/settings.js";
import { connectLab } from "../../lab/lab.js";

const control = connectLab(inject("lab"));
const nameOf = (ip: string) => `wsp${ip.split(".")[3]}.example.test`;
export const addressesOf = (first: number) => Array.from({ length: 8 }, (_, i) => `192.0.2.${first + i}`);

/** Waits until a check of every address says `verdict` (the resolver's cache has let go). */
async function settle(ips: readonly string[], verdict: "pass" | "fail", check: EngineSettings["check"]) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reports = await Promise.all(ips.map((ip) => runCheck({ ip, helo: null, ...check })));
    if (reports.every((report) => report.verdict === verdict)) return;
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function prepare(ips: readonly string[], check: EngineSettings["check"]) {
  for (const ip of ips) {
    await control.setRecord(nameOf(ip), "A", ip, { replace: true });
    await control.setPtr(ip, nameOf(ip));
  }
  await settle(ips, "pass", check);
}

/** Removes the PTR of six of the eight; returns them. */
export async function breakSix(ips: readonly string[], check: EngineSettings["check"]): Promise<string[]> {
  const broken = ips.slice(1, 7);
  for (const ip of broken) await control.removePtr(ip);
  await settle(broken, "fail", check);
  return broken;
}

export async function forget(ips: readonly string[]) {
  for (const ip of ips) {
    await control.removePtr(ip);
    await control.removeRecord(nameOf(ip));
  }
}

export const csvIps = (content: string) =>
  (parse(content, { columns: true }) as Record<string, string>[]).map((row) => row.ip);

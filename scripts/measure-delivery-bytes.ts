// Bytes per delivery job (JSON.stringify of the job data, as BullMQ stores it in Redis): the job
// with its message's whole report (as queued before the views) against the job as
// src/queue/deliveries.ts makes it now (src/render/views.ts), for lab reports of each kind of
// address. `npx tsx scripts/measure-delivery-bytes.ts` (starts and stops the DNS lab).
import type { Origin, OutboundMessage, PlatformName } from "../src/chat/types.js";
import { runCheck } from "../src/check/index.js";
import type { CheckReport } from "../src/check/types.js";
import { parentUpdate, threadReply } from "../src/queue/deliveries.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import { startLab } from "../test/lab/lab.js";
import { CASES, HELOS } from "../test/lab/zones.js";

const ADDRESSES = [
  CASES.pass,
  CASES.nxdomain,
  CASES.brokenPair,
  CASES.multiplePtr,
  CASES.generic,
  CASES.ipv6Pass,
];

const ORIGINS: Record<Exclude<PlatformName, "console">, Origin> = {
  slack: {
    platform: "slack",
    channel: "C0123456789",
    thread: "slack:C0123456789:1700000000.000100",
    parent: "slack:C0123456789:1700000000.000100",
  },
  discord: {
    platform: "discord",
    channel: "123456789012345678",
    thread: "discord:123456789012345679:123456789012345680",
    parent: "discord:123456789012345678:123456789012345681",
  },
};

const bytes = (job: unknown) => Buffer.byteLength(JSON.stringify(job));

/** The job as made now, and the same job carrying the message with the whole report. */
function pair(job: DeliveryJob, whole: OutboundMessage): [number, number] {
  return [bytes({ ...job, message: whole }), bytes(job)];
}

function jobs(report: CheckReport, origin: Origin): Record<string, [number, number]> {
  const source = "check:0123456789abcdef";
  const verdict: OutboundMessage = { kind: "verdict", report, chainId: null };
  const full: OutboundMessage = { kind: "report", report, chainId: null };
  const watch: OutboundMessage = {
    kind: "watch-change",
    target: "203.0.113.0/24",
    change: "broke",
    report,
    previousNames: ["mail.example.test"],
  };
  const cleared: OutboundMessage = {
    kind: "cleared",
    report,
    elapsedSeconds: 312,
    rechecks: 3,
    questions: 14,
  };
  const [parent] = parentUpdate(source, origin, report);
  if (parent === undefined) throw new Error("no parent update");
  return {
    verdict: pair(parent, verdict),
    report: pair(threadReply(source, origin, full, "report"), full),
    "watch-change": pair(threadReply(source, origin, watch, "watch"), watch),
    cleared: pair(threadReply(source, origin, cleared, "cleared"), cleared),
  };
}

const lab = await startLab();
try {
  const reports: CheckReport[] = [];
  for (const ip of ADDRESSES) {
    reports.push(
      await runCheck({
        ip,
        helo: HELOS.equal,
        resolvers: [lab.resolver],
        authorities: [lab.authority],
        timeoutMs: 2000,
      }),
    );
  }
  for (const [platform, origin] of Object.entries(ORIGINS)) {
    const rows = reports.map((report) => ({ ip: report.ip, jobs: jobs(report, origin) }));
    console.log(`\n${platform}: bytes per job, before -> after`);
    for (const kind of ["verdict", "report", "watch-change", "cleared"]) {
      const cells: [number, number][] = rows.map((row) => row.jobs[kind] ?? [0, 0]);
      const mean = (side: 0 | 1) =>
        Math.round(
          cells.reduce((sum, [before, after]) => sum + (side === 0 ? before : after), 0) / cells.length,
        );
      const each = rows.map((row, i) => `${row.ip} ${cells[i]?.[0]}->${cells[i]?.[1]}`).join(", ");
      console.log(`  ${kind.padEnd(13)} mean ${mean(0)} -> ${mean(1)}  (${each})`);
    }
  }
} finally {
  await lab.stop();
}

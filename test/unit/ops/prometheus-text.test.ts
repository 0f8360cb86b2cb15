import { describe, expect, it } from "vitest";
import { mergePrometheusText } from "../../../src/web/prometheus-text.js";

// What BullMQ 6's Queue.exportPrometheusMetrics() writes for one queue.
const queueText = (queue: string, waiting: number) =>
  [
    "# HELP bullmq_job_count Number of jobs in the queue by state",
    "# TYPE bullmq_job_count gauge",
    `bullmq_job_count{queue="${queue}", state="waiting"} ${waiting}`,
    `bullmq_job_count{queue="${queue}", state="active"} 0`,
    "# HELP bullmq_job_completed_total Total number of completed jobs",
    "# TYPE bullmq_job_completed_total counter",
    `bullmq_job_completed_total{queue="${queue}"} 7`,
  ].join("\n");

describe("mergePrometheusText", () => {
  it("keeps one HELP and one TYPE per family, with every queue's samples together", () => {
    const merged = mergePrometheusText([queueText("check", 3), queueText("delivery-slack", 1)]);
    const lines = merged.trimEnd().split("\n");
    expect(lines.filter((line) => line === "# TYPE bullmq_job_count gauge")).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("# HELP bullmq_job_completed_total"))).toHaveLength(1);
    const type = lines.indexOf("# TYPE bullmq_job_count gauge");
    expect(lines.slice(type + 1, type + 5)).toEqual([
      'bullmq_job_count{queue="check", state="waiting"} 3',
      'bullmq_job_count{queue="check", state="active"} 0',
      'bullmq_job_count{queue="delivery-slack", state="waiting"} 1',
      'bullmq_job_count{queue="delivery-slack", state="active"} 0',
    ]);
    // A family's samples never follow another family's TYPE line.
    const completedType = lines.indexOf("# TYPE bullmq_job_completed_total counter");
    expect(lines.slice(completedType + 1)).toEqual([
      'bullmq_job_completed_total{queue="check"} 7',
      'bullmq_job_completed_total{queue="delivery-slack"} 7',
    ]);
  });

  it("keeps histogram samples (_bucket, _sum, _count) with their family", () => {
    const histogram = [
      "# HELP x_seconds a histogram",
      "# TYPE x_seconds histogram",
      'x_seconds_bucket{le="1"} 2',
      "x_seconds_sum 0.5",
      "x_seconds_count 2",
    ].join("\n");
    const merged = mergePrometheusText([histogram, "# TYPE y gauge\ny 1"]);
    expect(merged).toBe(`${histogram}\n# TYPE y gauge\ny 1\n`);
  });

  it("drops empty documents (a queue Redis could not be read for)", () => {
    expect(mergePrometheusText(["", ""])).toBe("");
    expect(mergePrometheusText(["", queueText("check", 0)])).toContain('state="waiting"} 0');
  });
});

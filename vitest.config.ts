import { defineConfig } from "vitest/config";

// Three projects: `unit` needs nothing running; `integration` talks to real Redis and to the DNS
// lab (Knot + Unbound on loopback high ports) started once by test/lab/global-setup.ts; `timing`
// is integration tests that promise a wall-clock bound (a process exits within 15 s, a check
// stops at its deadline, "cleared" within 2 s of a cache expiring). They run one file at a time,
// after the others (scripts/test.sh), so the bound is measured on a machine that is not also
// running forty other test files.
const TIMING = [
  "test/integration/serve-startup.test.ts",
  "test/integration/check-deadline.test.ts",
  "test/integration/check-concurrency.test.ts",
  "test/integration/lab-script.test.ts",
  // The bounce reader's per-call bound (50 ms for the worst inputs), measured alone.
  "test/unit/bounce/bounds.test.ts",
  // A 100,000-record DMARC report in 2 s, a 10 MB receiver log in 1 s.
  "test/unit/dmarc/bounds.test.ts",
  // 1,000 SMTP connections at once, every message reported.
  "test/integration/smtp/thousand.test.ts",
];

const integration = {
  globalSetup: ["test/lab/global-setup.ts"],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], exclude: TIMING } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          exclude: TIMING,
          ...integration,
        },
      },
      { test: { name: "timing", include: TIMING, fileParallelism: false, ...integration } },
    ],
  },
});

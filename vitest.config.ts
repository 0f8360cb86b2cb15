import { defineConfig } from "vitest/config";

// Two projects: `unit` needs nothing running; `integration` talks to real Redis and to the
// DNS lab (Knot + Unbound on loopback high ports) started once by test/lab/global-setup.ts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/lab/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

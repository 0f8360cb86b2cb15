// docker-compose.yml and .env.example must not drift from src/config.ts: every variable an
// operator can set reaches both the bot and the worker containers.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const exampleVariables = [...read(".env.example").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(
  (m) => m[1] as string,
);

describe("deployment files", () => {
  it("lists in .env.example every variable src/config.ts reads, and only those", () => {
    const configVariables = [...read("src/config.ts").matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map(
      (m) => m[1] as string,
    );
    expect(new Set(exampleVariables)).toEqual(new Set(configVariables));
  });

  it("passes every variable but REDIS_URL from .env into the containers", () => {
    const compose = read("docker-compose.yml");
    for (const name of exampleVariables.filter((name) => name !== "REDIS_URL")) {
      // `${NAME:-}` (unset: the program's default), or a default for containers (WEB_HOST).
      expect(compose, name).toMatch(new RegExp(`\\b${name}: \\$\\{${name}:-[^}]*\\}`));
    }
  });

  describe("docker-compose.yml services", () => {
    type Service = {
      command?: string[];
      container_name?: string;
      ports?: string[];
      volumes?: string[];
      profiles?: string[];
      healthcheck?: { test: string[] };
      environment?: Record<string, string>;
    };
    const compose = parse(read("docker-compose.yml"), { merge: true }) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
    };
    const { services } = compose;

    it("scales the worker: no container name and no host port (docker compose up --scale worker=4)", () => {
      expect(services.worker?.container_name).toBeUndefined();
      expect(services.worker?.ports).toBeUndefined();
    });

    it("keeps Redis on AOF in a named volume", () => {
      expect(services.redis?.command?.join(" ")).toMatch(/--appendonly yes/);
      const volume = services.redis?.volumes?.find((entry) => entry.endsWith(":/data"));
      expect(volume).toBeDefined();
      expect(compose.volumes).toHaveProperty((volume as string).split(":")[0] as string);
    });

    it("gives every rdns service a healthcheck on its own /readyz (rdns ready)", () => {
      for (const name of ["bot", "worker"]) {
        expect(services[name]?.healthcheck?.test, name).toEqual(["CMD", "node", "bin/rdns.js", "ready"]);
        // Prometheus in another container must reach every replica's web port.
        expect(services[name]?.environment?.WEB_HOST, name).toMatch(/0\.0\.0\.0/);
      }
      expect(read("src/cli/main.ts")).toMatch(/ready: \{/);
      expect(read("src/cli/ready.ts")).toMatch(/"\/readyz"/);
    });

    it("runs Prometheus and Grafana only in the monitoring profile, with their files in the repo", () => {
      for (const name of ["prometheus", "grafana"])
        expect(services[name]?.profiles, name).toEqual(["monitoring"]);
      for (const [name, service] of Object.entries(services)) {
        if (name !== "prometheus" && name !== "grafana" && !SENTINEL_SERVICES.includes(name))
          expect(service.profiles, name).toBeUndefined();
        for (const volume of service.volumes ?? []) {
          if (!volume.startsWith("./")) continue;
          expect(
            () => readFileSync(new URL(`../../${volume.split(":")[0]}`, import.meta.url)),
            volume,
          ).not.toThrow(/ENOENT/);
        }
      }
      const prometheus = parse(read("deploy/prometheus/prometheus.yml")) as {
        scrape_configs: { dns_sd_configs: { names: string[] }[] }[];
      };
      const scraped = prometheus.scrape_configs.flatMap((job) =>
        job.dns_sd_configs.flatMap((sd) => sd.names),
      );
      expect(scraped.sort()).toEqual(["bot", "worker"]);
    });

    const SENTINEL_SERVICES = [
      "redis-primary",
      "redis-replica",
      "sentinel-1",
      "sentinel-2",
      "sentinel-3",
      "bot-sentinel",
      "worker-sentinel",
    ];

    it("has a sentinel profile: a primary, a replica, three Sentinels, and the bot and workers on them", () => {
      for (const name of SENTINEL_SERVICES) expect(services[name]?.profiles, name).toEqual(["sentinel"]);
      expect(services["redis-replica"]?.command?.join(" ")).toMatch(/--replicaof redis-primary 6379/);
      for (const name of ["redis-primary", "redis-replica"])
        expect(services[name]?.command?.join(" "), name).toMatch(/--appendonly yes/);
      for (const name of ["sentinel-1", "sentinel-2", "sentinel-3"])
        expect(services[name]?.command?.join(" "), name).toMatch(
          /sentinel monitor mymaster redis-primary 6379 2/,
        );
      for (const name of ["bot-sentinel", "worker-sentinel"]) {
        const environment = services[name]?.environment ?? {};
        expect(environment.REDIS_SENTINELS, name).toBe("sentinel-1:26379,sentinel-2:26379,sentinel-3:26379");
        expect(environment.REDIS_URL, name).toBe("");
        expect(services[name]?.healthcheck?.test, name).toEqual(["CMD", "node", "bin/rdns.js", "ready"]);
      }
      expect(services["worker-sentinel"]?.container_name).toBeUndefined();
    });

    it("has a dashboard whose queries use only metrics the code exports", () => {
      const dashboard = JSON.parse(read("deploy/grafana/dashboards/rdns.json")) as {
        panels: { title: string; targets: { expr: string }[] }[];
      };
      const exported = new Set(
        [
          ...read("src/app/metrics.ts").matchAll(/name: "([a-z_]+)"/g),
          ...read("src/web/metrics.ts").matchAll(/name: "([a-z_]+)"/g),
        ].map((m) => m[1] as string),
      );
      exported.add("bullmq_job_count"); // BullMQ's Queue.exportPrometheusMetrics()
      const used = dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((target) =>
          [...target.expr.matchAll(/\b((?:rdns|bullmq)_[a-z_]+)/g)].map((m) => m[1] as string),
        ),
      );
      const family = (name: string) => name.replace(/_(bucket|sum|count)$/, "");
      for (const name of used) expect(exported.has(name) || exported.has(family(name)), name).toBe(true);
      const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(" | ");
      for (const shown of ["checks per second", "verdicts", "dns", "queue depth", "delivery errors"]) {
        expect(titles).toContain(shown);
      }
    });
  });

  const hasCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasCompose)(
    "is a valid compose file (docker-compose config -q), with no .env present",
    () => {
      const root = new URL("../..", import.meta.url);
      expect(() =>
        execFileSync("docker-compose", ["config", "-q"], { cwd: root, stdio: "pipe" }),
      ).not.toThrow();
      expect(() =>
        execFileSync("docker-compose", ["--profile", "monitoring", "config", "-q"], {
          cwd: root,
          stdio: "pipe",
        }),
      ).not.toThrow();
    },
    60_000,
  ); // docker-compose (Python) takes seconds to start on a loaded machine
});

// `rdns mailtest` as built, a child process with no Redis and no chat token: it listens, swaks
// sends one message (through a PROXY header naming a lab address, from a peer SMTP_PROXY_FROM
// trusts), and it prints that address's check with the HELO as sent and exits as `rdns check`.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { CASES } from "../../lab/zones.js";
import { ROOT } from "../../support/built-cli.js";
import { until } from "../../support/until.js";
import { swaks } from "./support.js";

const lab = inject("lab");
let child: ChildProcess | null = null;

beforeAll(() => {
  if (existsSync(join(ROOT, "dist", "src", "cli", "mailtest.js"))) return;
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);

afterEach(() => {
  child?.kill("SIGKILL");
  child = null;
});

interface Run {
  port: () => number | null;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function mailtest(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  let stdout = "";
  let stderr = "";
  const started = spawn(process.execPath, [join(ROOT, "bin", "rdns.js"), "mailtest", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
  });
  child = started;
  started.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  started.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return {
    port: () => {
      const match = /listening on [^ ]*:(\d+);/.exec(stderr);
      return match ? Number(match[1]) : null;
    },
    done: new Promise((resolve) => started.on("close", (code) => resolve({ code, stdout, stderr }))),
  };
}

const DNS = ["--resolver", lab.resolver, "--authority", lab.authority, "--dns-timeout", "1000"];
const PROXIED = { SMTP_PROXY_FROM: "127.0.0.1" };

describe("rdns mailtest", () => {
  it("--json: the check of the PROXY header's address with the HELO as sent, plus connection; exit 0", async () => {
    const run = mailtest(["--listen", "127.0.0.1:0", "--json", "--timeout", "30", ...DNS], PROXIED);
    const port = await until("the listening line", run.port);
    const sent = await swaks("127.0.0.1", port, [
      "--to",
      "anyone@anywhere.example",
      "--helo",
      "mail.example.test",
      "--proxy-version",
      "2",
      "--proxy-family",
      "AF_INET",
      "--proxy-source",
      CASES.pass,
      "--proxy-source-port",
      "4000",
      "--proxy-dest",
      "192.0.2.1",
      "--proxy-dest-port",
      "25",
    ]);
    expect(sent.stdout).toContain("250 2.0.0 received");
    const { code, stdout } = await run.done;
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      ip: CASES.pass,
      verdict: "pass",
      connection: { ip: CASES.pass, helo: "mail.example.test", tls: false },
    });
    expect(report.helo).toMatchObject({ name: "mail.example.test" });
    expect(code).toBe(0);
  });

  it("text: the connection line, then the report as rdns check prints it; a failing check exits 1", async () => {
    const run = mailtest(["--listen", "[::1]:0", "--timeout", "30", ...DNS]);
    const port = await until("the listening line", run.port);
    // From ::1 itself (no proxy trusted): loopback is not public, so the check fails plainly.
    const sent = await swaks("::1", port, ["--to", "x@y.example", "--helo", "localhost"]);
    expect(sent.code, sent.stdout).toBe(0);
    const { code, stdout } = await run.done;
    expect(stdout).toMatch(/^Test mail from ::1: HELO\/EHLO "localhost" as sent, without TLS\.\n\n/);
    expect(stdout).toContain("NOT_PUBLIC");
    expect(code).toBe(1);
  });

  it("an IPv6 address literal in EHLO (smtp-server folds it to [ipv6:...]) is checked, not called malformed", async () => {
    const run = mailtest(["--listen", "[::1]:0", "--timeout", "30", ...DNS]);
    const port = await until("the listening line", run.port);
    const sent = await swaks("::1", port, ["--to", "x@y.example", "--helo", "[IPv6:::1]"]);
    expect(sent.code, sent.stdout).toBe(0);
    const { stdout } = await run.done;
    expect(stdout).toMatch(/^Test mail from ::1: HELO\/EHLO "\[ipv6:::1\]" as sent, without TLS\.\n\n/);
    expect(stdout).not.toContain("The HELO is not checked");
  });

  it("exits 2 when nothing arrives in time, 64 on bad usage", async () => {
    const quiet = mailtest(["--listen", "127.0.0.1:0", "--timeout", "1", ...DNS]);
    const waited = await quiet.done;
    expect(waited.code).toBe(2);
    expect(waited.stderr).toContain("no message arrived in 1 s");
    for (const args of [
      ["--listen", "localhost:25"],
      ["--timeout", "0"],
      ["--listen", "127.0.0.1:99999"],
      ["extra"],
    ]) {
      const bad = await mailtest(args).done;
      expect(bad.code, args.join(" ")).toBe(64);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

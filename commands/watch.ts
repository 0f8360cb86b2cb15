// `/rdns watch <ip or range> [helo] [every <duration>] [probe]`: the channel follows an IP or a
// range (src/app/watch.ts stores it and schedules its checks), with the HELO name its servers
// announce if given (every run checks it too), at its own pace if given (5 min to 24 h); changes
// go to the thread this command opens. Watching it again with another `every` changes its pace.
// `probe` (typed in the HELO's place when there is none: `/rdns watch 203.0.113.5 probe`) makes
// every run read each address's SMTP greeting too, and a changed greeting name is a notice like a
// changed PTR.
import type { Command } from "../src/app/command.js";
import { refuse } from "../src/app/command-args.js";
import { durationWords, parseDuration, WATCH_EVERY_BOUNDS } from "../src/app/durations.js";
import { MAX_ADDRESS, MAX_NAME, parseNewWatchTarget, parseOptionalHelo } from "../src/app/targets.js";
import { watch } from "../src/app/watch.js";

/** The word that makes a watch probe. */
const PROBE_WORD = "probe";

function every(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? "every hour" : `every ${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? "every minute" : `every ${ms / 60_000} minutes`;
  return `every ${Math.round(ms / 1000)} s`;
}

export default {
  name: "watch",
  summary: "watch an IP or a range (up to /16, IPv6 /112) and hear when one breaks, recovers or changes name",
  dnsWork: true,
  changesWatches: true,
  options: [
    {
      name: "range",
      kind: "range",
      required: true,
      description: "An IP or CIDR range, e.g. 203.0.113.0/28",
      minLength: 2,
      maxLength: MAX_ADDRESS,
    },
    {
      name: "helo",
      kind: "host",
      required: false,
      description: "The name these servers announce in EHLO/HELO, e.g. mail.example.com",
      minLength: 1,
      maxLength: MAX_NAME,
    },
    {
      name: "every",
      kind: "duration",
      keyword: "every",
      required: false,
      description: "How often to check it, 5m to 24h, e.g. 30m (default: the bot's interval)",
      minLength: 2,
      maxLength: 16,
    },
    {
      name: "probe",
      kind: "text",
      required: false,
      description: `Write "${PROBE_WORD}" to read each address's SMTP greeting (port 25) on every run too`,
      minLength: PROBE_WORD.length,
      maxLength: PROBE_WORD.length,
    },
  ],
  examples: [
    { range: "203.0.113.0/28" },
    { range: "2001:db8::25", helo: "mail.example.com" },
    { range: "203.0.113.5", every: "30m" },
    { range: "203.0.113.5", helo: "mail.example.com", probe: PROBE_WORD },
  ],
  async run({ ctx, request, respond, options, example }) {
    const parsed = parseNewWatchTarget(options.range ?? "");
    if (!parsed.ok) {
      await refuse(respond, parsed.problem, example);
      return;
    }
    // "probe" in the HELO's place is the keyword (a HELO must be an FQDN or a literal anyway).
    const probeInHelo = options.helo?.toLowerCase() === PROBE_WORD && options.probe === undefined;
    if (options.probe !== undefined && options.probe.toLowerCase() !== PROBE_WORD) {
      await refuse(respond, `the word after the HELO may only be "${PROBE_WORD}"`, example);
      return;
    }
    const probe = probeInHelo || options.probe !== undefined;
    const helo = parseOptionalHelo(probeInHelo ? undefined : options.helo);
    if (!helo.ok) {
      await refuse(respond, helo.problem, example);
      return;
    }
    const pace = options.every === undefined ? null : parseDuration(options.every, WATCH_EVERY_BOUNDS);
    if (pace !== null && !pace.ok) {
      await refuse(respond, pace.problem, example);
      return;
    }
    const everyMs = pace === null ? null : pace.ms;
    const heloName = helo.value;
    const target = parsed.value;
    const count = target.ips.length === 1 ? "" : ` (${target.ips.length} addresses)`;
    const withHelo = `${heloName === null ? "" : ` with HELO ${heloName}`}${probe ? ", reading its SMTP greeting (port 25)" : ""}`;
    // The service stores the watch and its schedulers first, and calls this only then.
    const announce = () =>
      respond.openThread({
        kind: "notice",
        text: `Watching ${target.label}${count}${withHelo} ${every(everyMs ?? ctx.settings.watchIntervalMs)}. This thread hears when one breaks, recovers or its PTR name${probe ? " or greeting name" : ""} changes.`,
      });
    const result = await watch(
      ctx,
      {
        platform: request.platform,
        channel: request.channel,
        user: request.user,
        target,
        helo: heloName,
        everyMs,
        ...(probe ? { probe } : {}),
      },
      announce,
    );
    if (result.status === "cap") {
      await refuse(
        respond,
        `this channel watches ${result.watched} addresses and may watch at most ${result.cap}; unwatch something first`,
        "/rdns watches",
      );
    } else if (result.status === "repaced") {
      await respond.replyPrivately({
        kind: "notice",
        text: `This channel already watches ${target.label}; it is now checked every ${durationWords(result.everyMs ?? ctx.settings.watchIntervalMs)}.`,
      });
    } else if (result.status === "exists") {
      const repaired = result.repaired.length === 0 ? "" : " Its schedule was missing and runs again.";
      await respond.replyPrivately({
        kind: "notice",
        text: `This channel already watches ${target.label}.${repaired}`,
      });
    }
  },
} satisfies Command;

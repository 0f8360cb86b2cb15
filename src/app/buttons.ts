// What the buttons on a check result do (Re-check now, Watch this IP, Stop re-checking), once the
// inbound pipeline (handlers.ts) has acknowledged and limited the press. The platform decoded the
// button's value; nothing in it is trusted here: the IP and HELO are parsed again as a command's
// would be, and a chain id is only ever looked up, never acted on blind. Every answer that is not
// a result in the thread is private to the presser; a second press of the same button does
// nothing a second time (the check window is joined, the watch exists, the chain is ended).
import type { ButtonAction, ButtonPress, ButtonResponder, OutboundMessage } from "../chat/types.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import { formatDuration } from "../render/duration.js";
import { type ChainEnd, readChain } from "../store/chains.js";
import { recheckNow, stopChain } from "./chains.js";
import type { AppContext } from "./context.js";
import { parseOptionalHelo, parsePublicIp } from "./targets.js";
import { capWords, watch } from "./watch.js";

const notice = (text: string): OutboundMessage => ({ kind: "notice", text });

/** The words for a button whose value cannot be used: nothing was done. */
export const STALE_BUTTON =
  "This button is out of date or not one of mine, so nothing was done; run /rdns with the IP to check it again.";

/** The target of a Re-check now button, checked as `/rdns <ip> [helo]` would check it. */
async function recheckTarget(
  ctx: AppContext,
  action: Extract<ButtonAction, { kind: "recheck" }>,
): Promise<{ ip: string; helo: string | null } | { problem: string }> {
  let raw: { ip: string; helo: string | null };
  if ("chainId" in action.target) {
    // Discord's rdns:recheck:<chain>: the chain record names the IP and HELO (kept after it ends).
    const found = await readChain(ctx.redis, ctx.keys, action.target.chainId);
    if (found === null) {
      return {
        problem:
          "I no longer know the check this button belongs to, so nothing was done; run /rdns with the IP to check it again.",
      };
    }
    raw = { ip: found.ip, helo: found.helo };
  } else {
    raw = action.target;
  }
  const ip = parsePublicIp(raw.ip);
  if (!ip.ok) return { problem: STALE_BUTTON };
  const helo = parseOptionalHelo(raw.helo);
  if (!helo.ok) return { problem: STALE_BUTTON };
  return { ip: ip.value, helo: helo.value };
}

async function recheck(
  ctx: AppContext,
  _press: ButtonPress,
  action: Extract<ButtonAction, { kind: "recheck" }>,
  respond: ButtonResponder,
): Promise<void> {
  const target = await recheckTarget(ctx, action);
  if ("problem" in target) {
    await respond.replyPrivately(notice(target.problem));
    return;
  }
  const origin = await respond.thread();
  // The same service as `/rdns recheck`; the pipeline already counted this press.
  const outcome = await recheckNow(ctx, { ...target, origin });
  const what = `${target.ip}${target.helo === null ? "" : ` (HELO ${target.helo})`}`;
  if (outcome === "queued") {
    await respond.replyPrivately(notice(`Re-checking ${what} now; the result lands in this thread.`));
  } else if (outcome === "joined") {
    // Pressed twice, or by two people: one check, one answer in the thread.
    await respond.replyPrivately(
      notice(`A check of ${what} is already under way; its result lands in this thread once.`),
    );
  } else if (outcome === "not-queued") {
    await respond.replyPrivately({ kind: "not-queued", ip: target.ip });
  }
}

async function watchIp(
  ctx: AppContext,
  press: ButtonPress,
  action: Extract<ButtonAction, { kind: "watch" }>,
  respond: ButtonResponder,
): Promise<void> {
  const ip = parsePublicIp(action.ip);
  if (!ip.ok) {
    await respond.replyPrivately(notice(STALE_BUTTON));
    return;
  }
  // The watch's news goes to the thread the button is in, announced there once it is stored.
  const announce = async () => {
    const origin = await respond.thread();
    const watchOrigin = { ...origin, parent: null };
    await enqueueDeliveries(ctx.queues, [
      threadReply(
        `watch-button-${press.platform}-${press.requestId}`,
        watchOrigin,
        notice(
          `${press.userName} asked to watch ${ip.value}: this channel checks it every ${formatDuration(ctx.settings.watchIntervalMs / 1000)}, and this thread hears when it breaks, recovers or its PTR name changes.`,
        ),
        "watching",
      ),
    ]);
    return watchOrigin;
  };
  const result = await watch(
    ctx,
    {
      platform: press.platform,
      channel: press.channel,
      user: press.user,
      target: { label: ip.value, ips: [ip.value] },
      helo: null,
    },
    announce,
  );
  if (result.status === "exists") {
    await respond.replyPrivately(notice(`This channel already watches ${ip.value}; nothing changed.`));
  } else if (result.status === "cap") {
    await respond.replyPrivately(notice(`${capWords(result)}.`));
  }
}

async function stop(
  ctx: AppContext,
  press: ButtonPress,
  action: Extract<ButtonAction, { kind: "stop" }>,
  respond: ButtonResponder,
): Promise<void> {
  // Ended once, atomically (src/store/chains.ts): of two presses, or two people, one stops it and
  // every thread of the chain hears who did (src/app/chains.ts); the other is told privately.
  const outcome = await stopChain(ctx, { chainId: action.chainId, user: press.userName });
  if (outcome === "already-ended") {
    const chain = await readChain(ctx.redis, ctx.keys, action.chainId);
    const how = chain === null ? "" : ` (${endedWords(chain.ended, chain.by)})`;
    await respond.replyPrivately(
      notice(`Re-checking ${chain?.ip ?? "this address"} had already ended${how}; nothing more to stop.`),
    );
  } else if (outcome === "unknown") {
    await respond.replyPrivately(
      notice("I no longer know the re-checks this button belongs to; nothing to stop."),
    );
  }
}

function endedWords(how: ChainEnd | null, by: string | null): string {
  if (how === "stopped") return by === null ? "stopped" : `stopped by ${by}`;
  if (how === "cleared") return "it cleared";
  if (how === "gave-up") return "it gave up";
  return "its re-check failed";
}

/** Carries out one press; the pipeline has acknowledged it and counted it against the limits. */
export async function runButton(
  ctx: AppContext,
  press: ButtonPress,
  respond: ButtonResponder,
): Promise<void> {
  const action = press.action;
  if (action === null) {
    await respond.replyPrivately(notice(STALE_BUTTON));
    return;
  }
  if (action.kind === "recheck") await recheck(ctx, press, action, respond);
  else if (action.kind === "watch") await watchIp(ctx, press, action, respond);
  else await stop(ctx, press, action, respond);
}

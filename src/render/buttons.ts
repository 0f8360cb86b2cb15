// Which buttons a message carries, platform-neutral: every check result offers "Re-check now"
// and "Watch this IP", and "Stop re-checking" while its re-check chain is open (the message says
// so with its chainId). Slack (src/platforms/slack/buttons.ts) and Discord (src/platforms/discord/buttons.ts)
// turn these into Block Kit buttons and message components with their own encodings.
import type { OutboundMessage } from "../chat/types.js";
import type { VerdictView } from "../chat/views.js";

export type ButtonSpec =
  | { kind: "recheck"; ip: string; helo: string | null; chainId: string | null }
  | { kind: "watch"; ip: string }
  | { kind: "stop"; chainId: string };

export const BUTTON_LABELS: Record<ButtonSpec["kind"], string> = {
  recheck: "Re-check now",
  watch: "Watch this IP",
  stop: "Stop re-checking",
};

/**
 * A HELO a button may carry: a host name's characters or an address literal (RFC 5321 4.1.4), as
 * the commands accept. Anything else never rides in a button's value (values are not escaped for
 * display), and the re-check button is left out rather than re-checking something else.
 */
const CARRIABLE_HELO = /^(\[(IPv6:)?[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]{1,253})$/;

function forReport(report: VerdictView, chainId: string | null, watchable: boolean): ButtonSpec[] {
  const helo = report.helo?.name ?? null;
  const buttons: ButtonSpec[] =
    helo === null || CARRIABLE_HELO.test(helo) ? [{ kind: "recheck", ip: report.ip, helo, chainId }] : [];
  if (watchable) buttons.push({ kind: "watch", ip: report.ip });
  if (chainId !== null) buttons.push({ kind: "stop", chainId });
  return buttons;
}

/** The buttons under a message; none for messages that are not a check's result. */
export function buttonsFor(message: OutboundMessage): ButtonSpec[] {
  switch (message.kind) {
    case "verdict":
    case "report":
      return forReport(message.report, message.chainId ?? null, true);
    case "cleared":
      return forReport(message.report, null, true);
    case "still-failing":
      // Still failing, re-checks go on: the chain can be stopped when the message names it.
      return forReport(message.report, message.final === true ? null : (message.chainId ?? null), true);
    case "notice": {
      // A chain's notice (fixed at the authority, still waiting on caches): as a result's buttons.
      const chain = message.chain;
      if (chain === undefined) return [];
      const buttons: ButtonSpec[] =
        chain.helo === null || CARRIABLE_HELO.test(chain.helo)
          ? [{ kind: "recheck", ip: chain.ip, helo: chain.helo, chainId: chain.chainId }]
          : [];
      return [...buttons, { kind: "watch", ip: chain.ip }, { kind: "stop", chainId: chain.chainId }];
    }
    case "watch-change":
      // The channel already watches it: a check now is what helps.
      return forReport(message.report, null, false);
    default:
      return [];
  }
}

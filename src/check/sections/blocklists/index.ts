// The blocklists section: whether the IP is on the DNS blocklists in DNSBL_ZONES (RFC 5782).
//
//   asks      each list's A at <reversed IP>.<zone> through the configured resolvers, alongside the
//             PTR questions (./ask.ts; the TXT only after a listing; cached for the answer's TTL),
//             and beside it the list's RFC 5782 test point, once per list every 10 min (./health.ts)
//   analyses  ./analyse.ts with each list's return-code table (./lists.ts, sources cited there)
//   reports   CheckReport.blocklists (one entry per list asked)
//   problems  ./problems.ts: LISTED, BLOCKLIST_REFUSED
//   fixes     ./fix.ts: each list's own removal procedure
//   renders   src/render/sections/blocklists.ts (text), src/platforms/slack/sections.ts,
//             src/platforms/discord/render-report.ts, src/web/pages/servers-page.ts (from the row)
import { parseIp } from "../../ip.js";
import type { BlocklistResult, Problem } from "../../types.js";
import type { CheckSection } from "../section.js";
import { analyseBlocklists } from "./analyse.js";
import { askList, type BlocklistsAsked, type ListAnswer, listsFor } from "./ask.js";
import { blocklistFixSteps } from "./fix.js";
import { zoneHealth } from "./health.js";
import { BLOCKLIST_PROBLEMS, type BlocklistProblemCode } from "./problems.js";

export type { BlocklistsAsked };

/** How long a check waits for the lists after its PTR work is done. */
export const BLOCKLIST_GRACE_MS = 500;

export const blocklistsSection = {
  id: "blocklists",
  title: "Blocklists",
  questions: "each DNSBL_ZONES list's A (and TXT when listed) at the reversed IP under its zone",
  ask(ctx) {
    const options = ctx.options.blocklists;
    const lists = listsFor(options, ctx.family);
    if (options === undefined || lists.length === 0) return { answer: Promise.resolve([]), soFar: () => [] };
    // RFC 5782 2.1 / 2.4: the reverse name's labels (octets, or IPv6 nibbles) under the list's zone.
    const reverseName = parseIp(ctx.ip).reverseName;
    const got: Array<ListAnswer | undefined> = new Array(lists.length);
    const answer = Promise.all(
      lists.map((list, index) => {
        // Both questions go out now; the answer waits for the health within the section's grace
        // at most: cut before it, the address's own answer stands as it is (soFar).
        const health = zoneHealth(ctx, list, options);
        return askList(ctx, reverseName, list, options).then(async (result) => {
          got[index] = result;
          const withHealth = { ...result, health: await health };
          got[index] = withHealth;
          return withHealth;
        });
      }),
    );
    return {
      answer,
      soFar: (why = "no answer before the check's deadline") =>
        lists.map(
          (list, index): ListAnswer =>
            got[index] ?? { zone: list.zone, outcome: "failed", addresses: [], error: why, txt: null },
        ),
    };
  },
  analyse(asked: BlocklistsAsked, facts): { report: BlocklistResult[]; problems: Problem[] } {
    return analyseBlocklists(asked, facts);
  },
  problems: BLOCKLIST_PROBLEMS,
  fixSteps: blocklistFixSteps,
  afterWait: true,
  // A list that does not answer (one that ignores unregistered resolvers, say) is "could not tell"
  // for that list, never a reason for the PTR's verdict to wait the whole question timeout: the
  // lists go out with the PTR questions, so an answering list is in by then or soon after.
  graceAfterPtrMs: BLOCKLIST_GRACE_MS,
} satisfies CheckSection<BlocklistsAsked, BlocklistResult[], BlocklistProblemCode>;

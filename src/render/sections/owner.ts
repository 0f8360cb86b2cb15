// The owner section's row in the shared plain-text renderer (who controls the PTR). Slack's is in
// src/platforms/slack/sections.ts, Discord's in src/platforms/discord/render-report.ts, the
// servers page's in src/web/pages/servers-page.ts. The values come from DNS and RDAP: the caller
// passes the report through its platform's inert rendering first, like every PTR name.
import type { ReportView } from "../../chat/views.js";
import { PROVIDERS, type ProviderId } from "../../check/providers.js";
import type { OwnerReport } from "../../check/types.js";
import { EMPTY_OWNER } from "../request-text.js";

export function providerLabel(id: string | null): string | null {
  if (id === null) return null;
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id as ProviderId].label : id;
}

/** The owner's facts as short phrases, each value already made inert by `show`. */
export function ownerFacts(owner: OwnerReport | undefined, show: (value: string) => string): string[] {
  const o = owner ?? EMPTY_OWNER;
  const facts: string[] = [];
  facts.push(o.zone === null ? "reverse zone unknown" : `zone ${show(o.zone)}`);
  if (o.nameservers.length > 0) facts.push(`NS ${o.nameservers.map(show).join(", ")}`);
  if (o.contact !== null) facts.push(`contact ${show(o.contact)}`);
  const provider = providerLabel(o.provider);
  if (provider !== null) facts.push(`provider ${show(provider)}`);
  if (o.network !== null) {
    const parts = [o.network.org, o.network.abuse === null ? null : `abuse ${o.network.abuse}`]
      .filter((part): part is string => part !== null)
      .map(show);
    facts.push(`network ${show(o.network.name ?? "?")}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`);
  }
  return facts;
}

/** Plain text (CLI, console): "Owner  zone ...; NS ...; contact ...; provider ...; network ...". */
export function ownerText(report: ReportView): string {
  return ownerFacts(report.owner, (value) => value).join("; ");
}

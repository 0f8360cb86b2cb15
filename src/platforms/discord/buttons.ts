// Message components for check results, and reading them back. A button's custom_id says what it
// does and on what: `rdns:recheck:<chain>` (or `rdns:recheck:<ip>[/<helo>]` for a result with no
// open chain), `rdns:watch:<ip>`, `rdns:stop:<chain>`. Discord returns the custom_id we set, but
// it is read back as untrusted input: bounded, split by shape, and the app checks the IP, HELO and
// chain again before acting. Limits (Discord API, "Message Components"): custom_id at most 100
// characters, label 80, five buttons per action row.
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import ipaddr from "ipaddr.js";
import type { ButtonAction } from "../../chat/types.js";
import { BUTTON_LABELS, type ButtonSpec } from "../../render/buttons.js";

export const CUSTOM_ID_MAX = 100;
const PREFIX = "rdns:";
const CHAIN = /^[A-Za-z0-9._-]{1,90}$/;

export type ActionRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** The custom_id for one button; null when it cannot fit in 100 characters (a very long HELO). */
export function customIdFor(spec: ButtonSpec): string | null {
  let id: string;
  if (spec.kind === "recheck") {
    const subject = spec.chainId ?? (spec.helo === null ? spec.ip : `${spec.ip}/${spec.helo}`);
    id = `${PREFIX}recheck:${subject}`;
  } else if (spec.kind === "watch") {
    id = `${PREFIX}watch:${spec.ip}`;
  } else {
    id = `${PREFIX}stop:${spec.chainId}`;
  }
  return id.length <= CUSTOM_ID_MAX ? id : null;
}

const STYLE: Record<ButtonSpec["kind"], ButtonStyle> = {
  recheck: ButtonStyle.Primary,
  watch: ButtonStyle.Secondary,
  stop: ButtonStyle.Danger,
};

/** One action row of buttons; empty when there are none. */
export function componentsFor(specs: ButtonSpec[]): ActionRow[] {
  const buttons: APIButtonComponentWithCustomId[] = [];
  for (const spec of specs) {
    const customId = customIdFor(spec);
    if (customId === null) continue;
    buttons.push({
      type: ComponentType.Button,
      style: STYLE[spec.kind] as APIButtonComponentWithCustomId["style"],
      label: BUTTON_LABELS[spec.kind],
      custom_id: customId,
    });
  }
  return buttons.length === 0 ? [] : [{ type: ComponentType.ActionRow, components: buttons }];
}

/** Whether a custom_id is one of ours (the gateway handler routes on it). */
export function isOurCustomId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

/** A pressed button's custom_id back into what it asks for; null when unreadable. */
export function readCustomId(customId: string): ButtonAction | null {
  if (customId.length > CUSTOM_ID_MAX || !customId.startsWith(PREFIX)) return null;
  const rest = customId.slice(PREFIX.length);
  const colon = rest.indexOf(":");
  if (colon < 0) return null;
  const kind = rest.slice(0, colon);
  const subject = rest.slice(colon + 1);
  if (subject === "") return null;
  if (kind === "stop") return CHAIN.test(subject) ? { kind, chainId: subject } : null;
  if (kind === "watch") return ipaddr.isValid(subject) ? { kind, ip: subject } : null;
  if (kind !== "recheck") return null;
  // An address (with its HELO after "/": neither an IP nor a host name holds one) or a chain id.
  const slash = subject.indexOf("/");
  const ip = slash < 0 ? subject : subject.slice(0, slash);
  if (ipaddr.isValid(ip)) {
    const helo = slash < 0 ? null : subject.slice(slash + 1);
    if (helo === "") return null;
    return { kind, target: { ip, helo } };
  }
  return CHAIN.test(subject) ? { kind, target: { chainId: subject } } : null;
}

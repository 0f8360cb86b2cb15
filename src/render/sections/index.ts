// Each shared renderer's entry per check section (src/check/sections): typed over SectionId, so a
// new section is a compile error here until it has a row in the text report (Slack's entries are
// src/platforms/slack/sections.ts, Discord's src/platforms/discord/render-report.ts).

import type { ReportView } from "../../chat/views.js";
import type { SectionId } from "../../check/sections/index.js";
import { blocklistsText } from "./blocklists.js";
import { heloText } from "./helo.js";
import { ownerText } from "./owner.js";
import { smtpText } from "./smtp.js";

export interface SectionRow {
  /** The row's label ("HELO"). */
  label: string;
  /** The row's text, after the label; null leaves the row out (a section the check did not ask for). */
  render(report: ReportView): string | null;
}

/** Plain text (src/render/check-text.ts): terminal-safe text, not escaped for a chat platform. */
export const TEXT_SECTIONS: Record<SectionId, SectionRow> = {
  helo: { label: "HELO", render: heloText },
  owner: { label: "Owner", render: ownerText },
  smtp: { label: "SMTP", render: smtpText },
  blocklists: { label: "Lists", render: blocklistsText },
};

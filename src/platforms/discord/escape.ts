// The Discord target of the shared inert-text functions lives in src/render/discord-escape.ts,
// beside the terminal, Slack and HTML ones; the platform's renderers import it from here.
export {
  code,
  discordText,
  escapeInline,
  escapeText,
  neutraliseMentions,
} from "../../render/discord-escape.js";

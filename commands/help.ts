// `/rdns help`: every command, its form and an example.
import type { Command } from "../src/app/command.js";

export default {
  name: "help",
  summary: "show these commands",
  usage: "/rdns help",
  example: "/rdns help",
  async run({ respond, commands }) {
    const lines = commands.map((command) => `${command.usage}  ${command.summary} (e.g. ${command.example})`);
    await respond.replyPrivately({
      kind: "notice",
      text: `${lines.join("\n")}\nOr paste a bounce in a support channel: the bot reads the refused IP and checks it.`,
    });
  },
} satisfies Command;

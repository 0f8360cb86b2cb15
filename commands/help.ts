// `/rdns help`: every command in the asker's own syntax (typed words, or Discord's named
// options), with its first example.
import type { Command } from "../src/app/command.js";

export default {
  name: "help",
  summary: "show these commands",
  dnsWork: false,
  options: [],
  examples: [{}],
  async run({ respond, commands, syntax }) {
    const lines = commands.map((command) => {
      const example = command.examples[0];
      const shown = example === undefined ? "" : syntax.example(command, example);
      const usage = syntax.usage(command);
      return shown === usage
        ? `${usage}  ${command.summary}`
        : `${usage}  ${command.summary} (e.g. ${shown})`;
    });
    await respond.replyPrivately({
      kind: "notice",
      text: `${lines.join("\n")}\nOr paste a bounce in a support channel: the bot reads the refused IP and checks it.`,
    });
  },
} satisfies Command;

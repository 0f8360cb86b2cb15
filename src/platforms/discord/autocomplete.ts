// Autocomplete (interaction type 4) for the address options of /rdns status, unwatch, recheck and
// stop: the app offers the channel's watched targets and open chains matching what was typed
// (src/app/complete.ts). Discord gives 3 s to answer; past ANSWER_WITHIN_MS no choices are sent
// rather than none at all arriving late.
import type { AutocompleteInteraction } from "discord.js";
import type { InboundHandlers } from "../../chat/types.js";
import type { Logger } from "../../log.js";

const ANSWER_WITHIN_MS = 2_500;
/** Discord's limit for a choice's name and value. */
const CHOICE_MAX = 100;

export async function handleAutocomplete(
  interaction: AutocompleteInteraction,
  handlers: InboundHandlers,
  logger: Logger,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const query = {
    platform: "discord" as const,
    channel: interaction.channelId,
    command: interaction.options.getSubcommand(false) ?? "",
    option: focused.name,
    typed: String(focused.value),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const choices = await Promise.race([
      handlers.onComplete?.(query) ?? Promise.resolve([]),
      new Promise<string[]>((resolve) => {
        timer = setTimeout(() => resolve([]), ANSWER_WITHIN_MS);
      }),
    ]);
    const fit = choices.filter((choice) => choice.length <= CHOICE_MAX).slice(0, 25);
    await interaction.respond(fit.map((choice) => ({ name: choice, value: choice })));
  } catch (error) {
    logger.warn({ err: error, interaction: interaction.id }, "could not answer the autocomplete");
  } finally {
    clearTimeout(timer);
  }
}

// Placeholder until the engine lands (issue work in progress in this session).
async function notYet(_argv: string[]): Promise<number> {
  process.stderr.write("rdns: the bot and workers are not available in this build\n");
  return 70;
}
export const runServeCommand = notYet;
export const runBotCommand = notYet;
export const runWorkerCommand = notYet;

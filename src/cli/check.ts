// Placeholder until the check command lands (issue work in progress in this session).
export async function runCheckCommand(_argv: string[]): Promise<number> {
  process.stderr.write("rdns check: not available in this build\n");
  return 70;
}

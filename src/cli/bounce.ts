// Placeholder until the bounce command lands (issue work in progress in this session).
export async function runBounceCommand(_argv: string[]): Promise<number> {
  process.stderr.write("rdns bounce: not available in this build\n");
  return 70;
}

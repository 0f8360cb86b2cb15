// Reading a CLI input (a file, or "-" for stdin) with a byte bound, for `rdns bounce` and
// `rdns dmarc`: at most `limit` bytes are read, so a caller asking for its bound + 1 can tell a
// cut input from a whole one without holding more than that. Reads until end of file rather than
// trusting stat's size, which is 0 for pipes and process substitutions.
import { open } from "node:fs/promises";

/** The input could not be opened or read; the message names the path and the errno code. */
export class InputReadError extends Error {
  override name = "InputReadError";
}

function readFailure(path: string, err: unknown): InputReadError {
  return new InputReadError(
    `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
  );
}

async function readStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    total += buffer.length;
    if (total >= limit) break; // the rest would be cut anyway
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** At most `limit` bytes of `path` ("-": stdin). */
export async function readBounded(path: string, limit: number): Promise<Buffer> {
  if (path === "-") return readStdin(limit);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (err) {
    throw readFailure(path, err);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const buffer = Buffer.alloc(Math.min(limit - total, 1 << 20));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
  } catch (err) {
    throw readFailure(path, err);
  } finally {
    await handle.close();
  }
  return Buffer.concat(chunks, total);
}

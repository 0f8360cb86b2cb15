// A report file as providers send it (RFC 7489 7.2.1.1: gzip or zip, or plain XML) -> the XML
// documents in it, each at most MAX_UNCOMPRESSED_BYTES in total. The format is told by the bytes
// (gzip 1f 8b, zip "PK\x03\x04"), never by the file name. Decompression stops at the bound, so a
// small file that inflates to gigabytes (a zip bomb) is refused after 50 MiB of work, not after.
import { gunzipSync } from "node:zlib";
import { Unzip, UnzipInflate } from "fflate";
import { MAX_UNCOMPRESSED_BYTES, MAX_ZIP_ENTRIES } from "./limits.js";
import { DmarcRefusedError } from "./types.js";

const MIB = 1024 * 1024;
const overLimit = () =>
  new DmarcRefusedError(
    `inflates to more than ${MAX_UNCOMPRESSED_BYTES / MIB} MiB (a DMARC report is far smaller; a zip bomb?): not read`,
  );

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    // maxOutputLength makes zlib stop (RangeError) instead of inflating past the bound.
    return gunzipSync(bytes, { maxOutputLength: MAX_UNCOMPRESSED_BYTES });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
      throw overLimit();
    throw new DmarcRefusedError(`not a readable gzip file (${(err as Error).message})`);
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Every file of a zip archive, inflated as it streams, the bound counted on real output bytes. */
function unzip(bytes: Uint8Array): Uint8Array[] {
  const files: Uint8Array[] = [];
  let total = 0;
  let entries = 0;
  // fflate wraps what a callback throws: the reason is kept here and rethrown as it was.
  let refusal: DmarcRefusedError | null = null;
  const refuse = (error: DmarcRefusedError): never => {
    refusal ??= error;
    throw refusal;
  };
  const reader = new Unzip((file) => {
    if (++entries > MAX_ZIP_ENTRIES)
      refuse(
        new DmarcRefusedError(`a zip of more than ${MAX_ZIP_ENTRIES} files is no DMARC report: not read`),
      );
    if (file.name.endsWith("/")) return;
    const chunks: Uint8Array[] = [];
    let length = 0;
    file.ondata = (err, data, final) => {
      if (err !== null) refuse(new DmarcRefusedError(`not a readable zip file (${err.message})`));
      total += data.length;
      length += data.length;
      if (total > MAX_UNCOMPRESSED_BYTES) refuse(overLimit());
      chunks.push(data);
      if (final) files.push(concat(chunks, length));
    };
    file.start();
  });
  reader.register(UnzipInflate);
  try {
    reader.push(bytes, true);
  } catch (err) {
    if (refusal !== null) throw refusal;
    if (err instanceof DmarcRefusedError) throw err;
    throw new DmarcRefusedError(`not a readable zip file (${(err as Error).message})`);
  }
  return files;
}

/** The documents in one input file; plain input is one document. */
export function unpackReport(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length > MAX_UNCOMPRESSED_BYTES)
    throw new DmarcRefusedError(
      `larger than ${MAX_UNCOMPRESSED_BYTES / MIB} MiB (a DMARC report is far smaller): not read`,
    );
  if (isGzip(bytes)) return [gunzip(bytes)];
  if (isZip(bytes)) return unzip(bytes);
  return [bytes];
}

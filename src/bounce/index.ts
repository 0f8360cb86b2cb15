// The bounce reader's public surface: pasted text or a .eml in, the refused address, receiver,
// codes and category out. Pure: no I/O, no chat, no queues.

export { MAX_INPUT_BYTES } from "./limits.js";
export { type ReadBounceOptions, readBounce } from "./read-bounce.js";
export type { BounceCategory, BounceFinding, BounceReading, BounceReceiver } from "./types.js";

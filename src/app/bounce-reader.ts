// The bounce reader the bot uses for pasted messages and attached .eml files (src/bounce), reading
// at most BOUNCE_MAX_BYTES of each (the reply says when the input was cut).
import { readBounce } from "../bounce/index.js";
import { MAX_INPUT_BYTES } from "../bounce/limits.js";
import type { BounceReader } from "./context.js";

export function bounceReaderFor(maxBytes: number): BounceReader {
  return (input, options) => readBounce(input, { ...options, maxBytes });
}

export const bounceReader: BounceReader = bounceReaderFor(MAX_INPUT_BYTES);

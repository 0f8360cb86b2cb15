// The bounce reader the bot uses for pasted messages and attached .eml files (src/bounce).
import { readBounce } from "../bounce/index.js";
import type { BounceReader } from "./context.js";

export const bounceReader: BounceReader = (input, options) => readBounce(input, options);

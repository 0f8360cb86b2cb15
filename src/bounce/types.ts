// The facts read from a pasted bounce. `BounceFinding` is the `rdns bounce --json` contract in
// docs/cli.md (one object per failure); add fields, never rename them.

export type BounceReceiver = "gmail" | "microsoft" | "yahoo" | "other" | "unknown";

export type BounceCategory =
  | "rdns"
  | "blocklist"
  | "auth"
  | "reputation"
  | "ratelimit"
  | "mailbox"
  | "policy"
  | "other";

export interface BounceFinding {
  /** Input name (file path, "-" for stdin, or a chat message id); null when not from a file. */
  file: string | null;
  /** The address the receiver refused (never its own MX address, never a private hop). */
  ip: string | null;
  /** The HELO name, when the text gives it. */
  helo: string | null;
  receiver: BounceReceiver;
  smtpCode: number | null;
  enhancedCode: string | null;
  category: BounceCategory;
  rdnsRelated: boolean;
  /** The receiver's reply, unwrapped to one line. */
  diagnostic: string;
  /** The failed recipient, when the text names it. */
  recipient: string | null;
  /** One line: what this refusal means and who can fix it (additive to the docs/cli.md contract). */
  explanation?: string;
  /**
   * For a blocklist bounce, the list it names: a DNSBL's zone (zen.spamhaus.org, ...) or
   * "microsoft" (its own list); null when it names none known (src/bounce/blocklist-named.ts).
   */
  blocklist?: string | null;
}

export interface BounceReading {
  /** One per failure found; empty when the text holds no bounce. */
  findings: BounceFinding[];
  /** True when the input was longer than the limit and only its head was read. */
  truncated: boolean;
  /** Bytes actually read. */
  bytesRead: number;
}

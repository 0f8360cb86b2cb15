// Small helpers to take a DNS name apart the way the name rules need it.
//
// Exports:
//   normaliseName(name)        lower-case, trimmed, without the trailing dot (how names compare)
//   organisationalDomain(name) the registrable part ("example.co.uk" of "mail.example.co.uk")
//   splitTokens(hostPart)      the labels and dash-separated pieces of a name, in order
//
// The organisational domain is approximated without the Public Suffix List (no dependency for
// one heuristic): the last two labels, or three when the second-level label is a common
// country-code second level (co.uk, com.au, ne.jp...). It only decides which part of a name is
// the "host part" in which IP-in-name and dynamic tokens are looked for, as Haraka does.

const SECOND_LEVELS = new Set([
  "co",
  "com",
  "net",
  "org",
  "ac",
  "gov",
  "edu",
  "ne",
  "or",
  "gen",
  "ltd",
  "plc",
]);

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export function organisationalDomain(name: string): string {
  const labels = normaliseName(name).split(".");
  if (labels.length <= 2) return labels.join(".");
  const tld = labels.at(-1) ?? "";
  const second = labels.at(-2) ?? "";
  const keep = tld.length === 2 && SECOND_LEVELS.has(second) ? 3 : 2;
  return labels.slice(-keep).join(".");
}

export function splitTokens(hostPart: string): string[] {
  return hostPart.split(/[.\-_]+/).filter((token) => token.length > 0);
}

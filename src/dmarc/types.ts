// DMARC aggregate reports (RFC 7489 section 7.2 and appendix C): what one `record` says, and the
// one row per source IP that `rdns dmarc` prints (docs/cli.md; add fields, never rename them).

/** One `<record>`: a source IP and a result combination, for `count` messages. */
export interface DmarcRecord {
  ip: string;
  count: number;
  /** `policy_evaluated`'s results: pass | fail (RFC 7489 appendix C, DMARCResultType). */
  spf: string;
  dkim: string;
  /** none | quarantine | reject. */
  disposition: string;
  headerFrom: string;
}

/** One source IP over every record of every report read, the `rdns dmarc --json` row. */
export interface DmarcRow {
  ip: string;
  /** Messages, summed over the IP's records. */
  count: number;
  /** The one value when every record of the IP agrees, else "mixed" (the split is in `*ByResult`). */
  spf: string;
  dkim: string;
  disposition: string;
  /** The header-from domain with the most messages from this IP. */
  headerFrom: string;
  spfByResult: Record<string, number>;
  dkimByResult: Record<string, number>;
  dispositionByResult: Record<string, number>;
  /** Every header-from domain sent from this IP, most messages first. */
  headerFromDomains: string[];
}

export interface DmarcReading {
  /** `<feedback>` documents read (a zip may hold several). */
  reports: number;
  records: DmarcRecord[];
  /** The reporting organisations (`report_metadata/org_name`), in the order read. */
  organisations: string[];
  /** Records left out: no valid `source_ip` or `count`. */
  skipped: number;
}

/**
 * Input the reader will not read: over the size or record bounds, a DOCTYPE (entity expansion),
 * a zip bomb, a broken archive or XML. Its message is one plain line for the user.
 */
export class DmarcRefusedError extends Error {
  override name = "DmarcRefusedError";
}

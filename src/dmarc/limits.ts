// Bounds that keep a hostile report from costing more than a large real one. Google's and
// Microsoft's daily reports for a busy domain are a few MB of XML and some thousands of records.

/** Uncompressed bytes read per input (after gzip or zip), 50 MiB. */
export const MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
/** `<record>` elements read per input. */
export const MAX_RECORDS = 100_000;
/** Entries of one zip archive (providers send one .xml per zip). */
export const MAX_ZIP_ENTRIES = 100;
/** Element nesting: appendix C's schema nests five deep; a deeper document is no report. */
export const MAX_DEPTH = 64;
/** Characters kept of one text value (an IP, a domain, a result). */
export const MAX_VALUE_CHARS = 512;

// Which shared files a platform downloads for the app as possible DMARC aggregate reports (RFC 7489
// 7.2.1.1: plain XML, gzip or zip; providers name them `*.xml`, `*.xml.gz`, `*.zip`). The name and
// type only decide what is worth downloading: whether it is a report is told by the bytes
// (src/dmarc), so a report with an odd name still needs one of these to be fetched.
const REPORT_NAME = /\.(?:xml|gz|zip)$/i;
const REPORT_TYPES = new Set([
  "application/xml",
  "text/xml",
  "application/gzip",
  "application/x-gzip",
  "application/zip",
  "application/x-zip-compressed",
]);

export function looksLikeReportFile(name: string, contentType: string | null | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return REPORT_NAME.test(name) || REPORT_TYPES.has(type);
}

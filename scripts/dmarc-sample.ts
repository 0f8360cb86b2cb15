// Synthetic DMARC aggregate reports (RFC 7489 appendix C) of any size, shaped as Google sends them
// (no namespace, auth_results beside policy_evaluated): for the reader's bounds test and
// `npm run bench:bounce`. Addresses cycle through documentation space (RFC 5737 / RFC 3849).

function sourceIp(i: number): string {
  if (i % 5 === 4) return `2001:db8::${(i % 65_000).toString(16)}`;
  const nets = ["192.0.2", "198.51.100", "203.0.113"];
  return `${nets[i % 3]}.${i % 250}`;
}

// One record per line, without indentation (as Yahoo sends them): a 100,000-record report is
// then about 39 MB, inside the reader's 50 MiB bound; pretty-printed it would be 56 MB.
function record(i: number): string {
  const spf = i % 7 === 0 ? "fail" : "pass";
  const dkim = i % 11 === 0 ? "fail" : "pass";
  return `<record><row><source_ip>${sourceIp(i)}</source_ip><count>${(i % 40) + 1}</count><policy_evaluated><disposition>none</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>${dkim}</result><selector>s1</selector></dkim><spf><domain>example.com</domain><result>${spf}</result></spf></auth_results></record>\n`;
}

/** A report of `records` records; `xmlns` adds the dmarc-2.0 namespace as Microsoft sends it. */
export function syntheticDmarcReport(records: number, xmlns = false): Buffer {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8" ?>\n<feedback${xmlns ? ' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"' : ""}>
  <report_metadata>
    <org_name>google.com</org_name>
    <email>noreply-dmarc-support@google.com</email>
    <report_id>${records}</report_id>
    <date_range><begin>1765065600</begin><end>1765151999</end></date_range>
  </report_metadata>
  <policy_published><domain>example.com</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>
`,
  ];
  for (let i = 0; i < records; i++) parts.push(record(i));
  parts.push("</feedback>\n");
  return Buffer.from(parts.join(""));
}

/**
 * A Postfix receiver's log of about `bytes` bytes: accepted sessions (connect, client=, the
 * content filter's localhost hop, disconnect) and one rDNS reject of 203.0.113.5 as its last line.
 */
export function receiverLogWithOneReject(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes - 512; i++) {
    const ip = `198.51.100.${i % 250}`;
    const stamp = `Dec  7 10:${String(i % 60).padStart(2, "0")}:01 mx1`;
    const lines = `${stamp} postfix/smtpd[${i}]: connect from mail${i}.example.net[${ip}]
${stamp} postfix/smtpd[${i}]: 4B${i}F: client=mail${i}.example.net[${ip}]
${stamp} postfix/smtpd[9]: 4B${i}F: client=localhost[127.0.0.1]
${stamp} postfix/smtpd[${i}]: disconnect from mail${i}.example.net[${ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
`;
    parts.push(lines);
    size += lines.length;
  }
  parts.push(
    "Dec  7 11:00:02 mx1 postfix/smtpd[1234]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.5]; from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<mail.example.com>\n",
  );
  return Buffer.from(parts.join(""));
}

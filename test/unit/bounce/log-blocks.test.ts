// A Postfix `NOQUEUE: reject` line inside a multi-line log (a partner's admin mails the log, or
// pastes it between other log lines) is a refusal of its own: each log line is one record, so the
// reply blocks never merge it with the lines around it (another client's `connect from`, a
// delivery line with its own failure), and its client and HELO are read from its fields.
import { describe, expect, it } from "vitest";
import { findReplyBlocks } from "../../../src/bounce/blocks.js";
import { readBounce } from "../../../src/bounce/index.js";

const CONNECT_OTHER = "Dec  7 10:00:00 mx1 postfix/smtpd[123]: connect from mail.other.example[198.51.100.7]";
const NOQUEUE =
  "Dec  7 10:00:01 mx1 postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.5]; from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<mail.example.com>";
const BOUNCED =
  "Dec  7 10:00:02 mx1 postfix/smtp[124]: 4ABC: to=<q@x.example>, relay=mx.x.example[192.0.2.1]:25, dsn=5.1.1, status=bounced (host mx.x.example[192.0.2.1] said: 550 5.1.1 <q@x.example>: user unknown (in reply to RCPT TO command))";
const LOG = [CONNECT_OTHER, NOQUEUE, BOUNCED];

describe("a NOQUEUE reject inside a multi-line log", () => {
  it("is a reply block of its own, not merged with the log lines around it", () => {
    const blocks = findReplyBlocks(LOG);
    expect(blocks.map((block) => block.lines)).toEqual([[NOQUEUE], [BOUNCED]]);
  });

  it("keeps a wrapped continuation line with its record", () => {
    const wrapped = [CONNECT_OTHER, NOQUEUE.slice(0, 120), `    ${NOQUEUE.slice(120)}`];
    const blocks = findReplyBlocks(wrapped);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.lines).toEqual(wrapped.slice(1));
  });

  it("mailed as a message body: the reject's client and HELO, and the other failure beside it", async () => {
    const mail = `From: postmaster@example.org\nTo: ops@example.com\nSubject: what our server logged\n\nHi, this is what we see:\n\n${LOG.join("\n")}\n`;
    const { findings } = await readBounce(Buffer.from(mail));
    expect(findings.map((finding) => [finding.ip, finding.helo, finding.category])).toEqual([
      ["203.0.113.5", "mail.example.com", "rdns"],
      [null, null, "mailbox"],
    ]);
    expect(findings[0]?.diagnostic).toBe(
      "450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.5]",
    );
    expect(findings[0]?.recipient).toBe("b@example.org");
  });
});

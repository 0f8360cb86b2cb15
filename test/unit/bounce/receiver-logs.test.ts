// Issue 26 items 1 and 2: a receiver's own MTA log (the partner's Postfix, postscreen, Exim,
// Sendmail, Exchange), each written from the MTA's documented line shapes, gives the client it
// refused and the HELO it logged; the receiver's own hops (localhost, internal relays, its own
// interface address) never are. A refusal that names the client only in words gives that address,
// never the receiver's bracketed MX address on the same line.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";
import type { BounceFinding } from "../../../src/bounce/types.js";

const dir = join(import.meta.dirname, "..", "..", "fixtures", "bounces", "receiver");
const read = async (name: string) =>
  (await readBounce(readFileSync(join(dir, name)), { file: name })).findings;
const facts = (finding: BounceFinding | undefined) =>
  finding === undefined
    ? undefined
    : { ip: finding.ip, helo: finding.helo, category: finding.category, recipient: finding.recipient };

describe("receiver-side logs", () => {
  it("Postfix smtpd: the client of the reject, its HELO, FCrDNS explained; localhost and own relays skipped", async () => {
    const findings = await read("postfix-smtpd.log");
    expect(findings.map(facts)).toEqual([
      { ip: "203.0.113.5", helo: "mail.example.com", category: "rdns", recipient: "b@example.org" },
    ]);
    expect(findings[0]?.smtpCode).toBe(450);
    expect(findings[0]?.enhancedCode).toBe("4.7.25");
    expect(findings[0]?.diagnostic).toBe(
      "450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.5]",
    );
    expect(findings[0]?.explanation).toMatch(/reject_unknown_client_hostname/);
    expect(findings[0]?.explanation).toMatch(/does not|no A\/AAAA record pointing back/);
  });

  it("Postfix over IPv6: 'cannot find your reverse hostname' is a missing PTR only; a link-local hop is skipped", async () => {
    const findings = await read("postfix-smtpd-v6.log");
    expect(findings.map(facts)).toEqual([
      { ip: "2001:db8:5::25", helo: "mail6.example.com", category: "rdns", recipient: "b@example.org" },
    ]);
    expect(findings[0]?.explanation).toMatch(/no PTR record for 2001:db8:5::25 at all/);
    expect(findings[0]?.explanation).not.toMatch(/reject_unknown_client_hostname/);
  });

  it("Postfix reject_unknown_helo_hostname: the HELO is the finding beside the client", async () => {
    const [finding] = await read("postfix-helo.log");
    expect(facts(finding)).toEqual({
      ip: "198.51.100.61",
      helo: "bogus.invalid",
      category: "rdns",
      recipient: "b@example.org",
    });
  });

  it("postscreen: the client, never the receiver's own [192.0.2.25]:25", async () => {
    const findings = await read("postscreen.log");
    expect(findings.map(facts)).toEqual([
      { ip: "198.51.100.7", helo: "bad.example.com", category: "blocklist", recipient: "b@example.org" },
    ]);
  });

  it("Exim: H=(helo) [ip] of rejected RCPT and after DATA; its own I=, delivery lines and localhost skipped", async () => {
    const findings = await read("exim-reject.log");
    expect(findings.map(facts)).toEqual([
      { ip: "203.0.113.9", helo: "mail.example.com", category: "rdns", recipient: "b@example.org" },
      { ip: "2001:db8:44::9", helo: "helo6.example.net", category: "reputation", recipient: null },
    ]);
  });

  it("Sendmail: relay= of a reject= line, never the relay= of a delivery", async () => {
    const findings = await read("sendmail-reject.log");
    expect(findings.map(facts)).toEqual([
      { ip: "203.0.113.77", helo: null, category: "rdns", recipient: "b@example.org" },
      { ip: "198.51.100.90", helo: null, category: "ratelimit", recipient: null },
    ]);
  });

  it("Exchange receive protocol log: remote endpoint and the session's EHLO; the local endpoint never", async () => {
    const findings = await read("exchange-receive.log");
    expect(findings.map(facts)).toEqual([
      { ip: "203.0.113.88", helo: "sender.example.com", category: "blocklist", recipient: null },
    ]);
  });

  it("one pasted reject line without a timestamp is read too", async () => {
    const { findings } = await readBounce(
      "NOQUEUE: reject: RCPT from unknown[192.0.2.77]: 550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.77]; from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<Mail.Example.COM>",
    );
    expect(facts(findings[0])).toEqual({
      ip: "192.0.2.77",
      helo: "mail.example.com",
      category: "rdns",
      recipient: "b@example.org",
    });
  });
});

describe("the address in the words", () => {
  const cases: [string, string][] = [
    [
      "Remote server mx.example.org [192.0.2.25] returned: 554 5.7.1 The sending mail server at 203.0.113.50 is not allowed",
      "203.0.113.50",
    ],
    [
      "host mx.example.org[192.0.2.25] said: 550 5.7.1 Your IP 198.51.100.3 has no reverse DNS",
      "198.51.100.3",
    ],
    [
      "host mx.example.org[192.0.2.25] said: 554 5.7.1 [192.0.2.25] Client host 203.0.113.51 refused: no PTR",
      "203.0.113.51",
    ],
    [
      "Remote server at [192.0.2.25] said: 421 4.7.0 connection from 2001:db8::51 refused, reverse DNS missing",
      "2001:db8::51",
    ],
    [
      "host mx.example.de[192.0.2.25] said: 550 5.7.1 Ihre IP-Adresse 203.0.113.52 hat keinen PTR",
      "203.0.113.52",
    ],
    [
      "host mx.example.fr[192.0.2.25] said: 550 5.7.1 Votre adresse IP 203.0.113.53 n'a pas de reverse DNS",
      "203.0.113.53",
    ],
    [
      "host mx.example.es[192.0.2.25] said: 550 5.7.1 Su dirección IP 203.0.113.54 no tiene PTR",
      "203.0.113.54",
    ],
    [
      "host mx.example.it[192.0.2.25] said: 550 5.7.1 Il tuo indirizzo IP 203.0.113.55 non ha PTR",
      "203.0.113.55",
    ],
    [
      "host mx.example.nl[192.0.2.25] said: 550 5.7.1 Uw IP-adres 203.0.113.56 heeft geen PTR",
      "203.0.113.56",
    ],
    ["host mx.example.ru[192.0.2.25] said: 550 5.7.1 Ваш IP-адрес 203.0.113.57 не имеет PTR", "203.0.113.57"],
  ];
  for (const [text, ip] of cases) {
    it(`${ip} from "${text.slice(text.indexOf("said") + 1, 80)}"`, async () => {
      const { findings } = await readBounce(text);
      expect(findings[0]?.ip).toBe(ip);
    });
  }
});

// Issue 26.1: Microsoft 365 and Exchange traces a partner's admin pastes. Each record is written
// from the documented shape: Get-MessageTraceV2's fields and -Status values
// (learn.microsoft.com/powershell/module/exchange/get-messagetracev2; FromIP "for incoming
// messages, the public IP address of the SMTP email server that sent the message",
// learn.microsoft.com/graph/api/resources/exchangemessagetrace), Get-MessageTrackingLog's fields
// (the tracking log's names without hyphens, learn.microsoft.com/powershell/module/exchange/
// get-messagetrackinglog) and the admin center's extended report (the same fields in snake_case).
// The client the receiver recorded is the finding; the receiver's own ToIP / ServerIp never is,
// nor a private hop, nor a delivered message's client.
import { describe, expect, it } from "vitest";
import { readBounce } from "../../../src/bounce/index.js";

const facts = async (text: string) =>
  (await readBounce(Buffer.from(text))).findings.map((finding) => ({
    ip: finding.ip,
    helo: finding.helo,
    category: finding.category,
    recipient: finding.recipient,
  }));

describe("Microsoft 365 / Exchange message traces", () => {
  it("Get-MessageTraceV2 | Export-Csv: FromIP of the failed and spam-filtered messages, never ToIP", async () => {
    const csv = [
      "#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting.MessageTrace",
      '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId","Organization"',
      '"12/7/2026 9:12:03 AM","news@example.com","alice@contoso.example","December news","FilteredAsSpam","","203.0.113.25","48213","<n1@example.com>","0f1e2d3c-0000-4000-8000-000000000001","contoso.onmicrosoft.com"',
      '"12/7/2026 9:12:04 AM","news@example.com","bob@contoso.example","December news","Delivered","","198.51.100.77","48213","<n2@example.com>","0f1e2d3c-0000-4000-8000-000000000002","contoso.onmicrosoft.com"',
      '"12/7/2026 9:13:00 AM","billing@example.com","carol@contoso.example","Invoice","Failed","","2001:db8:25::7","9120","<n3@example.com>","0f1e2d3c-0000-4000-8000-000000000003","contoso.onmicrosoft.com"',
      '"12/7/2026 9:14:00 AM","dave@contoso.example","erin@example.net","Re: Invoice","Failed","192.0.2.10","10.20.0.5","3120","<n4@contoso.example>","0f1e2d3c-0000-4000-8000-000000000004","contoso.onmicrosoft.com"',
    ].join("\r\n");
    expect(await facts(csv)).toEqual([
      { ip: "203.0.113.25", helo: null, category: "reputation", recipient: "alice@contoso.example" },
      { ip: "2001:db8:25::7", helo: null, category: "other", recipient: "carol@contoso.example" },
    ]);
  });

  it("Get-MessageTrace | Format-List: one record per block", async () => {
    const list = [
      "Received         : 12/7/2026 9:12:03 AM",
      "SenderAddress    : news@example.com",
      "RecipientAddress : alice@contoso.example",
      "Subject          : December news",
      "Status           : Delivered",
      "ToIP             :",
      "FromIP           : 198.51.100.77",
      "Size             : 48213",
      "",
      "Received         : 12/7/2026 9:15:41 AM",
      "SenderAddress    : news@example.com",
      "RecipientAddress : frank@contoso.example",
      "Subject          : December news",
      "Status           : Quarantined",
      "ToIP             :",
      "FromIP           : 203.0.113.26",
      "Size             : 48213",
    ].join("\n");
    expect(await facts(list)).toEqual([
      { ip: "203.0.113.26", helo: null, category: "reputation", recipient: "frank@contoso.example" },
    ]);
  });

  it("Get-MessageTrackingLog | Export-Csv: the RECEIVE record's ClientIp for the FAIL of the same message, never ServerIp", async () => {
    const csv = [
      '"Timestamp","ClientIp","ClientHostname","ServerIp","ServerHostname","SourceContext","ConnectorId","Source","EventId","InternalMessageId","MessageId","Recipients","RecipientStatus","TotalBytes","Sender"',
      '"12/7/2026 9:20:00 AM","198.51.100.30","mail.example.com","192.0.2.44","EX01","08DC1;250 2.0.0 OK","EX01\\Default Frontend EX01","SMTP","RECEIVE","4242","<m1@example.com>","gina@contoso.example","","20480","news@example.com"',
      '"12/7/2026 9:20:01 AM","","","192.0.2.44","EX01","","","AGENT","FAIL","4242","<m1@example.com>","gina@contoso.example","550 5.7.1 Message rejected as spam by Content Filtering.","20480","news@example.com"',
      '"12/7/2026 9:21:00 AM","198.51.100.31","mail2.example.com","192.0.2.44","EX01","","EX01\\Default Frontend EX01","SMTP","RECEIVE","4243","<m2@example.com>","hal@contoso.example","","2048","news@example.com"',
    ].join("\n");
    const findings = (await readBounce(Buffer.from(csv))).findings;
    expect(findings.map((finding) => [finding.ip, finding.category, finding.recipient])).toEqual([
      ["198.51.100.30", "reputation", "gina@contoso.example"],
    ]);
    expect(findings[0]?.diagnostic).toBe("550 5.7.1 Message rejected as spam by Content Filtering.");
    expect(findings[0]?.smtpCode).toBe(550);
  });

  it("the admin center's extended report (snake_case): client_ip of the failed message, the reply read", async () => {
    const csv = [
      "date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,connector_id,source,event_id,internal_message_id,message_id,network_message_id,recipient_address,recipient_status,total_bytes,sender_address",
      "2026-12-07T09:30:00.000Z,2001:db8:7::25,mx.example.com,2603:10a6::1,AM0PR01MB,,,SMTP,RECEIVE,77,<x1@example.com>,5b0e6a52-0000-4000-8000-0000000000aa,ivy@contoso.example,,3000,news@example.com",
      '2026-12-07T09:30:01.000Z,,,2603:10a6::1,AM0PR01MB,,,ROUTING,FAIL,77,<x1@example.com>,5b0e6a52-0000-4000-8000-0000000000aa,ivy@contoso.example,"550 5.7.1 Service unavailable, Client host [2001:db8:7::25] blocked using Spamhaus",3000,news@example.com',
    ].join("\n");
    expect(await facts(csv)).toEqual([
      { ip: "2001:db8:7::25", helo: null, category: "blocklist", recipient: "ivy@contoso.example" },
    ]);
  });

  it("a trace with only delivered mail, or only private clients, gives nothing", async () => {
    const csv = [
      '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size"',
      '"12/7/2026 9:12:04 AM","news@example.com","bob@contoso.example","December news","Delivered","","198.51.100.77","48213"',
      '"12/7/2026 9:14:00 AM","dave@contoso.example","erin@example.net","Re","Failed","192.0.2.10","127.0.0.1","3120"',
    ].join("\n");
    expect(await facts(csv)).toEqual([]);
  });

  it("Exchange SMTP receive protocol log over IPv6: the bracketed remote endpoint and the session's EHLO", async () => {
    const log = [
      "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context",
      "2026-12-07T10:00:01.123Z,EX01\\Default Frontend EX01,08DA1B2C3D4E5F70,0,[2001:db8::25]:25,[2001:db8:7::88]:49152,+,,",
      "2026-12-07T10:00:01.200Z,EX01\\Default Frontend EX01,08DA1B2C3D4E5F70,2,[2001:db8::25]:25,[2001:db8:7::88]:49152,<,EHLO v6.example.com,",
      "2026-12-07T10:00:01.300Z,EX01\\Default Frontend EX01,08DA1B2C3D4E5F70,4,[2001:db8::25]:25,[2001:db8:7::88]:49152,>,550 5.7.1 Client host rejected: cannot find your reverse hostname,",
    ].join("\n");
    expect(await facts(log)).toEqual([
      { ip: "2001:db8:7::88", helo: "v6.example.com", category: "rdns", recipient: null },
    ]);
  });
});

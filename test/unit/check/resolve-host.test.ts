// Which inputs count as a host name to resolve (the rest go to the address parser).
import { describe, expect, it } from "vitest";
import { asHostName } from "../../../src/check/resolve-host.js";

describe("asHostName", () => {
  it.each([
    ["mail.example.com", "mail.example.com"],
    ["MAIL.Example.COM.", "mail.example.com"],
    ["mx-1.mail.example.co.uk", "mx-1.mail.example.co.uk"],
  ])("%s is a host name", (input, expected) => {
    expect(asHostName(input)).toBe(expected);
  });

  it.each([
    ["mailserver"],
    ["203.0.113.5"],
    ["-bad.example.com"],
    ["bad-.example.com"],
    ["a..example.com"],
    ["mail_1.example.com"],
    [`${"a".repeat(64)}.example.com`],
    ["2001:db8::1"],
    ["example.123"],
    [""],
  ])("%s is not", (input) => {
    expect(asHostName(input)).toBeNull();
  });
});

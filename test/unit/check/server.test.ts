import { describe, expect, it } from "vitest";
import { formatServer, parseServer } from "../../../src/check/server.js";
import { InvalidInputError } from "../../../src/check/types.js";

describe("parseServer", () => {
  it.each([
    ["192.0.2.53", { host: "192.0.2.53", port: 53, family: 4 }, "192.0.2.53:53"],
    ["127.0.0.1:5300", { host: "127.0.0.1", port: 5300, family: 4 }, "127.0.0.1:5300"],
    ["[::1]:5300", { host: "::1", port: 5300, family: 6 }, "[::1]:5300"],
    ["[2001:db8::53]", { host: "2001:db8::53", port: 53, family: 6 }, "[2001:db8::53]:53"],
    ["2001:db8::53", { host: "2001:db8::53", port: 53, family: 6 }, "[2001:db8::53]:53"],
  ])("reads %s", (text, expected, formatted) => {
    const parsed = parseServer(text);
    expect(parsed).toEqual(expected);
    expect(formatServer(parsed)).toBe(formatted);
  });

  it.each(["dns.google", "127.0.0.1:0", "127.0.0.1:70000", "[::1]:x", "", "1.2.3.4:53:53"])(
    "rejects %j",
    (text) => {
      expect(() => parseServer(text)).toThrow(InvalidInputError);
    },
  );
});

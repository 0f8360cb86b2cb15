// Issue 28: the one rule for which addresses a report leaves out (ip.ts's notPublicReason), and
// the words that name them; SHOW_PRIVATE_ADDRESSES read from the environment.
import { describe, expect, it } from "vitest";
import {
  addressesText,
  hideNonPublicAddresses,
  isNonPublicAddress,
  withoutNonPublicAddresses,
} from "../../../src/check/private-addresses.js";
import { privateAlsoText, privateOnlyText } from "../../../src/check/resolve-host.js";
import type { ForwardLookup, Observations } from "../../../src/check/types.js";
import { loadConfig } from "../../../src/config.js";
import { settingsFromConfig } from "../../../src/settings.js";

const lookup = (addresses: string[], confirms = false): ForwardLookup => ({
  name: "inside.example.test",
  status: "found",
  addresses,
  cnames: [],
  server: "127.0.0.1:5301",
  ttl: 5,
  confirms,
});

describe("isNonPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "fd00::1",
    "::1",
    "fe80::1",
    "::ffff:10.1.2.3",
    "not an address",
  ])("%s is not public", (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each([
    "203.0.113.5",
    "198.51.100.7",
    "8.8.8.8",
    "2001:db8::25",
    "2a00:1450:4001::1",
    "::ffff:203.0.113.5",
  ])("%s is public (documentation ranges too)", (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
});

describe("hiding and naming", () => {
  it("leaves the public addresses, counts the others, keeps confirms", () => {
    const hidden = hideNonPublicAddresses(lookup(["203.0.113.37", "10.1.2.3", "fd00::1"], true));
    expect(hidden).toMatchObject({ addresses: ["203.0.113.37"], privateAddresses: 2, confirms: true });
    expect(addressesText(hidden)).toBe("203.0.113.37, 2 private addresses");
    expect(addressesText(hideNonPublicAddresses(lookup(["169.254.169.254"])))).toBe("a private address");
  });

  it("changes nothing without a non-public address (no privateAddresses field)", () => {
    const plain = lookup(["203.0.113.10"], true);
    expect(hideNonPublicAddresses(plain)).toBe(plain);
    expect(addressesText(plain)).toBe("203.0.113.10");
    expect(addressesText(lookup([]))).toBe("");
  });

  it("marks non-public addresses when they are shown", () => {
    expect(addressesText(lookup(["203.0.113.37", "10.1.2.3"]))).toBe("203.0.113.37, 10.1.2.3 (private)");
  });

  it("observations: the PTR names' and the HELO's lookups", () => {
    const obs = {
      forward: [lookup(["127.0.0.1"])],
      helo: { name: "inside.example.test", lookup: lookup(["10.1.2.3", "192.168.0.1"]) },
    } as unknown as Observations;
    const hidden = withoutNonPublicAddresses(obs);
    expect(hidden.forward[0]).toMatchObject({ addresses: [], privateAddresses: 1 });
    expect(hidden.helo?.lookup).toMatchObject({ addresses: [], privateAddresses: 2 });
    expect(JSON.stringify(hidden)).not.toMatch(/10\.1\.2\.3|192\.168|127\.0\.0\.1(?!:\d)/);
  });

  it("a typed host name's words count, never name", () => {
    const text = privateOnlyText({
      status: "private",
      name: "db.corp.internal",
      privateAddresses: 2,
      failed: [],
    });
    expect(text).toBe(
      "db.corp.internal resolves only to 2 non-public addresses (not shown): receivers never see them, so there is nothing to check; give the public IP your mail leaves from",
    );
    expect(privateAlsoText("mail.example.com", 0)).toBeNull();
    expect(privateAlsoText("mail.example.com", 1)).toBe(
      "mail.example.com also has a non-public address, not checked and not shown: receivers never see them",
    );
  });
});

describe("SHOW_PRIVATE_ADDRESSES", () => {
  it("is off unless 1 or true, and reaches the check's settings", () => {
    expect(settingsFromConfig(loadConfig({})).check.showPrivateAddresses).toBe(false);
    expect(settingsFromConfig(loadConfig({ SHOW_PRIVATE_ADDRESSES: "1" })).check.showPrivateAddresses).toBe(
      true,
    );
    expect(loadConfig({ SHOW_PRIVATE_ADDRESSES: "true" }).SHOW_PRIVATE_ADDRESSES).toBe(true);
    expect(loadConfig({ SHOW_PRIVATE_ADDRESSES: "" }).SHOW_PRIVATE_ADDRESSES).toBe(false);
    expect(() => loadConfig({ SHOW_PRIVATE_ADDRESSES: "yes" })).toThrow(/SHOW_PRIVATE_ADDRESSES/);
  });
});

// A sweep's memory of each authoritative server's SOA per zone, so the zone's serial (issue 29:
// which server's answer is the newest) and the zone's names (the owner section's zone and
// contact) cost one SOA question per server and zone every SERIAL_CACHE_SECONDS, not one beside
// every PTR: a /24 in one reverse zone asks each authority ~1 SOA, not 256.
//
// Only sweeps keep one: `rdns sweep`, its worker threads and `rdns dmarc --check`, all through
// src/cli/sweep-checks.ts (CheckDependencies.serialCache). An interactive check (rdns check, the bot, re-checks) has none and asks the SOA beside its PTR
// every time, as before: a chain waiting for a fix must see the version the answer came from.
//
// Exports:
//   SERIAL_CACHE_SECONDS         how long a server's SOA of a zone is kept, and why
//   class SerialCache            find / soaFor / remember / noteSerial
//   interface ZoneSoa            an SOA as askSoa reads it
import { serialNewer } from "./authority-serials.js";

/** A zone's SOA as one server served it (authority-discovery.ts askSoa). */
export interface ZoneSoa {
  zone: string;
  ttl: number;
  minimum: number;
  serial: number | null;
  mname: string;
  rname: string;
}

/**
 * How long a server's SOA of a zone is kept. A zone's version changes when its primary loads a
 * new one; secondaries follow within seconds of its NOTIFY (RFC 1996 3), else at the SOA REFRESH
 * timer. A kept serial never decides which answer a check takes nor whether AUTHORITY_LAG is
 * reported: while every server gives the same answer, the answer taken is that answer whatever
 * the serials say (authority-serials.ts chooseNewest), and as soon as the servers answer
 * differently their serials are asked afresh beside that very answer (askServersWithSerial),
 * so RFC 1982 compares the versions the answers came from. What the window bounds is how old a
 * serial shown beside agreeing answers may be, and how late a sweep sees a changed SOA contact.
 * Ten seconds: a /24 of one zone is swept inside it at the lab's rates (one SOA per server), and
 * a sweep at --qps 40 spends one packet in 400 on it.
 */
export const SERIAL_CACHE_SECONDS = 10;

/** Zones kept at most (a /16 sweep meets 256 reverse zones; each server keeps its own). */
const MAX_ENTRIES = 4096;

export class SerialCache {
  private readonly entries = new Map<string, { soa: ZoneSoa; expires: number }>();
  /** SOA questions under way, by server and the asked name's parent: siblings share one. */
  private readonly pending = new Map<string, Promise<ZoneSoa | null>>();

  constructor(
    private readonly seconds: number = SERIAL_CACHE_SECONDS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * `server`'s kept SOA of the closest zone enclosing `name`, or null. A child zone that the same
   * server also serves is not seen while its parent's SOA is kept, as with discovered servers
   * (zone-cache.ts): a negative answer's own SOA names its zone (RFC 2308 3) and is preferred.
   */
  find(server: string, name: string): ZoneSoa | null {
    let candidate = name;
    for (;;) {
      const key = `${server}|${candidate}`;
      const entry = this.entries.get(key);
      if (entry !== undefined) {
        if (entry.expires > this.now()) return entry.soa;
        this.entries.delete(key);
      }
      const dot = candidate.indexOf(".");
      if (dot < 0) return null;
      candidate = candidate.slice(dot + 1);
    }
  }

  /**
   * The SOA of `name`'s zone at `server`: kept (`kept` true), shared with a sibling's question
   * under way (also `kept`: not asked beside this answer), else `ask()`'s, remembered.
   */
  soaFor(
    server: string,
    name: string,
    ask: () => Promise<ZoneSoa | null>,
  ): { soa: Promise<ZoneSoa | null>; kept: boolean } {
    const found = this.find(server, name);
    if (found !== null) return { soa: Promise.resolve(found), kept: true };
    const key = `${server}|${name.slice(name.indexOf(".") + 1)}`;
    const running = this.pending.get(key);
    if (running !== undefined) {
      // The sibling's zone encloses this name unless the sibling is itself a zone's apex.
      const shared = running.then((soa) =>
        soa !== null && encloses(soa.zone, name) ? soa : (this.find(server, name) ?? ask()),
      );
      return { soa: shared, kept: true };
    }
    const asked = ask().then((soa) => {
      if (soa !== null && encloses(soa.zone, name)) this.remember(server, soa);
      return soa;
    });
    this.pending.set(key, asked);
    void asked
      .catch(() => null)
      .then(() => {
        if (this.pending.get(key) === asked) this.pending.delete(key);
      });
    return { soa: asked, kept: false };
  }

  /** Keeps `server`'s SOA of `soa.zone` for the window (a fresh one replaces the kept one). */
  remember(server: string, soa: ZoneSoa): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${server}|${soa.zone}`, { soa, expires: this.now() + this.seconds * 1000 });
  }

  /**
   * A serial `server` just served for `zone` in a negative answer's SOA (RFC 2308 3): when it is
   * newer than the kept one (RFC 1982), the kept SOA takes it.
   */
  noteSerial(server: string, zone: string, serial: number | undefined): void {
    if (serial === undefined) return;
    const entry = this.entries.get(`${server}|${zone}`);
    if (entry === undefined || entry.soa.serial === serial) return;
    if (entry.soa.serial === null || serialNewer(serial, entry.soa.serial)) {
      entry.soa = { ...entry.soa, serial };
    }
  }
}

function encloses(zone: string, name: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

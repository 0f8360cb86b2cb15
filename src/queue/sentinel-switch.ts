// Every connection of the process that is still connected when the Sentinels switch the primary
// reconnects (and so asks the Sentinels for the new one). A primary that died closes its sockets
// and connections reconnect by themselves; one that hangs or is cut off keeps them open, and they
// would wait on it until it answers again as a replica (READONLY).
//
// ioredis has this (`failoverDetector`), but it ends the connector whatever the connection is
// doing: a connection in the middle of asking the Sentinels for the primary (a reconnect after the
// kill) then fails with "Connection is closed.", rejects its queued commands and never reconnects
// (ioredis Redis#_connect sets the status "end"). bench:failover saw it in 3 of 5 kills on a
// loaded machine: nothing answered again. The same symptom is reported as ioredis issue #1683.
// Here only connections that are `ready` are reconnected, which has no such race.
import { Redis } from "ioredis";

/** Reconnect soon and often: a Sentinel restarting comes back within seconds. */
const retry = (times: number) => Math.min(100 + times * 100, 1000);

/** The connections of one Sentinel-managed primary, and one subscription per Sentinel. */
class SwitchWatch {
  private readonly connections = new Set<Redis>();
  private subscribers: Redis[] = [];
  private lastSwitch = "";

  constructor(
    private readonly options: Pick<Redis["options"], "sentinels" | "name" | "sentinelPassword">,
    private readonly onEmpty: () => void,
  ) {}

  remove(connection: Redis): void {
    if (!this.connections.delete(connection) || this.connections.size > 0) return;
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers = [];
    this.onEmpty();
  }

  add(connection: Redis): void {
    this.connections.add(connection);
    connection.once("end", () => this.remove(connection));
    if (this.subscribers.length === 0) this.subscribe();
  }

  private subscribe(): void {
    // Every Sentinel publishes +switch-master (https://redis.io/docs/latest/operate/oss_and_stack/
    // management/sentinel/, "Pub/Sub messages"): any one that answers is enough.
    for (const address of this.options.sentinels ?? []) {
      const subscriber = new Redis({
        host: address.host,
        port: address.port,
        password: this.options.sentinelPassword ?? undefined,
        retryStrategy: retry,
        maxRetriesPerRequest: null,
        // Closing waits this long at most for the socket to close (2 s by default).
        disconnectTimeout: 200,
      });
      // A Sentinel that is down only means one fewer to hear from; the others still publish.
      subscriber.on("error", () => undefined);
      keepsNoProcessAlive(subscriber);
      subscriber.subscribe("+switch-master").catch(() => undefined);
      subscriber.on("message", (_channel: string, message: string) => this.switched(message));
      this.subscribers.push(subscriber);
    }
  }

  /**
   * `<name> <old ip> <old port> <new ip> <new port>`, once from each Sentinel. A connection already
   * on the new primary is left alone (the Sentinels answer with the promoted replica before they
   * publish the switch, so a reconnect may have found it): ending a healthy connection can drop
   * the replies to commands the server ran, which ioredis would then send again.
   */
  private switched(message: string): void {
    const [name, , , host, port] = message.split(" ");
    if (name !== this.options.name || message === this.lastSwitch) return;
    this.lastSwitch = message;
    for (const connection of this.connections) {
      if (connection.status !== "ready") continue;
      const remote = connection.stream?.remoteAddress?.replace(/^::ffff:/, "");
      if (remote === host && String(connection.stream?.remotePort) === port) continue;
      connection.disconnect(true);
    }
  }
}

/**
 * A subscription only listens: its socket and its reconnect timer must not keep a process alive
 * whose connections are closed (a connection closed while it was reconnecting never says "end").
 */
function keepsNoProcessAlive(subscriber: Redis): void {
  subscriber.on("connect", () => subscriber.stream?.unref());
  subscriber.on("reconnecting", () => {
    // ioredis keeps the timer of its next attempt in a private field.
    (subscriber as unknown as { reconnectTimeout?: NodeJS.Timeout }).reconnectTimeout?.unref();
  });
}

const watches = new Map<string, SwitchWatch>();

/** Reconnects `connection` when its Sentinels announce a new primary (a no-op without Sentinels). */
export function followPrimarySwitches(connection: Redis): void {
  const { sentinels, name } = connection.options;
  if (sentinels === undefined || sentinels === null || sentinels.length === 0) return;
  const key = `${name}@${sentinels.map((s) => `${s.host}:${s.port}`).join(",")}`;
  let watch = watches.get(key);
  if (watch === undefined) {
    watch = new SwitchWatch(connection.options, () => watches.delete(key));
    watches.set(key, watch);
  }
  watch.add(connection);
}

/** Stops following for a connection being closed (one closed while reconnecting never ends). */
export function stopFollowingPrimarySwitches(connection: Redis): void {
  for (const watch of watches.values()) watch.remove(connection);
}

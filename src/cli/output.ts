// stdout for a stream of rows: writes wait for a full pipe to drain, and a reader that went away
// ends the output quietly (rdns sweep's ndjson and its table or csv at the end).

/**
 * stdout with back-pressure: a slow reader slows the sweep instead of growing a buffer. A reader
 * that went away (`| head`: EPIPE) ends the output, not the process with a stack trace.
 */
export class Output {
  private closed = false;
  /** One wait for "drain" shared by every lane that finds the pipe full (not one listener each). */
  private drained: Promise<void> | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on("error", () => {
      this.closed = true;
      stream.emit("drain");
    });
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(text)) return;
    this.drained ??= new Promise<void>((resolve) =>
      this.stream.once("drain", () => {
        this.drained = null;
        resolve();
      }),
    );
    await this.drained;
  }
}

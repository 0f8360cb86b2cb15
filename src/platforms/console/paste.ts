// Collects pasted lines into one message. A terminal paste arrives as many lines at once, so a
// message ends at an empty line or after a short silence, whichever comes first.

export interface PasteCollector {
  /** Some lines of a message were read and it has not ended yet. */
  readonly collecting: boolean;
  /** One more line of the message; the silence timer starts again. */
  add(line: string): void;
  /** Ends the message: hands it on, unless it is only blank lines. */
  flush(): void;
  /** Stops the silence timer, so a stopped console hands nothing on later. */
  cancel(): void;
}

export function createPasteCollector(idleMs: number, onMessage: (text: string) => void): PasteCollector {
  let lines: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    cancel();
    const text = lines.join("\n");
    lines = [];
    if (text.trim() === "") return;
    onMessage(text);
  };
  return {
    get collecting() {
      return lines.length > 0;
    },
    add(line) {
      lines.push(line);
      cancel();
      timer = setTimeout(flush, idleMs);
    },
    flush,
    cancel,
  };
}

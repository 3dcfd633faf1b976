/**
 * A live one-line status (a rate, a count) at the bottom of a terminal. It writes only when the
 * stream is a TTY, so nothing extra reaches a pipe or a file. Lines printed through `print` appear
 * above it: the status is erased, the line written, the status redrawn.
 */

const ERASE_LINE = "\r\x1b[2K";
const MIN_INTERVAL_MS = 200;

export class StatusLine {
  readonly enabled: boolean;
  #text = "";
  #shown = false;
  #lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.enabled = stream.isTTY === true;
  }

  /** Sets the status; redrawn at most five times a second unless `force`. */
  update(text: string, force = false): void {
    if (!this.enabled) return;
    this.#text = text;
    const now = Date.now();
    if (!force && now - this.#lastDraw < MIN_INTERVAL_MS) return;
    this.#lastDraw = now;
    const columns = this.stream.columns;
    const width = typeof columns === "number" && columns > 0 ? columns : 80;
    this.stream.write(ERASE_LINE + this.#text.slice(0, Math.max(0, width - 1)));
    this.#shown = true;
  }

  /** Writes `line` (with its own new line) to `out` without mixing it into the status. */
  print(out: NodeJS.WriteStream, line: string): void {
    // Only a line bound for the same terminal has to make room for the status.
    const sameTerminal = this.enabled && out.isTTY === true;
    if (sameTerminal && this.#shown) {
      this.stream.write(ERASE_LINE);
      this.#shown = false;
      this.#lastDraw = 0;
    }
    out.write(line);
    if (sameTerminal && this.#text !== "") this.update(this.#text);
  }

  /** Erases the status for good (before the summary). */
  clear(): void {
    if (this.#shown && this.enabled) this.stream.write(ERASE_LINE);
    this.#shown = false;
    this.#text = "";
  }
}

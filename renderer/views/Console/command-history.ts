/**
 * Shell-style command history for the console: Up/Down walk earlier lines, the line being typed
 * is kept as a draft and comes back after the newest entry, repeats of the previous line are
 * stored once, and the list is capped. Pure (persisted by the caller), so it is unit-tested.
 */

/** The default number of lines kept. */
export const historyLimit = 200;

/** History with a cursor; `null` cursor = editing a new line. */
export class CommandHistory {
  #lines: string[];
  #cursor: number | null = null;
  #draft = '';

  constructor(
    lines: readonly string[] = [],
    readonly limit = historyLimit,
  ) {
    this.#lines = lines.slice(-limit);
  }

  /** Oldest first. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Record a line that was sent (trimmed; blank lines and an immediate repeat are not stored). */
  push(line: string): void {
    const t = line.trim();
    this.#cursor = null;
    this.#draft = '';
    if (!t || this.#lines[this.#lines.length - 1] === t) return;
    this.#lines.push(t);
    if (this.#lines.length > this.limit) this.#lines.splice(0, this.#lines.length - this.limit);
  }

  /** The line to show after Up, given what is in the input now; null when there is nothing older. */
  up(current: string): string | null {
    if (this.#lines.length === 0) return null;
    if (this.#cursor === null) {
      this.#draft = current;
      this.#cursor = this.#lines.length - 1;
    } else if (this.#cursor > 0) this.#cursor--;
    else return null;
    return this.#lines[this.#cursor]!;
  }

  /** The line to show after Down; the draft once past the newest; null when not browsing. */
  down(): string | null {
    if (this.#cursor === null) return null;
    if (this.#cursor < this.#lines.length - 1) {
      this.#cursor++;
      return this.#lines[this.#cursor]!;
    }
    this.#cursor = null;
    return this.#draft;
  }
}

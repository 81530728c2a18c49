/**
 * A min-heap of timed items: the plan's schedules, fired in time order. Items due at the same
 * instant come out in the order they were added, so a plan is the same on every run. The times and
 * the order of adding are kept in typed arrays beside the items: a plan's tens of thousands of
 * schedules are compared there, without an object per entry.
 */
export class EventQueue<T> {
  #at = new Float64Array(1024);
  #seq = new Float64Array(1024);
  readonly #items: T[] = [];
  #size = 0;
  #nextSeq = 0;

  get size(): number {
    return this.#size;
  }

  push(at: number, item: T): void {
    if (this.#size === this.#at.length) {
      const at2 = new Float64Array(this.#size * 2);
      at2.set(this.#at);
      this.#at = at2;
      const seq2 = new Float64Array(this.#size * 2);
      seq2.set(this.#seq);
      this.#seq = seq2;
    }
    const seq = this.#nextSeq++;
    // Sift up: move parents down until the new entry's place is found.
    let index = this.#size;
    this.#size += 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#earlier(at, seq, parent)) break;
      this.#move(parent, index);
      index = parent;
    }
    this.#set(index, at, seq, item);
  }

  /** When the next item is due, or undefined when none is left. */
  peekAt(): number | undefined {
    return this.#size === 0 ? undefined : this.#at[0];
  }

  /** The next item and when it is due; undefined when none is left. */
  pop(): { readonly at: number; readonly item: T } | undefined {
    if (this.#size === 0) return undefined;
    const top = { at: this.#at[0] ?? 0, item: this.#items[0] as T };
    this.#size -= 1;
    const last = this.#size;
    const at = this.#at[last] ?? 0;
    const seq = this.#seq[last] ?? 0;
    const item = this.#items[last] as T;
    this.#items.length = last;
    if (last > 0) {
      // Sift the last entry down from the root.
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        if (left >= last) break;
        const right = left + 1;
        const child = right < last && this.#before(right, left) ? right : left;
        if (!this.#earlierThan(child, at, seq)) break;
        this.#move(child, index);
        index = child;
      }
      this.#set(index, at, seq, item);
    }
    return top;
  }

  /** Every item left, in no particular order. */
  remaining(): T[] {
    return this.#items.slice(0, this.#size);
  }

  /** Whether (at, seq) comes before the entry at `index`. */
  #earlier(at: number, seq: number, index: number): boolean {
    const other = this.#at[index] ?? 0;
    return at === other ? seq < (this.#seq[index] ?? 0) : at < other;
  }

  /** Whether the entry at `index` comes before (at, seq). */
  #earlierThan(index: number, at: number, seq: number): boolean {
    const mine = this.#at[index] ?? 0;
    return mine === at ? (this.#seq[index] ?? 0) < seq : mine < at;
  }

  #before(a: number, b: number): boolean {
    return this.#earlierThan(a, this.#at[b] ?? 0, this.#seq[b] ?? 0);
  }

  #move(from: number, to: number): void {
    this.#at[to] = this.#at[from] ?? 0;
    this.#seq[to] = this.#seq[from] ?? 0;
    this.#items[to] = this.#items[from] as T;
  }

  #set(index: number, at: number, seq: number, item: T): void {
    this.#at[index] = at;
    this.#seq[index] = seq;
    this.#items[index] = item;
  }
}

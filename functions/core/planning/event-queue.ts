/**
 * A min-heap of timed items: the plan's schedules, fired in time order. Items due at the same
 * instant come out in the order they were added, so a plan is the same on every run.
 */
export class EventQueue<T> {
  readonly #heap: { at: number; seq: number; item: T }[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: number, item: T): void {
    this.#heap.push({ at, seq: this.#seq++, item });
    let index = this.#heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(index, parent)) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  /** When the next item is due, or undefined when none is left. */
  peekAt(): number | undefined {
    return this.#heap[0]?.at;
  }

  /** The next item and when it is due; undefined when none is left. */
  pop(): { readonly at: number; readonly item: T } | undefined {
    const top = this.#heap[0];
    const last = this.#heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.#heap.length > 0) {
      this.#heap[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.#heap.length && this.#before(left, smallest)) smallest = left;
        if (right < this.#heap.length && this.#before(right, smallest)) smallest = right;
        if (smallest === index) break;
        this.#swap(index, smallest);
        index = smallest;
      }
    }
    // The heap's own entry, out of the heap now: no copy for each of a plan's many steps.
    return top;
  }

  /** Every item left, in no particular order. */
  remaining(): T[] {
    return this.#heap.map((entry) => entry.item);
  }

  #before(a: number, b: number): boolean {
    const x = this.#heap[a];
    const y = this.#heap[b];
    if (x === undefined || y === undefined) return false;
    return x.at === y.at ? x.seq < y.seq : x.at < y.at;
  }

  #swap(a: number, b: number): void {
    const x = this.#heap[a];
    const y = this.#heap[b];
    if (x === undefined || y === undefined) return;
    this.#heap[a] = y;
    this.#heap[b] = x;
  }
}

// Arrays a thread reuses batch after batch: allocating a batch's worth of
// typed arrays each time (large ones are mapped fresh from the OS and
// unmapped again) cost page faults, and unmapping stalls the process's other
// threads, which kept Monte Carlo from scaling to a second thread.

/** One set of arrays, lent to one user at a time; a second user at the same time gets new ones. */
export class Scratch<T> {
  private kept: T | undefined;
  private taken = false;

  /** Arrays that `fits` accepts (the kept ones, or new ones from `make`), until `release`. */
  take(fits: (value: T) => boolean, make: () => T): { value: T; release: () => void } {
    if (this.taken) return { value: make(), release: () => {} };
    if (!this.kept || !fits(this.kept)) this.kept = make();
    this.taken = true;
    return { value: this.kept, release: () => void (this.taken = false) };
  }
}

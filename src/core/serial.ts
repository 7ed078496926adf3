/**
 * Runs async sections one after another: what one section reads (the index of ids) is never made
 * stale by another section's write while it is between its awaits.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section, section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

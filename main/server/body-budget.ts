/**
 * A cap on the request bodies a server holds in memory at once. An uploadFile body of 64 MB costs
 * several times that while it is read, parsed and decoded (the buffer, the string, the parsed
 * JSON, the decoded bytes), so eight parallel 60 MB uploads once took the server past 1.9 GB.
 * Requests past the budget wait, unread (TCP holds their bytes back), until earlier ones finish;
 * first come, first served. One budget per server: no module state.
 */
export class ByteBudget {
  private inUse = 0;
  private readonly waiting: { bytes: number; start: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Waits until `bytes` fit (a request larger than the whole budget waits for an empty one). */
  async acquire(bytes: number): Promise<() => void> {
    const cost = Math.min(bytes, this.capacity);
    if (this.waiting.length > 0 || this.inUse + cost > this.capacity) {
      await new Promise<void>((start) => this.waiting.push({ bytes: cost, start }));
    } else {
      this.inUse += cost;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= cost;
      this.pump();
    };
  }

  get held(): number {
    return this.inUse;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inUse + this.waiting[0]!.bytes <= this.capacity) {
      const next = this.waiting.shift()!;
      this.inUse += next.bytes;
      next.start();
    }
  }
}

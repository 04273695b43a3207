/** Time is injected so tests can expire a token without sleeping. */
export interface Clock {
  /** Seconds since the epoch. */
  nowSeconds(): number;
}

export const systemClock: Clock = {
  nowSeconds: () => Math.floor(Date.now() / 1000),
};

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private seconds: number = Math.floor(Date.now() / 1000)) {}
  nowSeconds(): number { return this.seconds; }
  advance(seconds: number): void { this.seconds += seconds; }
}

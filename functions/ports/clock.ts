/** The time source every component reads; real in Lambda, virtual in the demo and tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

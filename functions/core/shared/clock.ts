/** Core never reads the clock itself: it is given one, so tests can set the time. */

export interface Clock {
  now(): Date;
}

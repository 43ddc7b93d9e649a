/** A coarse shared clock so age badges and elapsed timers update without one timer each. */
class Clock {
  now = $state(Date.now());

  constructor(periodMs: number) {
    setInterval(() => (this.now = Date.now()), periodMs);
  }
}

/** Ticks every second. */
export const clock = new Clock(1000);

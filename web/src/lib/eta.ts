// Speed and time left of a running job, from the byte counts of its
// progress events as this page observes them.

export interface RateState {
  /** Time (ms) and bytes done of the last sample folded in. */
  t: number;
  bytes: number;
  /** Smoothed bytes per second; null until two samples are far enough apart. */
  bps: number | null;
}

/** Samples closer than this are not folded in: their rate is mostly noise. */
const MIN_INTERVAL_MS = 500;
/** Time constant of the smoothing: older rates weigh e^(-age/τ). */
const TAU_MS = 5000;

/**
 * Folds one progress sample into an exponentially weighted byte rate. The
 * weight of each interval grows with its length, so the result does not
 * depend on how often the server reports.
 */
export function observeRate(prev: RateState | null, bytes: number, now: number): RateState {
  if (!prev || bytes < prev.bytes) return { t: now, bytes, bps: null };
  const dt = now - prev.t;
  if (dt < MIN_INTERVAL_MS) return prev;
  const inst = (bytes - prev.bytes) / (dt / 1000);
  const alpha = 1 - Math.exp(-dt / TAU_MS);
  return { t: now, bytes, bps: prev.bps == null ? inst : prev.bps + alpha * (inst - prev.bps) };
}

/** Seconds left: the bytes still to read at the smoothed rate; null while unknown. */
export function etaSeconds(rate: RateState | null, bytesDone: number, bytesTotal: number): number | null {
  if (!rate || rate.bps == null || rate.bps <= 0 || bytesTotal <= 0) return null;
  return Math.max(0, bytesTotal - bytesDone) / rate.bps;
}

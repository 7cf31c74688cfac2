import { describe, expect, it } from 'vitest';
import { etaSeconds, observeRate, type RateState } from './eta';

const MB = 1 << 20;

describe('time left', () => {
  it('is the bytes left at the observed rate, not a fixed guess', () => {
    // 1 MB/s for 10 s: 10 of 19 MB read, 9 MB left → 9 s (the server once said 2 s here).
    let r: RateState | null = null;
    for (let s = 0; s <= 10; s++) r = observeRate(r, s * MB, s * 1000);
    expect(etaSeconds(r, 10 * MB, 19 * MB)).toBeCloseTo(9, 5);
  });

  it('follows a slowdown smoothly instead of jumping', () => {
    let r: RateState | null = null;
    for (let s = 0; s <= 10; s++) r = observeRate(r, s * 4 * MB, s * 1000); // 4 MB/s
    const before = etaSeconds(r, 40 * MB, 80 * MB)!;
    r = observeRate(r, 41 * MB, 11_000); // one slow second: 1 MB/s
    const after = etaSeconds(r, 41 * MB, 80 * MB)!;
    expect(before).toBeCloseTo(10, 5);
    expect(after).toBeGreaterThan(before); // slower now, more time left…
    expect(after).toBeLessThan(39); // …but not the 39 s one slow second alone would say
  });

  it('ignores samples too close together and is unknown before a rate exists', () => {
    const r0 = observeRate(null, 0, 0);
    expect(etaSeconds(r0, 0, 100)).toBeNull();
    expect(observeRate(r0, 10, 100)).toBe(r0);
  });
});

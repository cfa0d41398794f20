// The one seedable random generator of the samples, the synthetic test pages, the fault-injecting proxy and the soak, so each run can be repeated exactly.

/** Mulberry32: tiny, seedable, and identical on every platform, which is all the noise needs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

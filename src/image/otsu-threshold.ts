// Otsu's global threshold for an 8-bit grayscale image: the gray level that best separates ink from paper.

/**
 * Returns the threshold t such that pixels `< t` are ink and `>= t` are paper, chosen to maximise the
 * between-class variance of the histogram. A uniform image returns 128 (there is nothing to separate).
 */
export function otsuThreshold(gray: Uint8Array): number {
  const histogram = new Float64Array(256);
  for (let i = 0; i < gray.length; i++) histogram[gray[i]!]! += 1;
  const total = gray.length;
  let sumAll = 0;
  for (let level = 0; level < 256; level++) sumAll += level * histogram[level]!;

  let weightBelow = 0;
  let sumBelow = 0;
  let bestVariance = -1;
  let bestThreshold = 128;
  for (let level = 0; level < 255; level++) {
    weightBelow += histogram[level]!;
    if (weightBelow === 0) continue;
    const weightAbove = total - weightBelow;
    if (weightAbove === 0) break;
    sumBelow += level * histogram[level]!;
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const variance = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      bestThreshold = level + 1;
    }
  }
  return bestThreshold;
}

/** The median gray level: the paper's level on a page that is mostly paper. */
export function medianLevel(gray: Uint8Array): number {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < gray.length; i++) histogram[gray[i]!]!++;
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level]!;
    if (seen * 2 >= gray.length) return level;
  }
  return 255;
}

// Finds what is left of a 1-D barcode whose value cannot be read (torn, covered, smudged): a row of thin parallel
// bars, tall, aligned and closely spaced, which neither text nor a table's rules make.

/** A box in pixels, right and bottom exclusive. */
interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Bars are at least `minBarMm` long and at most `maxBarWidthMm` wide; `minBars` of them, lengths within a quarter of
 * each other, starting within 2 mm of one line, with gaps averaging at most 3 mm, make a pattern. Code 128 and
 * Code 39 separators are 10–20 mm tall with bars 0.3–1.5 mm wide; a torn half still has a dozen bars.
 */
const minBarMm = 6;
const maxBarWidthMm = 2;
const minBars = 8;

/** Whether an 8-bit gray page at `dpi` shows a barcode's bars, upright or turned a quarter; `inkBelow` from the blank measure. */
export function hasBarPattern(gray: Uint8Array, widthPx: number, heightPx: number, dpi: number, inkBelow: number): boolean {
  const boxes = inkComponents(gray, widthPx, heightPx, inkBelow);
  const pxPerMm = dpi / 25.4;
  const upright = boxes.filter((b) => b.y1 - b.y0 >= minBarMm * pxPerMm && b.x1 - b.x0 <= maxBarWidthMm * pxPerMm);
  const turned = boxes.filter((b) => b.x1 - b.x0 >= minBarMm * pxPerMm && b.y1 - b.y0 <= maxBarWidthMm * pxPerMm).map((b) => ({ x0: b.y0, y0: b.x0, x1: b.y1, y1: b.x1 }));
  return alignedRow(upright, pxPerMm) || alignedRow(turned, pxPerMm);
}

/** Upright bars (tall, thin): do `minBars` of them stand in one tight row? */
function alignedRow(bars: Box[], pxPerMm: number): boolean {
  if (bars.length < minBars) return false;
  const sorted = [...bars].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  for (let i = 0; i < sorted.length; i++) {
    const first = sorted[i]!;
    const length = first.y1 - first.y0;
    const row = sorted.filter((b) => Math.abs(b.y0 - first.y0) <= 2 * pxPerMm && Math.abs(b.y1 - b.y0 - length) <= length / 4).sort((a, b) => a.x0 - b.x0);
    if (row.length < minBars) continue;
    // The longest run of bars with small gaps: a table's rules are a centimetre or more apart.
    let run = 1;
    for (let j = 1; j < row.length; j++) {
      run = row[j]!.x0 - row[j - 1]!.x1 <= 3 * pxPerMm ? run + 1 : 1;
      if (run >= minBars) return true;
    }
  }
  return false;
}

/** Bounding boxes of the 8-connected ink components, by union of the ink runs of consecutive rows. */
function inkComponents(gray: Uint8Array, widthPx: number, heightPx: number, inkBelow: number): Box[] {
  const parent: number[] = [];
  const boxes: Box[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let previous: Array<[number, number, number]> = [];
  for (let y = 0; y < heightPx; y++) {
    const runs: Array<[number, number, number]> = [];
    const row = y * widthPx;
    for (let x = 0; x < widthPx; ) {
      if (gray[row + x]! >= inkBelow) {
        x++;
        continue;
      }
      const start = x;
      while (x < widthPx && gray[row + x]! < inkBelow) x++;
      const id = parent.length;
      parent.push(id);
      boxes.push({ x0: start, y0: y, x1: x, y1: y + 1 });
      runs.push([start, x, id]);
    }
    // Runs overlapping (or touching at a corner) a run of the row above join its component.
    let p = 0;
    for (const [start, end, id] of runs) {
      while (p < previous.length && previous[p]![1] < start) p++;
      for (let q = p; q < previous.length && previous[q]![0] <= end; q++) {
        const a = find(id);
        const b = find(previous[q]![2]);
        if (a !== b) parent[a] = b;
      }
    }
    previous = runs;
  }
  const merged = new Map<number, Box>();
  boxes.forEach((box, i) => {
    const root = find(i);
    const into = merged.get(root);
    if (!into) merged.set(root, { ...box });
    else {
      into.x0 = Math.min(into.x0, box.x0);
      into.y0 = Math.min(into.y0, box.y0);
      into.x1 = Math.max(into.x1, box.x1);
      into.y1 = Math.max(into.y1, box.y1);
    }
  });
  return [...merged.values()];
}

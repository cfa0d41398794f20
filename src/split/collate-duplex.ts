// The reading order of a double-sided stack scanned on a simplex scanner: the fronts in one pass, then the pile
// turned over for the backs, which come out last page first.

export type DuplexOrder = 'none' | 'odd-then-reversed-even';

/**
 * For each page of the stack in reading order, its index in the scanned file (0-based). With fronts f1…fn then
 * backs bn…b1, reading order is f1 b1 f2 b2 …: front i is file page i, its back file page 2n-1-i. A pass with
 * an odd page count cannot be two passes of one pile, so it gives undefined.
 */
export function duplexReadingOrder(pageCount: number, order: DuplexOrder): number[] | undefined {
  if (order === 'none') return Array.from({ length: pageCount }, (_, i) => i);
  if (pageCount % 2 !== 0) return undefined;
  const sheets = pageCount / 2;
  return Array.from({ length: sheets }, (_, i) => [i, pageCount - 1 - i]).flat();
}

// Plain-text tables for the bench output: the first column left-aligned (names), the others right-aligned (figures).

export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) => `  ${widths.map((w, c) => (c === 0 ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w))).join(' | ')}`;
  return [line(headers), `  ${widths.map((w) => '-'.repeat(w)).join('-|-')}`, ...rows.map(line)].join('\n');
}

// Retention periods of records (permanent, or a number of years) turned into object-lock dates.

/** The manifest spells permanent retention as VINH_VIEN (vĩnh viễn); fixed terms as years, e.g. "20" or "20 năm". */
export type Retention = { kind: 'permanent' } | { kind: 'years'; years: number };

/** Object lock cannot say "forever"; permanent records are locked this long, and a lock can be extended later. */
export const permanentLockYears = 100;

export function parseRetention(value: string | undefined): Retention | undefined {
  if (value === undefined) return undefined;
  const text = value.normalize('NFC').trim();
  if (/^(VINH_VIEN|vĩnh viễn|vinh vien|permanent)$/iu.test(text)) return { kind: 'permanent' };
  const match = /^(\d{1,3})(\s*(năm|nam|years?))?$/iu.exec(text);
  if (match) return { kind: 'years', years: Number(match[1]) };
  return undefined;
}

/** The date until which an object written at `from` stays locked, or undefined when the retention is unknown. */
export function retainUntil(retention: Retention | undefined, from: Date): Date | undefined {
  if (!retention) return undefined;
  const years = retention.kind === 'permanent' ? permanentLockYears : retention.years;
  const until = new Date(from);
  until.setUTCFullYear(until.getUTCFullYear() + years);
  return until;
}

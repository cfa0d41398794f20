// A heading whose number or day is left blank in the text: e-office systems stamp them in when the document is signed.

/**
 * The parts of the national heading a page's text leaves blank: "Số: /TTr-UBND" (no number before the slash) and
 * "ngày tháng 6 năm 2026" (no day). E-office systems issue a document by signing it, and stamp the number and the
 * day onto the page then, as an annotation or an image, not as text: a reader shows them, the text layer lacks them.
 */
export function blankHeadingParts(lines: readonly string[]): ('number' | 'day')[] {
  const blanks = new Set<'number' | 'day'>();
  for (const line of lines.slice(0, 40)) {
    const text = line.normalize('NFC');
    if (/(^|\s)Số\s*:\s*[.…_\s]*\/\s*\S/iu.test(text)) blanks.add('number');
    if (/ngày\s*[.…_\s]*tháng\s+\d{1,2}\s+năm\s+\d{4}/iu.test(text) && !/ngày\s*\d/iu.test(text)) blanks.add('day');
  }
  return [...blanks];
}

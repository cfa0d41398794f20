// What every OcrEngine adapter checks the same way: the resolution a page is recognized at, and a page to start on.

const MIN_DPI = 70;
const MAX_DPI = 2400;

/** A 1×1 white PNG: reading it proves an engine starts (and tells tesseract.js's core version). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAACklEQVQImWP4DwABAQEADeY2wwAAAABJRU5ErkJggg==',
  'base64',
);

/** Why `dpi` cannot be given to Tesseract, as the error to reject with; undefined when it can. */
export function dpiError(dpi: number): RangeError | undefined {
  if (Number.isInteger(dpi) && dpi >= MIN_DPI && dpi <= MAX_DPI) return undefined;
  return new RangeError(
    `Expected an integer ${MIN_DPI}–${MAX_DPI} for dpi but received ${JSON.stringify(dpi)}: pass the resolution of the normalized page image.`,
  );
}

// The real PDF opener, counting what it does: tests prove with it how often a run parses, checks and closes a PDF.
import { scannedPdfOpener, type PdfOpener } from '../../src/pdf/pdf-cache.ts';

export interface CountingPdfOpener extends PdfOpener {
  /** Parses for a page count only (`inspectPdf`). */
  inspects: number;
  /** Parses for pages (`openScannedPdf`), ingest's kept one included... */
  opens: number;
  /** ...of which these skipped the checks, the file having passed them earlier in the run. */
  checkedOpens: number;
  /** Closes of what `open` returned. */
  closes: number;
}

export function countingPdfOpener(): CountingPdfOpener {
  const opener: CountingPdfOpener = {
    inspects: 0,
    opens: 0,
    checkedOpens: 0,
    closes: 0,
    inspect: (filePath, name) => {
      opener.inspects++;
      return scannedPdfOpener.inspect(filePath, name);
    },
    open: async (filePath, options) => {
      opener.opens++;
      if (options.checked) opener.checkedOpens++;
      const pdf = await scannedPdfOpener.open(filePath, options);
      return {
        ...pdf,
        close: () => {
          opener.closes++;
          return pdf.close();
        },
      };
    },
  };
  return opener;
}

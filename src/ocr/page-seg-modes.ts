// The Tesseract page segmentation modes an engine of this project reads a page with.
/*
 * 0 only detects orientation and script, 1 and 2 need the legacy engine or return no text with the LSTM models
 * tesseract.js and Debian ship, and 12 is the same sparse search as 11 with OSD folded in, which the engine runs on
 * its own (see `detectOrientation`). The pipeline file is checked against this list, and the engines refuse others.
 */
export const readingPageSegModes = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13] as const;

export type PageSegMode = (typeof readingPageSegModes)[number];

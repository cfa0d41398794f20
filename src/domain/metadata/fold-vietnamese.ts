// Text forms used to compare what people type with what is on paper: tidied, case-folded, diacritics-free.

/** NFC, trimmed, every run of white space made one space: how a value is stored. */
export function tidyText(value: string): string {
  return value.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Lower case and tidy, diacritics kept: "Tờ  Trình" and "tờ trình" are the same text. */
export function caseFold(value: string): string {
  return tidyText(value).toLocaleLowerCase('vi');
}

/**
 * Lower case without diacritics ("Vĩnh viễn" → "vinh vien"); "_" and "-" count as spaces so that
 * `VINH_VIEN`, "vĩnh-viễn" and "Vĩnh viễn" fold alike. Đ has no combining mark, so it is mapped by hand.
 */
export function foldVietnamese(value: string): string {
  return caseFold(value)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/gu, '')
    .replace(/đ/gu, 'd')
    .replace(/[\s_-]+/gu, ' ')
    .trim();
}

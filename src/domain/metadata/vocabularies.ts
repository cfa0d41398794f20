// Normalisers of the closed vocabularies of a record (retention, access, marks, reliability, language, type name), in English or Vietnamese.
import { documentTypes } from './document-types.ts';
import { foldVietnamese, tidyText } from './fold-vietnamese.ts';
import type { Checked } from './identifiers.ts';
import { permanent } from './identifiers.ts';

/** A check that also accepts the value with a remark for a person, e.g. a type name sohoa does not know. */
export type CheckedWithWarning = { value: string; warning?: string } | { expected: string };

/**
 * Builds a check for a closed list: each stored value with the words, folded (no diacritics, lower case,
 * "_" and "-" as spaces), that people write for it in English or Vietnamese.
 */
function vocabulary<T extends string>(words: Record<T, readonly string[]>, expected: string): (raw: string) => Checked {
  const byWord = new Map<string, T>();
  for (const [value, list] of Object.entries(words) as [T, readonly string[]][]) {
    byWord.set(foldVietnamese(value), value);
    for (const word of list) byWord.set(word, value);
  }
  return (raw) => {
    const value = byWord.get(foldVietnamese(raw));
    return value === undefined ? { expected } : { value };
  };
}

/** Retention (thời hạn bảo quản): VINH_VIEN or whole years; fixed terms in use run 5 to 70 years, 100 leaves room. */
export function checkRetention(raw: string): Checked {
  const folded = foldVietnamese(raw.normalize('NFKC'));
  if (['vinh vien', 'permanent', 'bao quan vinh vien'].includes(folded)) return { value: permanent };
  const years = /^(\d{1,3}) ?(nam|years?)?$/.exec(folded);
  const count = Number(years?.[1]);
  if (years !== null && count >= 1 && count <= 100) return { value: String(count) };
  return { expected: '"VINH_VIEN" (vĩnh viễn, permanent) or a whole number of years from 1 to 100, e.g. "20" or "20 năm"' };
}

export const accessLevels = ['public', 'restricted', 'confidential'] as const;
/** Access level (mức độ tiếp cận, Circular 05/2025; "chế độ sử dụng" before it). */
export const checkAccessLevel = vocabulary<(typeof accessLevels)[number]>(
  { public: ['cong khai'], restricted: ['han che', 'su dung han che'], confidential: ['mat'] },
  '"public" (công khai), "restricted" (hạn chế) or "confidential" (mật)',
);

export const signingCapacities = ['TM', 'KT', 'TL', 'TUQ', 'Q'] as const;
/** The prefix before the signer's title: TM. (on behalf of), KT. (deputy for), TL. (by order), TUQ. (by authorisation), Q. (acting). */
export function checkSigningCapacity(raw: string): Checked {
  const value = raw.normalize('NFKC').trim().replace(/\.$/, '').toUpperCase();
  return (signingCapacities as readonly string[]).includes(value) ? { value } : { expected: '"TM", "KT", "TL", "TUQ" or "Q", with or without the dot, e.g. "KT."' };
}

export const reliabilities = ['original', 'copy', 'digitized'] as const;
/** Reliability (mức độ tin cậy) of the paper that was scanned. */
export const checkReliability = vocabulary<(typeof reliabilities)[number]>(
  { original: ['ban chinh', 'ban goc', 'goc'], copy: ['ban sao', 'sao'], digitized: ['digitised', 'ban so hoa', 'so hoa'] },
  '"original" (bản chính), "copy" (bản sao) or "digitized" (bản số hóa)',
);

export const secrecyMarks = ['mat', 'toi-mat', 'tuyet-mat'] as const;
/** Secrecy mark as stamped: MẬT, TỐI MẬT, TUYỆT MẬT. */
export const checkSecrecy = vocabulary<(typeof secrecyMarks)[number]>(
  { mat: [], 'toi-mat': [], 'tuyet-mat': [] },
  '"mat" (MẬT), "toi-mat" (TỐI MẬT) or "tuyet-mat" (TUYỆT MẬT)',
);

export const urgencyMarks = ['khan', 'thuong-khan', 'hoa-toc'] as const;
/** Urgency mark as stamped: KHẨN, THƯỢNG KHẨN, HỎA TỐC. */
export const checkUrgency = vocabulary<(typeof urgencyMarks)[number]>(
  { khan: [], 'thuong-khan': [], 'hoa-toc': [] },
  '"khan" (KHẨN), "thuong-khan" (THƯỢNG KHẨN) or "hoa-toc" (HỎA TỐC)',
);

/** ISO 639-1, the two-letter language codes. */
const iso639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu ' +
    'fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km ' +
    'kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om ' +
    'or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ' +
    'ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

/** The record's language(s): ISO 639-1 codes, stored lower case, comma-separated, without repeats. */
export function checkLanguages(raw: string): Checked {
  const codes = raw
    .normalize('NFKC')
    .split(/[,;]/)
    .map((code) => code.trim().toLowerCase());
  if (codes.length === 0 || codes.some((code) => !iso639_1.has(code))) return { expected: 'ISO 639-1 language codes separated by commas, e.g. "vi" or "vi,en"' };
  return { value: [...new Set(codes)].join(',') };
}

const typeByFold = new Map(documentTypes.map((type) => [foldVietnamese(type.name), type.name]));

/**
 * A document type name, stored as the table spells it when it is known (any case, diacritics or not);
 * an unknown name is kept tidied, with a warning, since sector-specific papers have names of their own.
 */
export function checkDocumentType(raw: string): CheckedWithWarning {
  const text = tidyText(raw);
  if (text.length === 0 || text.length > 100) return { expected: 'a document type name of at most 100 characters, e.g. "Quyết định", "Tờ trình" or "Giấy phép"' };
  const known = typeByFold.get(foldVietnamese(text));
  if (known !== undefined) return { value: known };
  return { value: text, warning: `"${text}" is not a document type of Decree 30/2020 Art. 7 nor a known result type; it is kept as given, check its spelling (e.g. "Quyết định", "Công văn", "Giấy phép")` };
}

// The document type names sohoa knows: the 29 administrative types of Decree 30/2020 and common TTHC results.

export interface DocumentTypeEntry {
  /** The type name in sentence case, as printed above the summary. */
  name: string;
  /** Abbreviation used in the symbol (Decree 30 Appendix III); công văn and thư công have none. */
  abbreviation?: string;
  /** `administrative`: Decree 30/2020 Art. 7; `result`: papers issued as the result of a procedure. */
  group: 'administrative' | 'result';
}

/** Decree 30/2020 Art. 7 in the order of the article, abbreviations from its Appendix III. */
const administrative: readonly [string, string | undefined][] = [
  ['Nghị quyết', 'NQ'],
  ['Quyết định', 'QĐ'],
  ['Chỉ thị', 'CT'],
  ['Quy chế', 'QC'],
  ['Quy định', 'QyĐ'],
  ['Thông cáo', 'TC'],
  ['Thông báo', 'TB'],
  ['Hướng dẫn', 'HD'],
  ['Chương trình', 'CTr'],
  ['Kế hoạch', 'KH'],
  ['Phương án', 'PA'],
  ['Đề án', 'ĐA'],
  ['Dự án', 'DA'],
  ['Báo cáo', 'BC'],
  ['Biên bản', 'BB'],
  ['Tờ trình', 'TTr'],
  ['Hợp đồng', 'HĐ'],
  ['Công văn', undefined],
  ['Công điện', 'CĐ'],
  ['Bản ghi nhớ', 'BGN'],
  ['Bản thỏa thuận', 'BTT'],
  ['Giấy ủy quyền', 'GUQ'],
  ['Giấy mời', 'GM'],
  ['Giấy giới thiệu', 'GGT'],
  ['Giấy nghỉ phép', 'GNP'],
  ['Phiếu gửi', 'PG'],
  ['Phiếu chuyển', 'PC'],
  ['Phiếu báo', 'PB'],
  ['Thư công', undefined],
];

/** Results of procedures that arrive as dossier papers; names only, their symbols vary by sector. */
const results: readonly string[] = ['Giấy chứng nhận', 'Giấy phép', 'Giấy xác nhận', 'Chứng chỉ', 'Giấy khai sinh', 'Trích lục'];

export const documentTypes: readonly DocumentTypeEntry[] = [
  ...administrative.map(([name, abbreviation]): DocumentTypeEntry => (abbreviation ? { name, abbreviation, group: 'administrative' } : { name, group: 'administrative' })),
  ...results.map((name): DocumentTypeEntry => ({ name, group: 'result' })),
];

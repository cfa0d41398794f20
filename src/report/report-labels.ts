// The report's words, in Vietnamese and English: the records staff read the first, operators may choose the second.
/** Every label in both languages, Vietnamese first. */
export const labels = {
  reportTitle: ['Báo cáo số hóa', 'Digitization report'],
  batch: ['Lô', 'Batch'],
  pipeline: ['Quy trình', 'Pipeline'],
  started: ['Bắt đầu', 'Started'],
  finished: ['Kết thúc', 'Finished'],
  duration: ['Thời gian xử lý', 'Duration'],
  dossiers: ['Hồ sơ', 'Dossiers'],
  dossier: ['Hồ sơ', 'Dossier'],
  document: ['Văn bản', 'Document'],
  pagesDone: ['hoàn thành', 'done'],
  documents: ['Văn bản', 'Documents'],
  pages: ['Trang', 'Pages'],
  done: ['Hoàn thành', 'Done'],
  failed: ['Lỗi', 'Failed'],
  skipped: ['Đã xong từ lần trước', 'Already complete'],
  'not-started': ['Chưa xử lý', 'Not started'],
  interrupted: ['Lượt xử lý đã bị dừng giữa chừng; chạy lại đúng lệnh đó để xử lý tiếp phần còn lại.', 'The run was stopped part-way; run the same command again to do the rest.'],
  stored: ['đã lưu', 'stored'],
  ofWhichFailed: ['lỗi', 'failed'],
  toReview: ['Cần xem lại', 'To review'],
  toReviewHelp: ['Trang bị lỗi hoặc có cảnh báo, độ tin cậy thấp nhất trước.', 'Failed or flagged pages, lowest confidence first.'],
  nothingToReview: ['Không có trang nào cần xem lại.', 'No page needs review.'],
  meanConfidence: ['Độ tin cậy trung bình', 'Mean confidence'],
  warnings: ['Cảnh báo', 'Warnings'],
  colPage: ['Trang', 'Page'],
  colImage: ['Ảnh', 'Image'],
  colFile: ['Tệp', 'File'],
  colStatus: ['Trạng thái', 'Status'],
  colConfidence: ['Độ tin cậy', 'Confidence'],
  colFlags: ['Cảnh báo', 'Flags'],
  colError: ['Lỗi', 'Error'],
  colWhere: ['Vị trí', 'Where'],
  colWhy: ['Lý do', 'Why'],
  filePage: ['tr.', 'p.'],
  page: ['trang', 'page'],
  onlyReview: ['Chỉ hiện trang cần xem lại', 'Show only pages to review'],
  conflicts: ['Thông tin không thống nhất', 'Metadata conflicts'],
  documentErrors: ['Văn bản không được lưu', 'Document not stored'],
  noPages: ['Không có trang nào.', 'No pages.'],
  noThumbnail: ['không có ảnh', 'no image'],
  reason: ['Lý do', 'Reason'],
  code: ['Mã hồ sơ', 'Dossier code'],
  generatedBy: ['Tạo bởi', 'Made by'],
  signatures: ['Chữ ký số', 'Digital signatures'],
  signedAt: ['ký lúc', 'signed at'],
  'signature.true': ['khớp với tệp (chưa đối chiếu chứng thư với nơi cấp)', 'matches the file (certificate chain not checked)'],
  'signature.false': ['không khớp: tệp đã bị sửa sau khi ký', 'does not match: the file was changed after signing'],
  'signature.null': ['chưa kiểm tra được', 'could not be checked'],
  'flag.low-confidence': ['Độ tin cậy thấp', 'Low confidence'],
  'flag.blank': ['Trang trắng', 'Blank page'],
  'flag.no-text': ['Không đọc được chữ', 'No text found'],
  'flag.under-200-dpi': ['Dưới 200 dpi', 'Under 200 dpi'],
  'flag.dpi-assumed': ['Không rõ dpi (giả định)', 'DPI assumed'],
  'flag.dpi-inferred': ['dpi suy ra từ khổ giấy', 'DPI inferred from the paper size'],
  'flag.rotated': ['Đã xoay', 'Rotated'],
  'flag.deskewed': ['Đã chỉnh nghiêng', 'Deskewed'],
  'flag.conflicts': ['Thông tin không thống nhất', 'Metadata conflicts'],
  partial: ['Thông tin đọc chưa đủ', 'Read in part'],
  'kind.input': ['Lỗi tệp đầu vào', 'Input error'],
  'kind.transient': ['Lỗi tạm thời', 'Transient error'],
  'kind.config': ['Lỗi cấu hình', 'Configuration error'],
  'kind.internal': ['Lỗi nội bộ', 'Internal error'],
} as const satisfies Record<string, readonly [string, string]>;

export type LabelKey = keyof typeof labels;

/** Both languages; CSS shows the chosen one. Short, so a 500-page report stays small. */
export function both(vi: string, en: string): string {
  return vi === en ? vi : `<span lang="vi">${vi}</span><span lang="en">${en}</span>`;
}

export function l(key: LabelKey): string {
  const [vi, en] = labels[key];
  return both(escapeHtml(vi), escapeHtml(en));
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

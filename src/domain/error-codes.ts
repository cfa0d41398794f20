// The stable codes of sohoa's errors, with what each means and what the office or operator does about it.
/*
 * A code names a kind of problem, never one occurrence: the message beside it says which file, page and value.
 * Codes are part of the interface (report.json, logs, `--json` summaries, the README table): rename none, add
 * new ones. Reasons and actions are written for a records clerk in Vietnamese first, English second.
 */
import type { ErrorKind } from './errors.ts';

/** A warning's page is kept and stored; the report says what a person should know about it. */
export type CodeKind = ErrorKind | 'warning';

export interface ErrorCodeEntry {
  kind: CodeKind;
  vi: { reason: string; action: string };
  en: { reason: string; action: string };
}

const input = 'input' as const;
const config = 'config' as const;
const transient = 'transient' as const;
const warning = 'warning' as const;

export const errorCatalog = {
  // ── Page and file errors: that page or document fails, the rest of the batch goes on ──
  FILE_MISSING: {
    kind: input,
    vi: { reason: 'Tệp không còn trong thư mục lô.', action: 'Chép lại tệp vào thư mục lô, hoặc bỏ tệp khỏi tệp kê khai, rồi chạy lại.' },
    en: { reason: 'The file is no longer in the batch folder.', action: 'Put the file back, or remove it from the manifest, and run again.' },
  },
  FILE_CHANGED: {
    kind: input,
    vi: { reason: 'Tệp bị thay đổi trong lúc lô đang được xử lý.', action: 'Không sửa hay chép đè các tệp của lô khi đang chạy; chạy lại lô.' },
    en: { reason: 'The file changed while the batch was being processed.', action: 'Leave the batch’s files as they are during a run, then run it again.' },
  },
  IMAGE_UNREADABLE: {
    kind: input,
    vi: { reason: 'Tệp không đọc được như một ảnh (không phải TIFF, JPEG, PNG hoặc tệp bị hỏng).', action: 'Quét lại trang, hoặc xuất lại từ máy quét dưới dạng TIFF, JPEG hoặc PNG.' },
    en: { reason: 'The file cannot be read as an image (not TIFF, JPEG or PNG, or damaged).', action: 'Rescan the page, or export it again from the scanner as TIFF, JPEG or PNG.' },
  },
  IMAGE_UNDECODABLE: {
    kind: input,
    vi: { reason: 'Ảnh bị cắt cụt hoặc hỏng, không giải mã được.', action: 'Quét lại hoặc chép lại tệp từ máy quét.' },
    en: { reason: 'The image is truncated or damaged and cannot be decoded.', action: 'Rescan it or copy the file again from the scanner.' },
  },
  IMAGE_TOO_LARGE: {
    kind: input,
    vi: { reason: 'Ảnh quá lớn (quá nhiều điểm ảnh).', action: 'Quét lại ở độ phân giải 300 dpi, hoặc tách bản quét thành từng trang.' },
    en: { reason: 'The image is too large (too many pixels).', action: 'Rescan at 300 dpi, or split the scan into single pages.' },
  },
  PAGE_NOT_IN_FILE: {
    kind: input,
    vi: { reason: 'Tệp kê khai yêu cầu một trang mà tệp không có.', action: 'Sửa cột "pages" của tệp này trong tệp kê khai.' },
    en: { reason: 'The manifest asks for a page the file does not have.', action: 'Fix the "pages" of this file in the manifest.' },
  },
  PDF_NOT_PDF: {
    kind: input,
    vi: { reason: 'Tệp có đuôi .pdf nhưng không phải PDF.', action: 'Mở tệp để kiểm tra, rồi xuất lại PDF từ nguồn.' },
    en: { reason: 'The file is named .pdf but is not a PDF.', action: 'Open it to check, then export the PDF again from its source.' },
  },
  PDF_TRUNCATED: {
    kind: input,
    vi: { reason: 'Tệp PDF bị cắt cụt (chép hoặc tải chưa xong).', action: 'Chép lại tệp PDF từ nguồn.' },
    en: { reason: 'The PDF was cut short (an unfinished copy or download).', action: 'Copy the PDF again from its source.' },
  },
  PDF_DAMAGED: {
    kind: input,
    vi: { reason: 'Tệp PDF bị hỏng, không đọc được.', action: 'Mở tệp bằng trình đọc PDF để kiểm tra, chép lại từ nguồn hoặc in ra một PDF mới.' },
    en: { reason: 'The PDF is damaged and cannot be read.', action: 'Check it in a PDF reader, copy it again from its source, or print it to a new PDF.' },
  },
  PDF_NO_PAGES: {
    kind: input,
    vi: { reason: 'Tệp PDF không có trang nào.', action: 'Xuất lại PDF từ nguồn, hoặc bỏ tệp khỏi lô.' },
    en: { reason: 'The PDF has no pages.', action: 'Export the PDF again from its source, or remove it from the batch.' },
  },
  PDF_ENCRYPTED: {
    kind: input,
    vi: { reason: 'Tệp PDF cần mật khẩu mới mở được.', action: 'Xin bên gửi một bản không đặt mật khẩu, hoặc xin mật khẩu rồi gỡ nó (ví dụ `qpdf --password=… --decrypt`), và đưa bản đó vào lô.' },
    en: { reason: 'The PDF needs a password to open.', action: 'Ask the sender for a copy without one, or for the password and remove it (e.g. `qpdf --password=… --decrypt`), and add that copy.' },
  },
  PDF_JAVASCRIPT: {
    kind: input,
    vi: { reason: 'Tệp PDF chứa mã JavaScript, không được xử lý vì lý do an toàn.', action: 'In ra một PDF mới hoặc xuất các trang thành TIFF, rồi đưa tệp đó vào lô.' },
    en: { reason: 'The PDF contains JavaScript, which is refused for safety.', action: 'Print it to a new PDF or export the pages as TIFF, and add that instead.' },
  },
  PDF_PAGE_DAMAGED: {
    kind: input,
    vi: { reason: 'Một trang của tệp PDF bị hỏng, không đọc hoặc vẽ được.', action: 'Mở tệp bằng trình đọc PDF để kiểm tra trang đó, chép lại từ nguồn hoặc in ra một PDF mới.' },
    en: { reason: 'A page of the PDF is damaged and cannot be read or drawn.', action: 'Check that page in a PDF reader, copy the file again, or print it to a new PDF.' },
  },
  PDF_PAGE_TOO_LARGE: {
    kind: input,
    vi: { reason: 'Trang PDF quá lớn để dựng thành ảnh.', action: 'Tách trang đó ra, hoặc đặt renderDpi thấp hơn trong quy trình.' },
    en: { reason: 'The PDF page is too large to render.', action: 'Split that page, or set a lower renderDpi in the pipeline.' },
  },
  PAGE_IMAGE_UNSUPPORTED: {
    kind: input,
    vi: { reason: 'Ảnh trang đã chuẩn hóa không ghép được vào PDF lưu trữ.', action: 'Quét lại trang ở chế độ xám hoặc màu thường (sRGB); nếu vẫn lỗi, báo cho bộ phận kỹ thuật kèm tệp.' },
    en: { reason: 'The normalized page image cannot be placed in the archival PDF.', action: 'Rescan the page in plain gray or sRGB colour; if it persists, send the file to the operators.' },
  },
  ID_UNSAFE: {
    kind: input,
    vi: { reason: 'Mã lô, hồ sơ hoặc văn bản có ký tự không dùng được làm tên thư mục.', action: 'Đặt lại mã chỉ gồm chữ, số, "-", "_" hoặc "." trong tệp kê khai hoặc tên thư mục.' },
    en: { reason: 'A batch, dossier or document id has characters that cannot name a folder.', action: 'Rename it with letters, digits, "-", "_" or "." in the manifest or folder name.' },
  },
  DOCUMENT_NO_PAGES: {
    kind: input,
    vi: { reason: 'Văn bản không có trang nào.', action: 'Thêm tệp trang cho văn bản trong tệp kê khai, hoặc bỏ văn bản đó.' },
    en: { reason: 'The document has no pages.', action: 'List its page files in the manifest, or remove the document.' },
  },
  BATCH_NO_PAGES: {
    kind: input,
    vi: { reason: 'Thư mục lô không có tệp trang nào và không có tệp kê khai.', action: 'Chép các tệp quét (TIFF, JPEG, PNG, PDF) hoặc manifest.csv / manifest.json vào thư mục lô.' },
    en: { reason: 'The batch folder has no page files and no manifest.', action: 'Put the scans (TIFF, JPEG, PNG, PDF) or a manifest.csv / manifest.json in the batch folder.' },
  },
  DOSSIER_DOCUMENTS_FAILED: {
    kind: input,
    vi: { reason: 'Hồ sơ đã xử lý xong nhưng có văn bản bị lỗi (lý do của từng trang có trong báo cáo lô).', action: 'Xem lỗi của từng trang trong báo cáo lô, xử lý theo mã lỗi của trang, rồi chạy lại.' },
    en: { reason: 'The dossier ran to its end but some documents failed (each page’s reason is in the batch report).', action: 'Read each page’s error in the batch report, act on its code, and run again.' },
  },
  DOSSIER_NOT_IN_BATCH: {
    kind: input,
    vi: { reason: 'Hồ sơ trong hàng đợi không còn trong lô (lô đã bị sửa sau khi xếp hàng).', action: 'Xếp hàng lại lô (sohoa enqueue).' },
    en: { reason: 'A queued dossier is no longer in its batch (the batch changed after it was enqueued).', action: 'Enqueue the batch again (sohoa enqueue).' },
  },
  REPORT_NOT_FOUND: {
    kind: input,
    vi: { reason: 'Chưa có báo cáo của lô này trong kho lưu trữ.', action: 'Chạy lô trước, hoặc kiểm tra lại mã lô và nơi lưu.' },
    en: { reason: 'The store has no report for this batch.', action: 'Run the batch first, or check the batch id and the store.' },
  },
  STORE_METADATA_INVALID: {
    kind: input,
    vi: { reason: 'Thông tin kèm theo đối tượng lưu trữ không hợp lệ (quá dài hoặc sai dạng).', action: 'Rút ngắn các giá trị dài trong tệp kê khai; nếu vẫn lỗi, báo cho bộ phận kỹ thuật.' },
    en: { reason: 'An object’s stored metadata is not valid (too long or malformed).', action: 'Shorten long values in the manifest; if it persists, tell the operators.' },
  },
  // ── Manifest errors: the batch does not start until the manifest is fixed ──
  MANIFEST_INVALID: {
    kind: input,
    vi: { reason: 'Tệp kê khai có giá trị sai hoặc thiếu (từng dòng, từng cột được nêu trong thông báo).', action: 'Sửa tệp kê khai theo từng dòng được nêu, rồi chạy lại.' },
    en: { reason: 'The manifest has wrong or missing values (each row and column is named in the message).', action: 'Fix the manifest at each row named, and run again.' },
  },
  MANIFEST_FILE_MISSING: {
    kind: input,
    vi: { reason: 'Tệp kê khai nêu một tệp không có trong thư mục lô.', action: 'Chép tệp đó vào thư mục lô, hoặc sửa tên tệp trong tệp kê khai.' },
    en: { reason: 'The manifest names a file that is not in the batch folder.', action: 'Copy that file into the batch folder, or fix its name in the manifest.' },
  },
  COVER_SHEET_LIST_INVALID: {
    kind: input,
    vi: { reason: 'Danh sách in phiếu tách có dòng sai hoặc thiếu (mã hồ sơ trống hay trùng, mã văn bản sai, loại hồ sơ sai).', action: 'Sửa danh sách theo từng dòng được nêu, rồi in lại.' },
    en: { reason: 'The cover-sheet list has wrong or missing entries (a dossier code empty or repeated, a bad document id or kind).', action: 'Fix the list at each row named, and print again.' },
  },
  SPLIT_NO_SEPARATOR: {
    kind: input,
    vi: { reason: 'Chồng giấy quét được yêu cầu tách (--split) nhưng không có phiếu tách, trang phân cách hay mã QR hồ sơ nào.', action: 'Kiểm tra đã quét kèm các phiếu tách (sohoa cover-sheets) chưa, hoặc chạy lại không có --split.' },
    en: { reason: 'A stack was to be split (--split) but has no cover sheet, separator or dossier QR code.', action: 'Check that the cover sheets (sohoa cover-sheets) were scanned with it, or run it without --split.' },
  },
  SPLIT_DUPLEX_UNEVEN: {
    kind: input,
    vi: { reason: 'Chồng giấy quét hai lượt (mặt trước rồi mặt sau đảo ngược) phải có số trang chẵn, nhưng tệp có số trang lẻ.', action: 'Quét lại đủ mặt sau của mọi tờ, hoặc đặt duplex: none nếu chồng giấy không quét hai lượt.' },
    en: { reason: 'A stack scanned in two passes (fronts, then backs reversed) must have an even page count, but the file has an odd one.', action: 'Scan the backs of every sheet again, or set duplex: none if the stack was not scanned in two passes.' },
  },
  MANIFEST_ENCODING: {
    kind: input,
    vi: { reason: 'Tệp kê khai không được lưu ở bảng mã UTF-8.', action: 'Lưu lại dưới dạng "CSV UTF-8" (Excel) hoặc UTF-8 (trình soạn thảo).' },
    en: { reason: 'The manifest is not saved as UTF-8.', action: 'Save it as "CSV UTF-8" (Excel) or UTF-8 (text editors).' },
  },
  MANIFEST_DUPLICATE: {
    kind: input,
    vi: { reason: 'Thư mục lô có hơn một tệp kê khai.', action: 'Giữ một tệp kê khai, xóa hoặc đổi tên tệp còn lại.' },
    en: { reason: 'The batch folder has more than one manifest.', action: 'Keep one manifest; remove or rename the other.' },
  },
  // ── Found by `sohoa verify` in a store that was written before ──
  RECORD_OBJECT_MISSING: {
    kind: input,
    vi: { reason: 'Hồ sơ lưu trữ nêu một tệp không có trong kho.', action: 'Chạy lại lô với --force để ghi lại hồ sơ đó, rồi kiểm tra lại.' },
    en: { reason: 'A record names an object the store does not have.', action: 'Run the batch again with --force to rewrite that dossier, then verify again.' },
  },
  RECORD_OBJECT_CORRUPT: {
    kind: input,
    vi: { reason: 'Một tệp trong kho khác với mã băm (SHA-256) ghi trong hồ sơ: tệp đã bị thay đổi hoặc hỏng.', action: 'Khôi phục tệp từ bản sao lưu, hoặc chạy lại lô với --force; báo cho bộ phận kỹ thuật.' },
    en: { reason: 'An object differs from the SHA-256 its record holds: it was changed or damaged.', action: 'Restore it from a backup, or run the batch again with --force; tell the operators.' },
  },
  RECORD_UNREADABLE: {
    kind: input,
    vi: { reason: 'Tệp hồ sơ (dossier.json hoặc bản ghi văn bản) không đọc được hoặc không khớp với nơi lưu.', action: 'Chạy lại lô với --force để ghi lại hồ sơ đó.' },
    en: { reason: 'A dossier or document record cannot be read, or does not match where it is stored.', action: 'Run the batch again with --force to rewrite that dossier.' },
  },
  RECORD_OBJECT_EXTRA: {
    kind: input,
    vi: { reason: 'Trong thư mục hồ sơ có tệp không được hồ sơ nào nêu.', action: 'Kiểm tra ai đã thêm tệp đó; xóa nó nếu không thuộc hồ sơ.' },
    en: { reason: 'A dossier folder holds an object no record names.', action: 'Find out who added it; remove it if it does not belong to the dossier.' },
  },
  RECORD_INCOMPLETE: {
    kind: input,
    vi: { reason: 'Thư mục hồ sơ chưa có dossier.json: lượt xử lý trước bị dừng giữa chừng.', action: 'Chạy lại đúng lệnh đó để xử lý xong hồ sơ.' },
    en: { reason: 'A dossier folder has no dossier.json: an earlier run was interrupted.', action: 'Run the same command again to finish the dossier.' },
  },
  // ── Configuration errors: nothing starts until the setting is fixed ──
  CONFIG_INVALID: {
    kind: config,
    vi: { reason: 'Một tùy chọn dòng lệnh hoặc biến môi trường không hợp lệ.', action: 'Sửa tùy chọn được nêu (xem sohoa --help).' },
    en: { reason: 'A command-line option or environment variable is not valid.', action: 'Fix the option named (see sohoa --help).' },
  },
  BATCH_FOLDER_MISSING: {
    kind: config,
    vi: { reason: 'Không tìm thấy thư mục lô, hoặc đường dẫn là một tệp.', action: 'Chỉ đúng thư mục chứa các tệp quét và tệp kê khai.' },
    en: { reason: 'The batch folder does not exist, or the path is a file.', action: 'Pass the folder that holds the scans and the manifest.' },
  },
  PIPELINE_NOT_FOUND: {
    kind: config,
    vi: { reason: 'Không tìm thấy quy trình xử lý.', action: 'Dùng tên có sẵn (dossier, result) hoặc đường dẫn đến một tệp .yaml.' },
    en: { reason: 'The pipeline was not found.', action: 'Use a built-in name (dossier, result) or a path to a .yaml file.' },
  },
  PIPELINE_INVALID: {
    kind: config,
    vi: { reason: 'Tệp quy trình có giá trị sai.', action: 'Sửa tệp quy trình theo từng dòng được nêu.' },
    en: { reason: 'The pipeline file has wrong values.', action: 'Fix the pipeline file at each line named.' },
  },
  LANG_DATA_MISSING: {
    kind: config,
    vi: { reason: 'Thiếu dữ liệu ngôn ngữ nhận dạng chữ (OCR).', action: 'Cài gói dữ liệu ngôn ngữ hoặc chỉ đến thư mục có tệp <ngôn ngữ>.traineddata.' },
    en: { reason: 'OCR language data is missing.', action: 'Install the language package, or pass a folder holding <lang>.traineddata.' },
  },
  LANG_DATA_INVALID: {
    kind: config,
    vi: { reason: 'Dữ liệu ngôn ngữ OCR bị hỏng hoặc không dùng được.', action: 'Thay bằng bản đầy đủ của tệp traineddata, hoặc cài lại gói.' },
    en: { reason: 'OCR language data is damaged or unusable.', action: 'Replace it with a complete traineddata file, or reinstall the package.' },
  },
  OCR_CONFIG_INVALID: {
    kind: config,
    vi: { reason: 'Một thiết lập của bộ nhận dạng chữ không hợp lệ.', action: 'Sửa thiết lập được nêu trong quy trình hoặc tùy chọn.' },
    en: { reason: 'An OCR engine setting is not valid.', action: 'Fix the setting named in the pipeline or options.' },
  },
  OCR_START_FAILED: {
    kind: config,
    vi: { reason: 'Bộ nhận dạng chữ không khởi động được.', action: 'Kiểm tra tệp dữ liệu ngôn ngữ và bộ nhớ còn trống của máy.' },
    en: { reason: 'The OCR engine did not start.', action: 'Check the language files and the memory available.' },
  },
  STORE_LOCATION_INVALID: {
    kind: config,
    vi: { reason: 'Nơi lưu kết quả không hợp lệ.', action: 'Cho một đường dẫn thư mục hoặc s3://bucket/tiền-tố.' },
    en: { reason: 'The output store location is not valid.', action: 'Give a folder path or s3://bucket/prefix.' },
  },
  STORE_CONFIG_INVALID: {
    kind: config,
    vi: { reason: 'Kho S3 từ chối vì cấu hình (tên bucket, vùng, quyền truy cập hoặc khóa lưu giữ).', action: 'Kiểm tra tên bucket, vùng, thông tin đăng nhập và quyền của chúng.' },
    en: { reason: 'The S3 store refused for a configuration reason (bucket, region, permissions, object lock).', action: 'Check the bucket name and region, the credentials and their permissions.' },
  },
  WATCH_CONFIG_INVALID: {
    kind: config,
    vi: { reason: 'Cấu hình theo dõi thư mục nhận không hợp lệ (thư mục nhận không có hoặc trùng với nơi lưu kết quả, thời gian không hợp lệ, hoặc --on-done sai hay dùng cùng --queue).', action: 'Tạo thư mục nhận, chọn nơi lưu kết quả nằm ngoài nó, cho số giây ≥ 0, và dùng --on-done keep, move:<nơi> hoặc delete (chỉ khi không có --queue).' },
    en: { reason: 'The watch settings are not valid (the inbox is missing or overlaps the output, a time is not valid, or --on-done is unknown or given with --queue).', action: 'Create the inbox, give an output outside it, times in seconds ≥ 0, and --on-done keep, move:<location> or delete (only without --queue).' },
  },
  OBJECT_LOCK_UNSUPPORTED: {
    kind: config,
    vi: { reason: 'Khóa lưu giữ (object lock) chỉ dùng được với bucket S3 đã bật tính năng này.', action: 'Lưu vào một bucket S3 có bật object lock, hoặc bỏ --object-lock.' },
    en: { reason: 'Object lock needs an S3 bucket with object lock enabled.', action: 'Store into such a bucket, or drop --object-lock.' },
  },
  QUEUE_MISSING: {
    kind: config,
    vi: { reason: 'Chưa cho hàng đợi công việc (PostgreSQL).', action: 'Thêm --queue postgres://… hoặc đặt biến SOHOA_QUEUE_URL.' },
    en: { reason: 'No job queue (PostgreSQL) was given.', action: 'Pass --queue postgres://… or set SOHOA_QUEUE_URL.' },
  },
  QUEUE_CONFIG_INVALID: {
    kind: config,
    vi: { reason: 'Thiết lập hàng đợi không hợp lệ.', action: 'Sửa thiết lập hàng đợi được nêu.' },
    en: { reason: 'A queue setting is not valid.', action: 'Fix the queue setting named.' },
  },
  QUEUE_REFUSED: {
    kind: config,
    vi: { reason: 'PostgreSQL từ chối kết nối hoặc thao tác (người dùng, mật khẩu, cơ sở dữ liệu).', action: 'Kiểm tra người dùng, mật khẩu và tên cơ sở dữ liệu trong --queue.' },
    en: { reason: 'PostgreSQL refused the connection or the operation (user, password, database).', action: 'Check the user, password and database in --queue.' },
  },
  METRICS_PORT_UNAVAILABLE: {
    kind: config,
    vi: { reason: 'Cổng số liệu (metrics) đã chọn đang bị dùng hoặc không mở được.', action: 'Chọn cổng khác với --metrics-port (0 để tự chọn cổng trống).' },
    en: { reason: 'The chosen metrics port is taken or cannot be opened.', action: 'Choose another with --metrics-port (0 picks a free one).' },
  },
  // ── Transient errors: retried with backoff; they reach a report only when retries ran out ──
  STORE_UNAVAILABLE: {
    kind: transient,
    vi: { reason: 'Kho lưu trữ S3 tạm thời không trả lời hoặc trả dữ liệu sai.', action: 'Chờ kho hoạt động lại rồi chạy lại lệnh; phần đã lưu được giữ nguyên.' },
    en: { reason: 'The S3 store did not answer, or answered wrongly, for now.', action: 'Wait for the store to recover and run the command again; what was stored is kept.' },
  },
  STORE_WRITE_FAILED: {
    kind: transient,
    vi: { reason: 'Không ghi được vào thư mục lưu kết quả.', action: 'Kiểm tra dung lượng đĩa còn trống và quyền ghi, rồi chạy lại.' },
    en: { reason: 'Could not write to the output folder.', action: 'Check free disk space and permissions, and run again.' },
  },
  QUEUE_UNAVAILABLE: {
    kind: transient,
    vi: { reason: 'Cơ sở dữ liệu hàng đợi (PostgreSQL) tạm thời không truy cập được.', action: 'Kiểm tra PostgreSQL đang chạy và kết nối được; công việc sẽ được thử lại.' },
    en: { reason: 'The queue database (PostgreSQL) cannot be reached for now.', action: 'Check that PostgreSQL is up and reachable; the work is retried.' },
  },
  WORKER_LOST: {
    kind: transient,
    vi: { reason: 'Tiến trình xử lý hồ sơ bị mất hoặc chạy quá lâu, nhiều lần liên tiếp.', action: 'Kiểm tra bộ nhớ và nhật ký của các máy xử lý, rồi xếp hàng lại hồ sơ.' },
    en: { reason: 'The worker handling the dossier was lost or ran too long, again and again.', action: 'Check the workers’ memory and logs, then retry the dossier.' },
  },
  // ── Page warnings: the page is stored as it is; the report says why a person may want to look ──
  PAGE_OUTPUT_LARGER: {
    kind: warning,
    vi: {
      reason: 'Trang trong tệp PDF kết quả chiếm hơn 1,5 lần dung lượng của trang quét đầu vào (thường do ảnh đen trắng hoặc xám bị lưu thành ảnh màu, hoặc độ phân giải cao hơn bản gốc).',
      action: 'Trang vẫn được lưu đầy đủ. Nếu nhiều trang như vậy, gửi cho bộ phận kỹ thuật một tệp đầu vào cùng báo cáo để chỉnh cách lưu ảnh (chế độ màu, độ phân giải, chất lượng JPEG).',
    },
    en: {
      reason: 'The page takes more than 1.5 times its input scan’s bytes in the output PDF (usually a black-and-white or gray scan stored in colour, or at a higher resolution than the original).',
      action: 'The page is stored in full. If many pages do this, send one input file and the report to the operators to adjust how pages are stored (colour mode, resolution, JPEG quality).',
    },
  },
  // ── Anything else is a defect ──
  INTERNAL: {
    kind: 'internal',
    vi: { reason: 'Lỗi nội bộ của phần mềm.', action: 'Báo cho bộ phận kỹ thuật kèm báo cáo và nhật ký; các trang khác vẫn được xử lý.' },
    en: { reason: 'An internal error of the software.', action: 'Tell the operators, with the report and the log; the other pages go on.' },
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof errorCatalog;

/** The codes of warnings: a page that has one is kept. */
export type WarningCode = { [C in ErrorCode]: (typeof errorCatalog)[C]['kind'] extends typeof warning ? C : never }[ErrorCode];

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

/** The code of each kind of problem `sohoa verify` finds. */
export const verifyProblemCodes = {
  missing: 'RECORD_OBJECT_MISSING',
  corrupt: 'RECORD_OBJECT_CORRUPT',
  'unreadable-record': 'RECORD_UNREADABLE',
  extra: 'RECORD_OBJECT_EXTRA',
  incomplete: 'RECORD_INCOMPLETE',
} as const satisfies Record<string, ErrorCode>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

const tableStart = '<!-- error-codes: generated by `npm run schemas` from src/domain/error-codes.ts -->';
const tableEnd = '<!-- /error-codes -->';

/** The README with its table of codes replaced by the catalog's; the README must hold the two markers. */
export function withErrorCodeTable(readme: string): string {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error(`README.md has no ${tableStart} … ${tableEnd} block for the error codes`);
  return `${readme.slice(0, start + tableStart.length)}\n${errorCodeTable()}\n${readme.slice(end)}`;
}

/** The README's table of codes, generated from the catalog (`npm run schemas` rewrites it; a test checks it). */
export function errorCodeTable(): string {
  const rows = errorCodes.map((code) => {
    const entry: ErrorCodeEntry = errorCatalog[code];
    return `| \`${code}\` | ${entry.kind} | ${entry.en.reason} | ${entry.en.action} | ${entry.vi.reason} ${entry.vi.action} |`;
  });
  return ['| code | kind | what it means | what to do | Tiếng Việt |', '|---|---|---|---|---|', ...rows].join('\n');
}

// Renders the committed sample scan batch: synthetic Decree 30/2020 documents, their degradations, manifest and exact ground-truth text.
//
// Run with `node samples/make-samples.ts`. The output is byte-for-byte the same on every run: every random
// choice comes from a seeded generator and every image is written by the sharp version pinned in package.json.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Sharp } from 'sharp';

// ---------------------------------------------------------------------------------------------------------------
// Content model: what a document says and how it is laid out, independent of resolution.

type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

interface Run {
  style: FontStyle;
  text: string;
}

/** The two-column heading of a Decree 30 document (issuing body, number, national title, place and date). */
interface Letterhead {
  /** Direct parent body, printed above the issuing body in regular capitals. */
  parent?: string;
  /** Issuing body, bold capitals, one or two lines. */
  agency: string[];
  /** Number and symbol without "Số: ", e.g. `15/QĐ-UBND`. */
  number: string;
  /** Summary of a công văn, printed under the number line. */
  vv?: string[];
  place: string;
  /** ISO date, e.g. `2024-03-05`. */
  issueDate: string;
}

interface Signature {
  /** Capacity and title lines, e.g. `TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`, `PHÓ CHỦ TỊCH`. */
  capacity: string[];
  /** Fictional signer. */
  name: string;
}

type Block =
  | { kind: 'title'; text: string }
  /** The summary under the type name, with the short rule under it. */
  | { kind: 'subject'; lines: string[] }
  | { kind: 'centre'; text: string; style: FontStyle }
  | { kind: 'para'; runs: Run[]; indent: boolean }
  | { kind: 'closing'; recipients: string[]; signature: Signature }
  | { kind: 'pageBreak' };

/** How one page of a document is turned into a file. */
type PageTreatment = 'clean' | 'no-dpi' | 'rotated-90' | 'rotated-180' | 'skew-3' | 'noisy' | 'dpi-200' | 'jpeg' | 'g4-tiff';

interface DocumentSpec {
  id: string;
  title: string;
  metadata: Record<string, string>;
  letterhead: Letterhead;
  blocks: Block[];
  /** One per page; pages with the same `file` share a multi-page file, in order. */
  pages: { file: string; treatment: PageTreatment }[];
}

interface DossierSpec {
  id: string;
  code: string;
  title: string;
  kind: 'component' | 'result';
  metadata: Record<string, string>;
  documents: DocumentSpec[];
}

const p = (text: string, indent = true): Block => ({ kind: 'para', runs: [{ style: 'regular', text }], indent });
const italic = (text: string): Block => ({ kind: 'para', runs: [{ style: 'italic', text }], indent: true });
const heading = (text: string): Block => ({ kind: 'para', runs: [{ style: 'bold', text }], indent: true });
const article = (label: string, text: string): Block => ({
  kind: 'para',
  runs: [
    { style: 'bold', text: label },
    { style: 'regular', text },
  ],
  indent: true,
});
const item = (text: string): Block => p(text, true);
const pageBreak: Block = { kind: 'pageBreak' };

// All people are invented (their names read as "sample", "illustration", "example"...); agencies and laws are
// real names used only as a realistic backdrop.
const dossiers: DossierSpec[] = [
  {
    id: 'HS-001',
    code: '000.00.16.H05-240305-0001',
    title: 'Hồ sơ đề nghị tặng danh hiệu Lao động tiên tiến năm 2023 của huyện Bảo Thắng',
    kind: 'component',
    metadata: { procedureCode: '1.000466', agencyCode: '000.00.16.H05', retention: 'VINH_VIEN' },
    documents: [
      {
        id: 'TTR-08',
        title: 'Tờ trình đề nghị tặng danh hiệu Lao động tiên tiến năm 2023',
        metadata: { documentType: 'Tờ trình', number: '08/TTr-PNV', issueDate: '2024-02-28', issuer: 'Phòng Nội vụ huyện Bảo Thắng' },
        letterhead: { parent: 'UBND HUYỆN BẢO THẮNG', agency: ['PHÒNG NỘI VỤ'], number: '08/TTr-PNV', place: 'Bảo Thắng', issueDate: '2024-02-28' },
        blocks: [
          { kind: 'title', text: 'TỜ TRÌNH' },
          { kind: 'subject', lines: ['Đề nghị tặng danh hiệu Lao động tiên tiến năm 2023'] },
          { kind: 'centre', text: 'Kính gửi: Ủy ban nhân dân huyện Bảo Thắng.', style: 'regular' },
          p('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;'),
          p('Căn cứ kết quả bình xét của Hội đồng Thi đua - Khen thưởng huyện tại cuộc họp ngày 20 tháng 02 năm 2024,'),
          p('Phòng Nội vụ kính trình Ủy ban nhân dân huyện xem xét, đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng danh hiệu Lao động tiên tiến năm 2023 cho các cá nhân có thành tích, cụ thể như sau:'),
          heading('I. KẾT QUẢ BÌNH XÉT'),
          p('Trong năm 2023, các cơ quan, đơn vị trên địa bàn huyện đã tổ chức phát động phong trào thi đua sâu rộng, gắn với việc thực hiện nhiệm vụ chính trị của từng đơn vị. Qua bình xét từ cơ sở, có 42 tập thể và 315 cá nhân được các đơn vị đề nghị khen thưởng.'),
          p('Hội đồng Thi đua - Khen thưởng huyện đã họp, xem xét hồ sơ và thống nhất đề nghị tặng danh hiệu Lao động tiên tiến cho 286 cá nhân; tặng Giấy khen của Chủ tịch Ủy ban nhân dân huyện cho 37 tập thể và 104 cá nhân.'),
          heading('II. HỒ SƠ KÈM THEO'),
          item('- Biên bản họp Hội đồng Thi đua - Khen thưởng huyện ngày 20 tháng 02 năm 2024;'),
          item('- Danh sách cá nhân đề nghị tặng danh hiệu Lao động tiên tiến năm 2023;'),
          pageBreak,
          item('- Báo cáo thành tích của các tập thể, cá nhân được đề nghị khen thưởng.'),
          heading('III. ĐỀ NGHỊ'),
          p('Phòng Nội vụ kính đề nghị Ủy ban nhân dân huyện xem xét, ban hành văn bản đề nghị Sở Nội vụ thẩm định, trình Chủ tịch Ủy ban nhân dân tỉnh quyết định khen thưởng theo quy định. Hồ sơ đề nghị được gửi kèm theo Tờ trình này.'),
          p('Kính trình Ủy ban nhân dân huyện xem xét, quyết định./.'),
          {
            kind: 'closing',
            recipients: ['- Như trên;', '- Chủ tịch, các PCT UBND huyện;', '- Lưu: VT, PNV.'],
            signature: { capacity: ['TRƯỞNG PHÒNG'], name: 'Lê Văn Mẫu' },
          },
        ],
        pages: [
          { file: 'HS-001/ttr-08-p1.png', treatment: 'no-dpi' },
          { file: 'HS-001/ttr-08-p2.png', treatment: 'rotated-90' },
        ],
      },
      {
        id: 'CV-125',
        title: 'Công văn gửi hồ sơ đề nghị khen thưởng năm 2023',
        metadata: { documentType: 'Công văn', number: '125/UBND-VP', issueDate: '2024-03-01', issuer: 'Ủy ban nhân dân huyện Bảo Thắng' },
        letterhead: {
          agency: ['ỦY BAN NHÂN DÂN', 'HUYỆN BẢO THẮNG'],
          number: '125/UBND-VP',
          vv: ['V/v gửi hồ sơ đề nghị', 'khen thưởng năm 2023'],
          place: 'Bảo Thắng',
          issueDate: '2024-03-01',
        },
        blocks: [
          { kind: 'centre', text: 'Kính gửi: Sở Nội vụ tỉnh Lào Cai.', style: 'regular' },
          p('Thực hiện Hướng dẫn số 45/HD-SNV ngày 10 tháng 01 năm 2024 của Sở Nội vụ tỉnh Lào Cai về công tác thi đua, khen thưởng năm 2023, Ủy ban nhân dân huyện Bảo Thắng đã chỉ đạo các cơ quan, đơn vị tổ chức bình xét và hoàn thiện hồ sơ đề nghị khen thưởng theo quy định.'),
          p('Ủy ban nhân dân huyện Bảo Thắng gửi kèm theo văn bản này hồ sơ đề nghị tặng danh hiệu Lao động tiên tiến năm 2023 cho 286 cá nhân, gồm: Tờ trình số 08/TTr-PNV ngày 28 tháng 02 năm 2024 của Phòng Nội vụ; Báo cáo số 21/BC-UBND ngày 29 tháng 02 năm 2024 của Ủy ban nhân dân huyện và danh sách kèm theo.'),
          p('Đề nghị Sở Nội vụ tỉnh Lào Cai xem xét, thẩm định và trình Chủ tịch Ủy ban nhân dân tỉnh quyết định. Trong quá trình thẩm định, nếu cần bổ sung hồ sơ, đề nghị liên hệ Văn phòng HĐND và UBND huyện để phối hợp giải quyết.'),
          p('Trân trọng./.'),
          {
            kind: 'closing',
            recipients: ['- Như trên;', '- TT Huyện ủy (b/c);', '- Chủ tịch, các PCT UBND huyện;', '- Lưu: VT, VP.'],
            signature: { capacity: ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Trần Thị Minh Họa' },
          },
        ],
        pages: [{ file: 'HS-001/cv-125.jpg', treatment: 'jpeg' }],
      },
      {
        id: 'BC-21',
        title: 'Báo cáo kết quả công tác thi đua, khen thưởng năm 2023',
        metadata: { documentType: 'Báo cáo', number: '21/BC-UBND', issueDate: '2024-02-29', issuer: 'Ủy ban nhân dân huyện Bảo Thắng' },
        letterhead: { agency: ['ỦY BAN NHÂN DÂN', 'HUYỆN BẢO THẮNG'], number: '21/BC-UBND', place: 'Bảo Thắng', issueDate: '2024-02-29' },
        blocks: [
          { kind: 'title', text: 'BÁO CÁO' },
          { kind: 'subject', lines: ['Kết quả công tác thi đua, khen thưởng năm 2023', 'và phương hướng, nhiệm vụ năm 2024'] },
          heading('I. KẾT QUẢ THỰC HIỆN NĂM 2023'),
          heading('1. Công tác lãnh đạo, chỉ đạo'),
          p('Ủy ban nhân dân huyện đã ban hành kế hoạch phát động phong trào thi đua ngay từ đầu năm, giao chỉ tiêu cụ thể cho từng cơ quan, đơn vị và Ủy ban nhân dân các xã, thị trấn. Các phong trào thi đua được tổ chức gắn với nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh trên địa bàn.'),
          heading('2. Kết quả các phong trào thi đua'),
          p('Phong trào “Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau” được triển khai rộng khắp; trong năm đã hỗ trợ xây dựng 58 nhà ở cho hộ nghèo, hộ có hoàn cảnh khó khăn với tổng kinh phí 2,9 tỷ đồng.'),
          p('Phong trào thi đua “Chung sức xây dựng nông thôn mới” tiếp tục đạt kết quả tích cực: có thêm 02 xã đạt chuẩn nông thôn mới nâng cao, 15 thôn đạt chuẩn thôn kiểu mẫu; tỷ lệ hộ nghèo giảm còn 6,8%.'),
          heading('3. Công tác khen thưởng'),
          p('Trong năm, Ủy ban nhân dân huyện đã tặng Giấy khen cho 37 tập thể và 104 cá nhân; đề nghị cấp trên khen thưởng cho 12 tập thể và 29 cá nhân. Công tác khen thưởng bảo đảm đúng đối tượng, công khai, minh bạch và kịp thời.'),
          pageBreak,
          heading('II. TỒN TẠI, HẠN CHẾ'),
          p('Một số đơn vị chưa chú trọng phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến; hồ sơ đề nghị khen thưởng ở một số cơ sở còn gửi chậm, phải bổ sung nhiều lần.'),
          heading('III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024'),
          p('1. Tiếp tục đổi mới nội dung, hình thức tổ chức các phong trào thi đua, bảo đảm thiết thực, hiệu quả, tránh hình thức.'),
          p('2. Nâng cao chất lượng thẩm định hồ sơ, rút ngắn thời gian giải quyết thủ tục khen thưởng; đẩy mạnh tiếp nhận hồ sơ trên môi trường điện tử.'),
          p('3. Tăng cường tuyên truyền, biểu dương các điển hình tiên tiến, người tốt, việc tốt trên các phương tiện thông tin đại chúng.'),
          p('Trên đây là báo cáo kết quả công tác thi đua, khen thưởng năm 2023 và phương hướng, nhiệm vụ năm 2024 của Ủy ban nhân dân huyện Bảo Thắng./.'),
          {
            kind: 'closing',
            recipients: ['- Sở Nội vụ tỉnh Lào Cai;', '- TT Huyện ủy, TT HĐND huyện;', '- Lưu: VT, PNV.'],
            signature: { capacity: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], name: 'Phạm Văn Thử' },
          },
        ],
        pages: [
          { file: 'HS-001/bc-21-p1.png', treatment: 'skew-3' },
          { file: 'HS-001/bc-21-p2.png', treatment: 'noisy' },
        ],
      },
    ],
  },
  {
    id: 'HS-002',
    code: '000.00.16.H05-240312-0002',
    title: 'Kết quả giải quyết thủ tục tặng danh hiệu Lao động tiên tiến năm 2023',
    kind: 'result',
    metadata: { procedureCode: '1.000466', agencyCode: '000.00.16.H05', retention: '20' },
    documents: [
      {
        id: 'QD-15',
        title: 'Quyết định tặng danh hiệu Lao động tiên tiến năm 2023',
        metadata: { documentType: 'Quyết định', number: '15/QĐ-UBND', issueDate: '2024-03-05', issuer: 'Ủy ban nhân dân tỉnh Lào Cai' },
        letterhead: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', place: 'Lào Cai', issueDate: '2024-03-05' },
        blocks: [
          { kind: 'title', text: 'QUYẾT ĐỊNH' },
          { kind: 'subject', lines: ['Về việc tặng danh hiệu Lao động tiên tiến năm 2023'] },
          { kind: 'centre', text: 'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI', style: 'bold' },
          italic('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;'),
          italic('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;'),
          italic('Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh ban hành Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh Lào Cai;'),
          italic('Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 31/TTr-SNV ngày 04 tháng 3 năm 2024.'),
          { kind: 'centre', text: 'QUYẾT ĐỊNH:', style: 'bold' },
          article('Điều 1.', 'Tặng danh hiệu Lao động tiên tiến năm 2023 cho 286 cá nhân thuộc Ủy ban nhân dân huyện Bảo Thắng đã có thành tích hoàn thành tốt nhiệm vụ, góp phần vào sự nghiệp xây dựng và phát triển của tỉnh (có danh sách kèm theo).'),
          pageBreak,
          article('Điều 2.', 'Kinh phí khen thưởng thực hiện theo quy định hiện hành, do ngân sách huyện Bảo Thắng chi trả từ quỹ thi đua, khen thưởng năm 2024.'),
          article('Điều 3.', 'Quyết định này có hiệu lực kể từ ngày ký.'),
          p('Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Chủ tịch Ủy ban nhân dân huyện Bảo Thắng, Thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.'),
          {
            kind: 'closing',
            recipients: ['- Như Điều 3;', '- Chủ tịch, các PCT UBND tỉnh;', '- Ban Thi đua - Khen thưởng;', '- Lưu: VT, NC.'],
            signature: { capacity: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Nguyễn Văn Giả Định' },
          },
        ],
        pages: [
          { file: 'HS-002/qd-15-p1.png', treatment: 'clean' },
          { file: 'HS-002/qd-15-p2.png', treatment: 'rotated-180' },
        ],
      },
      {
        id: 'TB-02',
        title: 'Thông báo kết quả thẩm định hồ sơ đề nghị khen thưởng đợt 1 năm 2024',
        metadata: { documentType: 'Thông báo', number: '02/TB-SNV', issueDate: '2024-03-12', issuer: 'Sở Nội vụ tỉnh Lào Cai' },
        letterhead: { parent: 'UBND TỈNH LÀO CAI', agency: ['SỞ NỘI VỤ'], number: '02/TB-SNV', place: 'Lào Cai', issueDate: '2024-03-12' },
        blocks: [
          { kind: 'title', text: 'THÔNG BÁO' },
          { kind: 'subject', lines: ['Về việc kết quả thẩm định hồ sơ đề nghị', 'khen thưởng đợt 1 năm 2024'] },
          p('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022 và Quyết định số 12/2024/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh Lào Cai, Sở Nội vụ đã tiếp nhận và thẩm định hồ sơ đề nghị khen thưởng đợt 1 năm 2024 của các huyện, thị xã, thành phố.'),
          p('Sở Nội vụ thông báo kết quả thẩm định như sau:'),
          heading('1. Tình hình tiếp nhận hồ sơ'),
          p('Từ ngày 01 tháng 02 năm 2024 đến hết ngày 08 tháng 3 năm 2024, Sở Nội vụ đã tiếp nhận 9 bộ hồ sơ đề nghị khen thưởng của Ủy ban nhân dân các huyện, thị xã, thành phố, trong đó 7 bộ hồ sơ được nộp trực tuyến qua Cổng dịch vụ công của tỉnh và 2 bộ hồ sơ nộp trực tiếp tại Bộ phận Một cửa.'),
          p('Tổng số đề nghị là 1.214 cá nhân và 96 tập thể. Các hồ sơ cơ bản đầy đủ thành phần theo quy định; một số hồ sơ còn thiếu biên bản họp Hội đồng Thi đua - Khen thưởng cấp huyện hoặc báo cáo thành tích chưa có xác nhận của cơ quan quản lý.'),
          pageBreak,
          heading('2. Kết quả thẩm định theo từng đơn vị'),
          item('- Ủy ban nhân dân thành phố Lào Cai: 231 cá nhân, 18 tập thể;'),
          item('- Ủy ban nhân dân thị xã Sa Pa: 104 cá nhân, 9 tập thể;'),
          item('- Ủy ban nhân dân huyện Bảo Thắng: 286 cá nhân, 12 tập thể;'),
          item('- Ủy ban nhân dân huyện Bảo Yên: 143 cá nhân, 11 tập thể;'),
          item('- Ủy ban nhân dân huyện Bát Xát: 117 cá nhân, 10 tập thể;'),
          item('- Ủy ban nhân dân huyện Bắc Hà: 98 cá nhân, 8 tập thể;'),
          item('- Ủy ban nhân dân huyện Mường Khương: 86 cá nhân, 9 tập thể;'),
          item('- Ủy ban nhân dân huyện Si Ma Cai: 61 cá nhân, 7 tập thể;'),
          item('- Ủy ban nhân dân huyện Văn Bàn: 88 cá nhân, 12 tập thể.'),
          p('Qua thẩm định, 1.178 cá nhân và 93 tập thể đủ điều kiện trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định khen thưởng. 36 cá nhân và 3 tập thể chưa đủ điều kiện do thiếu thời gian công tác theo quy định hoặc hồ sơ chưa có ý kiến của cơ quan có thẩm quyền.'),
          p('Danh sách chi tiết các trường hợp chưa đủ điều kiện được gửi kèm theo Thông báo này qua Hệ thống quản lý văn bản và điều hành của tỉnh.'),
          pageBreak,
          heading('3. Đề nghị'),
          p('Đề nghị Ủy ban nhân dân các huyện, thị xã, thành phố rà soát, bổ sung hồ sơ đối với các trường hợp chưa đủ điều kiện và gửi về Sở Nội vụ trước ngày 25 tháng 3 năm 2024 để tổng hợp vào đợt 2.'),
          p('Hồ sơ bổ sung được nộp trực tuyến trên Cổng dịch vụ công của tỉnh; bản giấy gửi về Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh Lào Cai.'),
          p('Sở Nội vụ thông báo để các cơ quan, đơn vị biết và thực hiện./.'),
          {
            kind: 'closing',
            recipients: ['- UBND các huyện, TX, TP;', '- Giám đốc Sở;', '- Lưu: VT, TĐKT.'],
            signature: { capacity: ['TL. GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG'], name: 'Đỗ Thị Ví Dụ' },
          },
        ],
        pages: [
          { file: 'HS-002/tb-02.tif', treatment: 'g4-tiff' },
          { file: 'HS-002/tb-02.tif', treatment: 'g4-tiff' },
          { file: 'HS-002/tb-02.tif', treatment: 'g4-tiff' },
        ],
      },
      {
        id: 'QD-12-2024',
        title: 'Quyết định ban hành Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh Lào Cai',
        metadata: { documentType: 'Quyết định', number: '12/2024/QĐ-UBND', issueDate: '2024-01-15', issuer: 'Ủy ban nhân dân tỉnh Lào Cai' },
        letterhead: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '12/2024/QĐ-UBND', place: 'Lào Cai', issueDate: '2024-01-15' },
        blocks: [
          { kind: 'title', text: 'QUYẾT ĐỊNH' },
          { kind: 'subject', lines: ['Ban hành Quy định về công tác thi đua, khen thưởng', 'trên địa bàn tỉnh Lào Cai'] },
          { kind: 'centre', text: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', style: 'bold' },
          italic('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;'),
          italic('Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;'),
          italic('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;'),
          italic('Theo đề nghị của Giám đốc Sở Nội vụ.'),
          { kind: 'centre', text: 'QUYẾT ĐỊNH:', style: 'bold' },
          article('Điều 1.', 'Ban hành kèm theo Quyết định này Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh Lào Cai.'),
          article('Điều 2.', 'Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 02 năm 2024.'),
          article('Điều 3.', 'Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.'),
          {
            kind: 'closing',
            recipients: ['- Như Điều 3;', '- Bộ Nội vụ;', '- Cục Kiểm tra VBQPPL;', '- TT Tỉnh ủy, TT HĐND tỉnh;', '- Lưu: VT, NC.'],
            signature: { capacity: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], name: 'Hoàng Văn Mô Phỏng' },
          },
        ],
        pages: [{ file: 'HS-002/qd-12-2024.png', treatment: 'dpi-200' }],
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers: dates, units, geometry, seeded randomness.

/** Decree 30 place/date line: day always two digits, month two digits only for January and February. */
function formatPlaceDate(place: string, isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const dd = String(day).padStart(2, '0');
  const mm = month < 3 ? String(month).padStart(2, '0') : String(month);
  return `${place}, ngày ${dd} tháng ${mm} năm ${year}`;
}

const mmToPx = (mm: number, dpi: number): number => Math.round((mm * dpi) / 25.4);
const ptToPx = (pt: number, dpi: number): number => (pt * dpi) / 72;

/** Mulberry32: tiny, seedable, and identical on every platform, which is all the noise needs. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A4 with Decree 30 margins (top/bottom 20 mm, left 30 mm, right 15 mm). */
const pageMm = { width: 210, height: 297, top: 20, bottom: 20, left: 30, right: 15 };
/** Header boxes: the national title needs the wider right-hand box in DejaVu Serif, which is wider than Times. */
const headerMm = { leftX0: 29, leftX1: 92, rightX0: 90, rightX1: 195 };
const closingMm = { leftX0: 30, leftX1: 100, rightX0: 105, rightX1: 195 };
const sizesPt = { header: 12, headerNumber: 13, vv: 12, title: 14, subject: 14, body: 13, recipientsHead: 12, recipients: 11, signature: 13 };

// ---------------------------------------------------------------------------------------------------------------
// Text rendering: one tile per line or word, with a known baseline, so every glyph lands where the layout says.

const fontDir = fileURLToPath(new URL('../node_modules/dejavu-fonts-ttf/ttf/', import.meta.url));
const fonts: Record<FontStyle, { file: string; name: string }> = {
  regular: { file: 'DejaVuSerif.ttf', name: 'DejaVu Serif' },
  bold: { file: 'DejaVuSerif-Bold.ttf', name: 'DejaVu Serif Bold' },
  italic: { file: 'DejaVuSerif-Italic.ttf', name: 'DejaVu Serif Italic' },
  boldItalic: { file: 'DejaVuSerif-BoldItalic.ttf', name: 'DejaVu Serif Bold Italic' },
};

/** A rendered piece of text: coverage 0–255, cropped to its ink horizontally, strut height vertically. */
interface Tile {
  alpha: Uint8Array;
  widthPx: number;
  heightPx: number;
  /** Row of the baseline inside the tile. */
  baselinePx: number;
}

// libvips crops rendered text to its ink box, which would move the baseline with every accent. An invisible strut
// (fully transparent tall and deep glyphs) on both sides fixes the box height, so the baseline sits at a constant
// offset that is calibrated once per font and size.
const strut = '<span fgalpha="1">Ỗ|g</span>';
const escapeMarkup = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const tileCache = new Map<string, Promise<Tile>>();
const baselineCache = new Map<string, Promise<number>>();

async function renderRaw(text: string, style: FontStyle, sizePt: number, dpi: number): Promise<{ alpha: Uint8Array; widthPx: number; heightPx: number }> {
  const font = fonts[style];
  const { data, info } = await sharp({
    text: { text: strut + escapeMarkup(text) + strut, font: `${font.name} ${sizePt}`, fontfile: join(fontDir, font.file), dpi, rgba: true },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const alpha = new Uint8Array(info.width * info.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[i * 4 + 3] ?? 0;
  return { alpha, widthPx: info.width, heightPx: info.height };
}

function inkColumns(alpha: Uint8Array, widthPx: number, heightPx: number): { x0: number; x1: number } {
  let x0 = widthPx;
  let x1 = -1;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      if ((alpha[y * widthPx + x] ?? 0) > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
      }
    }
  }
  if (x1 < 0) throw new Error('rendered text has no ink');
  return { x0, x1 };
}

function baselineOf(style: FontStyle, sizePt: number, dpi: number): Promise<number> {
  const key = `${style}|${sizePt}|${dpi}`;
  let cached = baselineCache.get(key);
  if (!cached) {
    // The bottom of a flat-bottomed capital is the baseline.
    cached = renderRaw('H', style, sizePt, dpi).then(({ alpha, widthPx, heightPx }) => {
      for (let y = heightPx - 1; y >= 0; y--) {
        for (let x = 0; x < widthPx; x++) if ((alpha[y * widthPx + x] ?? 0) > 128) return y + 1;
      }
      throw new Error(`cannot find the baseline of ${style} ${sizePt}pt`);
    });
    baselineCache.set(key, cached);
  }
  return cached;
}

function renderTile(text: string, style: FontStyle, sizePt: number, dpi: number): Promise<Tile> {
  const key = `${style}|${sizePt}|${dpi}|${text}`;
  let cached = tileCache.get(key);
  if (!cached) {
    cached = (async () => {
      const raw = await renderRaw(text, style, sizePt, dpi);
      const { x0, x1 } = inkColumns(raw.alpha, raw.widthPx, raw.heightPx);
      const widthPx = x1 - x0 + 1;
      const alpha = new Uint8Array(widthPx * raw.heightPx);
      for (let y = 0; y < raw.heightPx; y++) alpha.set(raw.alpha.subarray(y * raw.widthPx + x0, y * raw.widthPx + x1 + 1), y * widthPx);
      return { alpha, widthPx, heightPx: raw.heightPx, baselinePx: await baselineOf(style, sizePt, dpi) };
    })();
    tileCache.set(key, cached);
  }
  return cached;
}

/** Gap between two words: ink of "H H" minus two H's, i.e. a space plus the side bearings. */
async function wordGapPx(style: FontStyle, sizePt: number, dpi: number): Promise<number> {
  const [pair, single] = await Promise.all([renderTile('H H', style, sizePt, dpi), renderTile('H', style, sizePt, dpi)]);
  return pair.widthPx - 2 * single.widthPx;
}

// ---------------------------------------------------------------------------------------------------------------
// Layout: blocks to positioned tiles, page by page. Visual rows are numbered so the ground truth can list a row's
// left column before its right column.

interface Placed {
  tile: Tile;
  xPx: number;
  baselinePx: number;
}

/** One ground-truth line: text and where it sits in reading order. */
interface TextLine {
  row: number;
  xPx: number;
  text: string;
}

interface Rect {
  xPx: number;
  yPx: number;
  widthPx: number;
  heightPx: number;
}

interface PageDraw {
  dpi: number;
  widthPx: number;
  heightPx: number;
  placed: Placed[];
  lines: TextLine[];
  rules: Rect[];
  /** Signature areas, filled with a pen stroke. */
  signatures: Rect[];
}

/** Lays out one document at one resolution; returns one PageDraw per page. */
async function layoutDocument(doc: DocumentSpec, dpi: number): Promise<PageDraw[]> {
  const px = (mm: number) => mmToPx(mm, dpi);
  const pt = (value: number) => ptToPx(value, dpi);
  const widthPx = px(pageMm.width);
  const heightPx = px(pageMm.height);
  const textX0 = px(pageMm.left);
  const textX1 = px(pageMm.width - pageMm.right);
  const bottomPx = heightPx - px(pageMm.bottom);
  const pages: PageDraw[] = [];
  let page = newPage();
  let row = 0;
  let y = 0;

  function newPage(): PageDraw {
    return { dpi, widthPx, heightPx, placed: [], lines: [], rules: [], signatures: [] };
  }
  function checkFits(baselinePx: number, what: string): void {
    if (baselinePx > bottomPx) throw new Error(`${doc.id} page ${pages.length + 1}: "${what}" falls below the bottom margin; move a page break`);
  }
  /** Places a whole line as one tile, aligned in [x0, x1]. Returns its ink extent. */
  async function placeLine(text: string, style: FontStyle, sizePt: number, align: 'left' | 'centre', x0: number, x1: number, lineRow: number, baselinePx: number) {
    const tile = await renderTile(text, style, sizePt, dpi);
    if (tile.widthPx > x1 - x0) throw new Error(`${doc.id}: "${text}" is ${tile.widthPx} px wide but its box is ${x1 - x0} px`);
    checkFits(baselinePx, text);
    const xPx = align === 'left' ? x0 : Math.round((x0 + x1 - tile.widthPx) / 2);
    page.placed.push({ tile, xPx, baselinePx: Math.round(baselinePx) });
    page.lines.push({ row: lineRow, xPx, text });
    return { xPx, widthPx: tile.widthPx };
  }
  /** Short rule centred under a line, as Decree 30 draws under the issuing body, the motto and the summary. */
  function rule(centreX: number, lengthPx: number, baselinePx: number, sizePt: number): void {
    const thickness = Math.max(2, px(0.3));
    // Half an em below the baseline clears the descenders, so OCR never sees the rule as part of a letter.
    page.rules.push({ xPx: Math.round(centreX - lengthPx / 2), yPx: Math.round(baselinePx + pt(sizePt * 0.5)), widthPx: Math.round(lengthPx), heightPx: thickness });
  }

  // Letterhead: rows of [left, right].
  const lh = doc.letterhead;
  const left: { text: string; style: FontStyle; sizePt: number }[] = [
    ...(lh.parent ? [{ text: lh.parent, style: 'regular' as const, sizePt: sizesPt.header }] : []),
    ...lh.agency.map((text) => ({ text, style: 'bold' as const, sizePt: sizesPt.header })),
  ];
  const right = [
    { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', style: 'bold' as const, sizePt: sizesPt.header },
    { text: 'Độc lập - Tự do - Hạnh phúc', style: 'bold' as const, sizePt: sizesPt.headerNumber },
  ];
  if (left.length !== 2) throw new Error(`${doc.id}: the letterhead needs exactly two lines on the left to face the national title`);
  const lx0 = px(headerMm.leftX0);
  const lx1 = px(headerMm.leftX1);
  const rx0 = px(headerMm.rightX0);
  const rx1 = px(headerMm.rightX1);
  y = px(pageMm.top) + pt(11);
  for (let i = 0; i < 2; i++) {
    const l = left[i]!;
    const r = right[i]!;
    const lPlaced = await placeLine(l.text, l.style, l.sizePt, 'centre', lx0, lx1, row, y);
    const rPlaced = await placeLine(r.text, r.style, r.sizePt, 'centre', rx0, rx1, row, y);
    if (i === 1) {
      rule(lPlaced.xPx + lPlaced.widthPx / 2, Math.min(lPlaced.widthPx, px(25)), y, l.sizePt);
      rule(rPlaced.xPx + rPlaced.widthPx / 2, rPlaced.widthPx, y, r.sizePt);
    }
    row++;
    y += pt(16);
  }
  y += pt(8);
  await placeLine(`Số: ${lh.number}`, 'regular', sizesPt.headerNumber, 'centre', lx0, lx1, row, y);
  await placeLine(formatPlaceDate(lh.place, lh.issueDate), 'italic', sizesPt.headerNumber, 'centre', rx0, rx1, row, y);
  row++;
  for (const line of lh.vv ?? []) {
    y += pt(15);
    await placeLine(line, 'regular', sizesPt.vv, 'centre', lx0, lx1, row++, y);
  }
  y += pt(lh.vv ? 10 : 14);

  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'title':
        y += pt(sizesPt.title * 1.3);
        await placeLine(block.text, 'bold', sizesPt.title, 'centre', textX0, textX1, row++, y);
        break;
      case 'subject': {
        let widest = 0;
        for (const line of block.lines) {
          y += pt(sizesPt.subject * 1.3);
          widest = Math.max(widest, (await placeLine(line, 'bold', sizesPt.subject, 'centre', textX0, textX1, row++, y)).widthPx);
        }
        rule((textX0 + textX1) / 2, widest / 3, y, sizesPt.subject);
        y += pt(10);
        break;
      }
      case 'centre':
        y += pt(sizesPt.body * 1.3 + 8);
        await placeLine(block.text, block.style, sizesPt.title, 'centre', textX0, textX1, row++, y);
        y += pt(4);
        break;
      case 'para': {
        const lines = await wrapParagraph(block.runs, sizesPt.body, dpi, block.indent ? px(12.7) : 0, textX1 - textX0);
        y += pt(6);
        for (const line of lines) {
          y += pt(sizesPt.body * 1.35);
          checkFits(y, line.text);
          for (const word of line.words) page.placed.push({ tile: word.tile, xPx: textX0 + word.xPx, baselinePx: Math.round(y) });
          page.lines.push({ row: row++, xPx: textX0, text: line.text });
        }
        break;
      }
      case 'closing':
        y = await placeClosing(block.recipients, block.signature, y + pt(sizesPt.body * 1.35 + 10));
        break;
      case 'pageBreak':
        pages.push(page);
        page = newPage();
        // Pages after the first carry their number centred in the top margin.
        await placeLine(String(pages.length + 1), 'regular', sizesPt.body, 'centre', textX0, textX1, row++, px(12));
        y = px(pageMm.top);
        break;
    }
  }
  pages.push(page);
  return pages;

  async function placeClosing(recipients: string[], signature: Signature, firstBaselinePx: number): Promise<number> {
    const rowPitch = pt(15);
    const cl0 = px(closingMm.leftX0);
    const cl1 = px(closingMm.leftX1);
    const cr0 = px(closingMm.rightX0);
    const cr1 = px(closingMm.rightX1);
    const leftLines = [{ text: 'Nơi nhận:', style: 'boldItalic' as const, sizePt: sizesPt.recipientsHead }, ...recipients.map((text) => ({ text, style: 'regular' as const, sizePt: sizesPt.recipients }))];
    const signatureGapRows = 5;
    const rightLines: ({ text: string; style: FontStyle; sizePt: number } | undefined)[] = [
      ...signature.capacity.map((text) => ({ text, style: 'bold' as const, sizePt: sizesPt.signature })),
      ...Array.from({ length: signatureGapRows }, () => undefined),
      { text: signature.name, style: 'bold', sizePt: sizesPt.signature },
    ];
    const rows = Math.max(leftLines.length, rightLines.length);
    let baseline = firstBaselinePx;
    for (let i = 0; i < rows; i++, baseline += rowPitch) {
      const l = leftLines[i];
      const r = rightLines[i];
      if (l) await placeLine(l.text, l.style, l.sizePt, 'left', cl0, cl1, row, baseline);
      if (r) await placeLine(r.text, r.style, r.sizePt, 'centre', cr0, cr1, row, baseline);
      if (l || r) row++;
    }
    const gapTop = firstBaselinePx + rowPitch * (signature.capacity.length - 1) + pt(8);
    page.signatures.push({ xPx: Math.round((cr0 + cr1) / 2 - px(22)), yPx: Math.round(gapTop), widthPx: px(44), heightPx: Math.round(rowPitch * signatureGapRows - pt(10)) });
    return baseline - rowPitch;
  }
}

interface WrappedLine {
  text: string;
  words: { tile: Tile; xPx: number }[];
}

/** Greedy word wrap with justification (all but the last line), first-line indent, one tile per word. */
async function wrapParagraph(runs: Run[], sizePt: number, dpi: number, indentPx: number, widthPx: number): Promise<WrappedLine[]> {
  const words: { text: string; style: FontStyle }[] = runs.flatMap((run) => run.text.split(' ').filter((w) => w.length > 0).map((text) => ({ text, style: run.style })));
  const tiles = await Promise.all(words.map((w) => renderTile(w.text, w.style, sizePt, dpi)));
  const gapPx = await wordGapPx('regular', sizePt, dpi);
  const lines: { from: number; to: number }[] = [];
  let from = 0;
  while (from < words.length) {
    const avail = widthPx - (lines.length === 0 ? indentPx : 0);
    let used = tiles[from]!.widthPx;
    let to = from + 1;
    while (to < words.length && used + gapPx + tiles[to]!.widthPx <= avail) used += gapPx + tiles[to++]!.widthPx;
    lines.push({ from, to });
    from = to;
  }
  return lines.map(({ from, to }, index) => {
    const x0 = index === 0 ? indentPx : 0;
    const inkPx = tiles.slice(from, to).reduce((sum, t) => sum + t.widthPx, 0);
    const gaps = to - from - 1;
    const isLast = index === lines.length - 1;
    // Justify like the originals, but never stretch a line with few words into a row of islands.
    const justified = gaps > 0 ? (widthPx - x0 - inkPx) / gaps : gapPx;
    const gap = !isLast && justified <= gapPx * 2.5 ? justified : gapPx;
    const placed: { tile: Tile; xPx: number }[] = [];
    let x = x0;
    for (let i = from; i < to; i++) {
      placed.push({ tile: tiles[i]!, xPx: Math.round(x) });
      x += tiles[i]!.widthPx + gap;
    }
    return { text: words.slice(from, to).map((w) => w.text).join(' '), words: placed };
  });
}

/** The page's exact text: rows top to bottom, and within a row the left column first. */
function pageText(lines: readonly TextLine[]): string {
  return [...lines]
    .sort((a, b) => a.row - b.row || a.xPx - b.xPx)
    .map((l) => l.text.normalize('NFC'))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Painting and degradation, all on 8-bit gray buffers (0 = ink, 255 = paper).

interface Gray {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

function paint(draw: PageDraw, seed: number): Gray {
  const { widthPx, heightPx } = draw;
  const data = new Uint8Array(widthPx * heightPx).fill(255);
  for (const { tile, xPx, baselinePx } of draw.placed) {
    const top = baselinePx - tile.baselinePx;
    for (let ty = 0; ty < tile.heightPx; ty++) {
      const py = top + ty;
      if (py < 0 || py >= heightPx) continue;
      for (let tx = 0; tx < tile.widthPx; tx++) {
        const a = tile.alpha[ty * tile.widthPx + tx] ?? 0;
        if (a === 0) continue;
        const i = py * widthPx + xPx + tx;
        data[i] = Math.min(data[i] ?? 255, 255 - a);
      }
    }
  }
  for (const r of draw.rules) fillRect(data, widthPx, r, 0);
  const random = seededRandom(seed);
  for (const area of draw.signatures) drawSignature(data, widthPx, area, random, draw.dpi);
  return { data, widthPx, heightPx };
}

function fillRect(data: Uint8Array, widthPx: number, r: Rect, value: number): void {
  for (let y = r.yPx; y < r.yPx + r.heightPx; y++) data.fill(value, y * widthPx + r.xPx, y * widthPx + r.xPx + r.widthPx);
}

/** A pen stroke in the signature space: a few loops drifting right, so the page looks signed (it is not text). */
function drawSignature(data: Uint8Array, widthPx: number, area: Rect, random: () => number, dpi: number): void {
  const loops = 3 + Math.floor(random() * 3);
  const phase = random() * Math.PI;
  const radius = Math.max(1, Math.round(dpi / 150));
  const steps = 1600;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const x = area.xPx + area.widthPx * (0.05 + 0.9 * t) + Math.cos(t * loops * 2 * Math.PI + phase) * area.widthPx * 0.06;
    const y = area.yPx + area.heightPx * (0.55 - 0.25 * t) + Math.sin(t * loops * 2 * Math.PI + phase) * area.heightPx * 0.25;
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) data[Math.round(y + dy) * widthPx + Math.round(x + dx)] = 40;
    }
  }
}

/** Scanner dust: dark specks and white drop-outs, seeded so the file never changes. */
function speckle(gray: Gray, seed: number): Gray {
  const data = Uint8Array.from(gray.data);
  const random = seededRandom(seed);
  const area = gray.widthPx * gray.heightPx;
  const put = (count: number, value: () => number, maxRadius: number) => {
    for (let n = 0; n < count; n++) {
      const cx = Math.floor(random() * gray.widthPx);
      const cy = Math.floor(random() * gray.heightPx);
      const r = Math.floor(random() * (maxRadius + 1));
      const v = value();
      for (let y = Math.max(0, cy - r); y <= Math.min(gray.heightPx - 1, cy + r); y++) {
        for (let x = Math.max(0, cx - r); x <= Math.min(gray.widthPx - 1, cx + r); x++) data[y * gray.widthPx + x] = v;
      }
    }
  };
  put(Math.round(area * 0.0005), () => Math.floor(random() * 90), 1);
  put(Math.round(area * 0.0004), () => 255, 1);
  return { ...gray, data };
}

const rawInput = (gray: Gray) => sharp(gray.data, { raw: { width: gray.widthPx, height: gray.heightPx, channels: 1 } });

async function toGray(image: Sharp): Promise<Gray> {
  const { data, info } = await image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one channel but received ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height };
}

async function degrade(gray: Gray, treatment: PageTreatment, seed: number): Promise<Gray> {
  switch (treatment) {
    case 'rotated-90':
      return toGray(rawInput(gray).rotate(90));
    case 'rotated-180':
      return toGray(rawInput(gray).rotate(180));
    case 'skew-3': {
      // Content turned 3° counter-clockwise (skewDeg +3 in page.ts terms), on a scanner bed of the same size.
      const turned = await toGray(rawInput(gray).rotate(-3, { background: { r: 255, g: 255, b: 255 } }));
      const left = Math.floor((turned.widthPx - gray.widthPx) / 2);
      const top = Math.floor((turned.heightPx - gray.heightPx) / 2);
      return toGray(rawInput(turned).extract({ left, top, width: gray.widthPx, height: gray.heightPx }));
    }
    case 'noisy':
      return toGray(rawInput(speckle(gray, seed)).blur(0.8));
    case 'g4-tiff':
      // Bitonal before it reaches libtiff, so the 1-bit reduction is a plain threshold we control.
      return { ...gray, data: gray.data.map((v) => (v < 150 ? 0 : 255)) };
    default:
      return gray;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoders. DPI goes into each format's own field; see samples/README.md for what each file carries.

/** Drops PNG chunks of the given types (each chunk carries its own CRC, so the rest stays valid). */
function stripPngChunks(png: Buffer, types: readonly string[]): Buffer {
  const parts: Buffer[] = [png.subarray(0, 8)];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (!types.includes(png.toString('latin1', offset + 4, offset + 8))) parts.push(png.subarray(offset, end));
    offset = end;
  }
  return Buffer.concat(parts);
}

/**
 * Adds a JFIF APP0 segment with the density in dots per inch. sharp writes DPI only into Exif; Leptonica (and so
 * Tesseract) and most scanner software read JFIF, and a real scanner writes both.
 */
function withJfifDensity(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, dpi >> 8, dpi & 0xff, dpi >> 8, dpi & 0xff, 0x00, 0x00]);
  return Buffer.concat([jpeg.subarray(0, 2), app0, jpeg.subarray(2)]);
}

async function encodePng(gray: Gray, dpi: number | undefined): Promise<Buffer> {
  const image = rawInput(gray).toColourspace('b-w');
  if (dpi === undefined) {
    // libvips always writes pHYs (1 px/mm when it knows nothing); a file "without DPI" must not have it at all.
    return stripPngChunks(await image.png({ compressionLevel: 9 }).toBuffer(), ['pHYs', 'eXIf']);
  }
  return image.withDensity(dpi).png({ compressionLevel: 9 }).toBuffer();
}

async function encodeJpeg(gray: Gray, dpi: number): Promise<Buffer> {
  return withJfifDensity(await rawInput(gray).toColourspace('b-w').withDensity(dpi).jpeg({ quality: 85 }).toBuffer(), dpi);
}

async function encodeG4Tiff(pages: Gray[], dpi: number): Promise<Buffer> {
  const pngs = await Promise.all(pages.map((g) => rawInput(g).toColourspace('b-w').png({ compressionLevel: 0 }).toBuffer()));
  // join.animated stacks the pages into one tall image with a page height, which the TIFF writer turns into one
  // IFD per page; join adds an alpha band that G4 cannot carry.
  return sharp(pngs, { join: { animated: true } })
    .removeAlpha()
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' })
    .toBuffer();
}

// ---------------------------------------------------------------------------------------------------------------
// The I/O shell.

const conditionsOf: Record<PageTreatment, string[]> = {
  clean: ['clean'],
  'no-dpi': ['clean', 'no-dpi'],
  'rotated-90': ['rotated-90'],
  'rotated-180': ['rotated-180'],
  'skew-3': ['skew-3'],
  noisy: ['noisy'],
  'dpi-200': ['dpi-200'],
  jpeg: ['jpeg'],
  'g4-tiff': ['g4-tiff'],
};

interface GroundTruthPage {
  file: string;
  filePageNumber: number;
  dossierId: string;
  documentId: string;
  pageNumber: number;
  dpi: number;
  conditions: string[];
  text: string;
}

const samplesDir = dirname(fileURLToPath(import.meta.url));
const batchDir = join(samplesDir, 'batch');

function manifestOf(batchId: string) {
  return {
    batchId,
    dossiers: dossiers.map((d) => ({
      id: d.id,
      code: d.code,
      title: d.title,
      kind: d.kind,
      metadata: d.metadata,
      documents: d.documents.map((doc) => {
        const files = [...new Set(doc.pages.map((pg) => pg.file))];
        return {
          id: doc.id,
          title: doc.title,
          metadata: doc.metadata,
          files: files.map((file) => {
            const count = doc.pages.filter((pg) => pg.file === file).length;
            return count > 1 ? { file, pages: Array.from({ length: count }, (_, i) => i + 1) } : file;
          }),
        };
      }),
    })),
  };
}

async function main(): Promise<void> {
  const startedMs = performance.now();
  // Rendering is deterministic with one libvips thread as with many, but one thread leaves the other core to
  // the other jobs on this machine.
  sharp.concurrency(1);
  sharp.cache(false);
  await rm(batchDir, { recursive: true, force: true });

  const truth: GroundTruthPage[] = [];
  const multiPage = new Map<string, { pages: Gray[]; dpi: number }>();
  const outputs = new Map<string, Buffer>();
  let seed = 1;
  for (const dossier of dossiers) {
    for (const doc of dossier.documents) {
      const treatments = doc.pages.map((pg) => pg.treatment);
      const dpi = treatments.includes('dpi-200') ? 200 : 300;
      if (new Set(treatments.map((t) => (t === 'dpi-200' ? 200 : 300))).size > 1) throw new Error(`${doc.id}: one dpi per document`);
      const draws = await layoutDocument(doc, dpi);
      if (draws.length !== doc.pages.length) throw new Error(`${doc.id}: laid out ${draws.length} pages but ${doc.pages.length} are listed`);
      for (const [index, draw] of draws.entries()) {
        const spec = doc.pages[index]!;
        seed++;
        const gray = await degrade(paint(draw, seed), spec.treatment, seed * 7919);
        let filePageNumber = 1;
        if (spec.file.endsWith('.tif')) {
          const entry = multiPage.get(spec.file) ?? { pages: [], dpi };
          entry.pages.push(gray);
          multiPage.set(spec.file, entry);
          filePageNumber = entry.pages.length;
        } else if (spec.file.endsWith('.jpg')) {
          outputs.set(spec.file, await encodeJpeg(gray, dpi));
        } else {
          outputs.set(spec.file, await encodePng(gray, spec.treatment === 'no-dpi' ? undefined : dpi));
        }
        truth.push({
          file: spec.file,
          filePageNumber,
          dossierId: dossier.id,
          documentId: doc.id,
          pageNumber: index + 1,
          dpi,
          conditions: conditionsOf[spec.treatment],
          text: pageText(draw.lines),
        });
      }
    }
  }
  for (const [file, { pages, dpi }] of multiPage) outputs.set(file, await encodeG4Tiff(pages, dpi));

  for (const [file, bytes] of outputs) {
    await mkdir(dirname(join(batchDir, file)), { recursive: true });
    await writeFile(join(batchDir, file), bytes);
  }
  await writeFile(join(batchDir, 'manifest.json'), `${JSON.stringify(manifestOf('samples-2024-03'), null, 2)}\n`);
  await writeFile(join(samplesDir, 'ground-truth.json'), `${JSON.stringify({ version: 1, pages: truth }, null, 2)}\n`);

  let totalBytes = 0;
  for (const file of (await readdir(batchDir, { recursive: true })).sort()) {
    const path = join(batchDir, file);
    const info = await stat(path);
    if (!info.isFile()) continue;
    totalBytes += info.size;
    const sha = createHash('sha256').update(outputs.get(file) ?? '').digest('hex').slice(0, 12);
    console.log(`${relative(samplesDir, path).padEnd(32)} ${String(info.size).padStart(9)} B${outputs.has(file) ? `  sha256 ${sha}…` : ''}`);
  }
  console.log(`${truth.length} pages, ${outputs.size} image files, ${totalBytes} bytes, ${Math.round(performance.now() - startedMs)} ms`);
}

await main();

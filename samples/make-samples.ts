// Renders the committed sample scan batch: synthetic Decree 30/2020 documents, their degradations, manifest and exact ground-truth text.
//
// Run with `node samples/make-samples.ts`. The output is byte-for-byte the same on every run: every random
// choice comes from a seeded generator and every image is written by the sharp version pinned in package.json.
// The layout, painting and encoders live in samples/render/, shared with samples/documents/make-documents.ts.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import { encodeG4Tiff, encodeJpeg, encodePng } from './render/encoders.ts';
import { article, heading, italic, item, layoutDocument, p, pageBreak, pageText } from './render/layout.ts';
import type { LayoutSpec } from './render/layout.ts';
import { paint, rawInput, skew, speckle, toGray } from './render/raster.ts';
import type { Gray } from './render/raster.ts';
import { groundTruthPath, sampleBatchDir, samplesDir, type GroundTruth, type GroundTruthPage, type SampleCondition } from './ground-truth.ts';

// ---------------------------------------------------------------------------------------------------------------
// The batch: dossiers, documents and how each page is turned into a file.

/** How one page of a document is turned into a file: one treatment per condition the ground truth names. */
type PageTreatment = SampleCondition;

interface DocumentSpec extends LayoutSpec {
  title: string;
  metadata: Record<string, string>;
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
// Degradation of a painted page into what the scanner delivered.

async function degrade(gray: Gray, treatment: PageTreatment, seed: number): Promise<Gray> {
  switch (treatment) {
    case 'rotated-90':
      return toGray(rawInput(gray).rotate(90));
    case 'rotated-180':
      return toGray(rawInput(gray).rotate(180));
    case 'skew-3':
      return skew(gray, 3);
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
// The I/O shell.

const conditionsOf: Record<PageTreatment, SampleCondition[]> = {
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
  await rm(sampleBatchDir, { recursive: true, force: true });

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
    await mkdir(dirname(join(sampleBatchDir, file)), { recursive: true });
    await writeFile(join(sampleBatchDir, file), bytes);
  }
  await writeFile(join(sampleBatchDir, 'manifest.json'), `${JSON.stringify(manifestOf('samples-2024-03'), null, 2)}\n`);
  const groundTruth: GroundTruth = { version: 1, pages: truth };
  await writeFile(groundTruthPath, `${JSON.stringify(groundTruth, null, 2)}\n`);

  let totalBytes = 0;
  for (const file of (await readdir(sampleBatchDir, { recursive: true })).sort()) {
    const path = join(sampleBatchDir, file);
    const info = await stat(path);
    if (!info.isFile()) continue;
    totalBytes += info.size;
    const sha = createHash('sha256').update(outputs.get(file) ?? '').digest('hex').slice(0, 12);
    console.log(`${relative(samplesDir, path).padEnd(32)} ${String(info.size).padStart(9)} B${outputs.has(file) ? `  sha256 ${sha}…` : ''}`);
  }
  console.log(`${truth.length} pages, ${outputs.size} image files, ${totalBytes} bytes, ${Math.round(performance.now() - startedMs)} ms`);
}

await main();

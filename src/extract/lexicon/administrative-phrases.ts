// Fixed phrases of Vietnamese administrative documents that OCR misspells: agency names and the national layout.

/**
 * Names of bodies as headings print them, central and local, before and after the 2025 reorganisation (the
 * ministries merged on 1 March 2025 keep their old names on older papers). Sentence case; case is not compared.
 */
export const AGENCY_NAMES: readonly string[] = [
  'Chính phủ', 'Thủ tướng Chính phủ', 'Văn phòng Chính phủ', 'Quốc hội', 'Văn phòng Quốc hội', 'Ủy ban Thường vụ Quốc hội',
  'Văn phòng Chủ tịch nước', 'Thanh tra Chính phủ', 'Kiểm toán Nhà nước', 'Ngân hàng Nhà nước Việt Nam',
  'Bộ Quốc phòng', 'Bộ Công an', 'Bộ Ngoại giao', 'Bộ Nội vụ', 'Bộ Tư pháp', 'Bộ Tài chính', 'Bộ Công Thương',
  'Bộ Nông nghiệp và Môi trường', 'Bộ Xây dựng', 'Bộ Văn hóa, Thể thao và Du lịch', 'Bộ Khoa học và Công nghệ',
  'Bộ Giáo dục và Đào tạo', 'Bộ Y tế', 'Bộ Dân tộc và Tôn giáo', 'Bộ Kế hoạch và Đầu tư', 'Bộ Giao thông vận tải',
  'Bộ Tài nguyên và Môi trường', 'Bộ Nông nghiệp và Phát triển nông thôn', 'Bộ Lao động - Thương binh và Xã hội',
  'Bộ Thông tin và Truyền thông', 'Ủy ban Dân tộc',
  'Ủy ban nhân dân', 'Hội đồng nhân dân', 'Văn phòng Ủy ban nhân dân', 'Văn phòng UBND', 'Văn phòng HĐND',
  'Văn phòng Hội đồng nhân dân', 'Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân', 'Văn phòng HĐND và UBND',
  'Sở Nội vụ', 'Sở Tài chính', 'Sở Tư pháp', 'Sở Kế hoạch và Đầu tư', 'Sở Tài nguyên và Môi trường',
  'Sở Nông nghiệp và Phát triển nông thôn', 'Sở Nông nghiệp và Môi trường', 'Sở Xây dựng', 'Sở Giao thông vận tải',
  'Sở Công Thương', 'Sở Y tế', 'Sở Giáo dục và Đào tạo', 'Sở Lao động - Thương binh và Xã hội',
  'Sở Văn hóa, Thể thao và Du lịch', 'Sở Văn hóa và Thể thao', 'Sở Du lịch', 'Sở Khoa học và Công nghệ',
  'Sở Thông tin và Truyền thông', 'Sở Ngoại vụ', 'Sở Dân tộc và Tôn giáo', 'Ban Dân tộc', 'Ban Quản lý dự án',
  'Phòng Nội vụ', 'Phòng Tài chính - Kế hoạch', 'Phòng Tư pháp', 'Phòng Tài nguyên và Môi trường',
  'Phòng Giáo dục và Đào tạo', 'Phòng Y tế', 'Phòng Kinh tế', 'Phòng Kinh tế - Hạ tầng', 'Phòng Kinh tế, Hạ tầng và Đô thị',
  'Phòng Quản lý đô thị', 'Phòng Văn hóa và Thông tin', 'Phòng Văn hóa - Xã hội', 'Phòng Lao động - Thương binh và Xã hội',
  'Phòng Nông nghiệp và Phát triển nông thôn', 'Trung tâm Phục vụ hành chính công', 'Bộ phận Tiếp nhận và Trả kết quả',
  'Công an tỉnh', 'Bộ Chỉ huy Quân sự', 'Ban Chỉ huy Quân sự', 'Kho bạc Nhà nước', 'Bảo hiểm xã hội', 'Cục Thuế',
  'Chi cục Thuế', 'Tòa án nhân dân', 'Viện kiểm sát nhân dân', 'Ủy ban Mặt trận Tổ quốc Việt Nam', 'Mặt trận Tổ quốc Việt Nam',
];

/** The national title and motto and the fixed words of the layout (Decree 30/2020 Art. 8, Appendix I). */
export const LAYOUT_PHRASES: readonly string[] = [
  'Cộng hòa xã hội chủ nghĩa Việt Nam', 'Độc lập - Tự do - Hạnh phúc', 'Căn cứ', 'Nơi nhận', 'Kính gửi', 'Lưu: VT',
  'Như trên', 'Về việc', 'Chủ tịch', 'Phó Chủ tịch', 'Giám đốc', 'Phó Giám đốc', 'Chánh Văn phòng', 'Thủ trưởng cơ quan',
  'Thủ tướng', 'Phó Thủ tướng', 'Bộ trưởng', 'Thứ trưởng', 'Tổng cục trưởng', 'Cục trưởng', 'Trưởng phòng', 'Phó Trưởng phòng',
];

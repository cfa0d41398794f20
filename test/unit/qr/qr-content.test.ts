// The QR content reader fills the Circular 01/2023 fields from JSON, labelled lines and URLs, and says why when it cannot.
import { describe, expect, it } from 'vitest';
import { parseDateTime, parseQrContent, readValidity } from '../../../src/qr/qr-content.ts';

const receiptFields = {
  code: '000.00.16.H05-240305-0001',
  procedureCode: '1.000466',
  ownerId: '001085012345',
  documentName: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  issuingSystem: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai',
  issuedAt: '2024-03-05T09:15:00+07:00',
  appointmentDate: '2024-03-12',
};

describe('parseQrContent: JSON', () => {
  it('reads the canonical keys and normalises the dates', () => {
    const text = JSON.stringify({
      maHoSo: '000.00.16.H05-240305-0001',
      maTTHC: '1.000466',
      soDinhDanh: '001085012345',
      tenGiayTo: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      heThong: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai',
      thoiGian: '05/03/2024 09:15',
      ngayHenTra: '12/03/2024',
    });
    expect(parseQrContent(text)).toEqual({ format: 'json', fields: receiptFields, unrecognised: [], problems: [] });
  });

  it('matches keys case- and diacritic-insensitively, with aliases', () => {
    const text = JSON.stringify({
      MA_HO_SO: '000.00.16.H05-240305-0001',
      'Mã thủ tục': '1.000466',
      maDinhDanh: '001085012345',
      tenVanBan: 'Quyết định cấp giấy phép xây dựng',
      'Hệ Thống': 'Cổng dịch vụ công tỉnh Lào Cai',
      thoigian: '2024-03-05T09:15:00+07:00',
      hieuLucTu: '05/03/2024',
      hieuLucDen: 'Vĩnh viễn',
      pham_vi: 'Toàn quốc',
    });
    const { fields, problems } = parseQrContent(text);
    expect(problems).toEqual([]);
    expect(fields).toEqual({
      code: '000.00.16.H05-240305-0001',
      procedureCode: '1.000466',
      ownerId: '001085012345',
      documentName: 'Quyết định cấp giấy phép xây dựng',
      issuingSystem: 'Cổng dịch vụ công tỉnh Lào Cai',
      issuedAt: '2024-03-05T09:15:00+07:00',
      validFrom: '2024-03-05',
      validTo: 'VINH_VIEN',
      scope: 'Toàn quốc',
    });
  });

  it('takes cccd as the applicant identifier', () => {
    expect(parseQrContent('{"cccd": "079199001234"}').fields).toEqual({ ownerId: '079199001234' });
  });

  it('keeps unknown keys, with their values, in unrecognised', () => {
    const result = parseQrContent('{"maHoSo": "G09.20-20260609-0092637", "linhVuc": "Hộ tịch", "soTrang": 3}');
    expect(result.fields).toEqual({ code: 'G09.20-20260609-0092637' });
    expect(result.unrecognised).toEqual(['linhVuc: Hộ tịch', 'soTrang: 3']);
    expect(result.problems).toEqual([]);
  });

  it('gives no fields and the reason for malformed JSON', () => {
    const result = parseQrContent('{"maHoSo": "000.00.16.H05-240305-0001", "maTTHC": ');
    expect(result.format).toBe('json');
    expect(result.fields).toEqual({});
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^malformed JSON: /);
  });

  it('refuses a JSON array', () => {
    expect(parseQrContent('["000.00.16.H05-240305-0001"]')).toEqual({ format: 'json', fields: {}, unrecognised: [], problems: ['expected a JSON object but received an array'] });
  });

  it('reads an ID given as a JSON number but warns that zeros may be lost', () => {
    const result = parseQrContent('{"soDinhDanh": 1085012345}');
    expect(result.fields).toEqual({ ownerId: '1085012345' });
    expect(result.problems).toEqual(['soDinhDanh: expected text but received the number 1085012345; leading zeros may be lost']);
  });

  it('reports a bad date and keeps the other fields', () => {
    const result = parseQrContent('{"maHoSo": "000.00.16.H05-240305-0001", "thoiGian": "31/02/2024"}');
    expect(result.fields).toEqual({ code: '000.00.16.H05-240305-0001' });
    expect(result.problems).toEqual(['thoiGian: expected a date such as 05/03/2024, 05/03/2024 09:15 or 2024-03-05 but received "31/02/2024"']);
  });

  it('keeps the first of two values that disagree and says so', () => {
    const result = parseQrContent('{"soDinhDanh": "001085012345", "cccd": "001085099999"}');
    expect(result.fields).toEqual({ ownerId: '001085012345' });
    expect(result.problems).toEqual(['cccd: "001085099999" disagrees with "001085012345" given earlier for ownerId; the earlier value is kept']);
  });
});

describe('parseQrContent: labelled lines', () => {
  it('reads a receipt in Vietnamese labels', () => {
    const text = [
      'Mã hồ sơ: 000.00.16.H05-240305-0001',
      'Mã TTHC: 1.000466',
      'Số định danh: 001085012345',
      'Tên giấy tờ: Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      'Hệ thống: Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai',
      'Thời gian: 05/03/2024 09:15',
      'Ngày hẹn trả: 12/03/2024',
    ].join('\n');
    expect(parseQrContent(text)).toEqual({ format: 'lines', fields: receiptFields, unrecognised: [], problems: [] });
  });

  it('matches labels without diacritics, in any case, numbered, and with the alternative wordings', () => {
    const text = [
      'GIẤY CHỨNG NHẬN',
      '1. MA HO SO : 000.00.16.H05-240305-0001',
      '2. mã thủ tục: 2.001178',
      '- Số CCCD: 001085012345',
      'Ten van ban: Giấy phép kinh doanh',
      'Nơi cấp: Cổng DVC tỉnh Lào Cai',
      'Ngày cấp: 2024-03-05',
      'Hiệu lực: 05/03/2024 - 05/03/2029',
      'Phạm vi: Tỉnh Lào Cai',
      'Ghi chú: bản điện tử',
    ].join('\r\n');
    const result = parseQrContent(text);
    expect(result.format).toBe('lines');
    expect(result.fields).toEqual({
      code: '000.00.16.H05-240305-0001',
      procedureCode: '2.001178',
      ownerId: '001085012345',
      documentName: 'Giấy phép kinh doanh',
      issuingSystem: 'Cổng DVC tỉnh Lào Cai',
      issuedAt: '2024-03-05',
      validFrom: '2024-03-05',
      validTo: '2029-03-05',
      scope: 'Tỉnh Lào Cai',
    });
    expect(result.unrecognised).toEqual(['GIẤY CHỨNG NHẬN', 'Ghi chú: bản điện tử']);
    expect(result.problems).toEqual([]);
  });

  it('matches labels written in decomposed Unicode (NFD)', () => {
    const text = 'Mã hồ sơ: 000.00.16.H05-240305-0001\nTên giấy tờ: Trích lục khai sinh'.normalize('NFD');
    expect(parseQrContent(text).fields).toEqual({ code: '000.00.16.H05-240305-0001', documentName: 'Trích lục khai sinh' });
  });

  it('reads one-line content separated by | or ;', () => {
    expect(parseQrContent('Mã hồ sơ: H05-240305-0001 | Mã TTHC: 1.000466 | Thời gian: 05/03/2024').fields).toEqual({
      code: 'H05-240305-0001',
      procedureCode: '1.000466',
      issuedAt: '2024-03-05',
    });
    expect(parseQrContent('Mã hồ sơ: H05-240305-0001; Ngày hẹn trả: 12/03/2024').fields).toEqual({ code: 'H05-240305-0001', appointmentDate: '2024-03-12' });
  });

  it('reads "đến …" and "vĩnh viễn" validity', () => {
    expect(parseQrContent('Hiệu lực: đến 31/12/2029').fields).toEqual({ validTo: '2029-12-31' });
    expect(parseQrContent('Hiệu lực: Vĩnh viễn').fields).toEqual({ validTo: 'VINH_VIEN' });
    expect(parseQrContent('Hiệu lực: từ 01/01/2025 đến 31/12/2029').fields).toEqual({ validFrom: '2025-01-01', validTo: '2029-12-31' });
  });

  it('gives a problem, not a guess, for a validity with one bare date', () => {
    const result = parseQrContent('Mã hồ sơ: H05-240305-0001\nHiệu lực: 31/12/2029');
    expect(result.fields).toEqual({ code: 'H05-240305-0001' });
    expect(result.problems).toEqual(['Hiệu lực: "31/12/2029" has one date and no "từ" (from) or "đến" (until), so it is unclear which end it is']);
  });

  it('says when labelled lines carry no known field', () => {
    expect(parseQrContent('Liên hệ: 0214 3840 123\nĐịa chỉ: Lào Cai')).toEqual({
      format: 'lines',
      fields: {},
      unrecognised: ['Liên hệ: 0214 3840 123', 'Địa chỉ: Lào Cai'],
      problems: ['no Circular 01/2023 field was recognised'],
    });
  });
});

describe('parseQrContent: URL', () => {
  it('reads the query parameters', () => {
    const result = parseQrContent('https://dichvucong.laocai.gov.vn/tra-cuu?mahoso=000.00.16.H05-240305-0001&matthc=1.000466&thoigian=05%2F03%2F2024+09%3A15&lang=vi');
    expect(result).toEqual({
      format: 'url',
      fields: { code: '000.00.16.H05-240305-0001', procedureCode: '1.000466', issuedAt: '2024-03-05T09:15:00+07:00' },
      unrecognised: ['lang=vi'],
      problems: [],
    });
  });

  it('reads percent-encoded Vietnamese values and keys', () => {
    const url = new URL('https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html');
    url.searchParams.set('maHoSo', 'G09.20-20260609-0092637');
    url.searchParams.set('tenGiayTo', 'Phiếu kết quả');
    url.searchParams.set('ngayHenTra', '2026-06-16');
    expect(parseQrContent(url.href).fields).toEqual({ code: 'G09.20-20260609-0092637', documentName: 'Phiếu kết quả', appointmentDate: '2026-06-16' });
  });

  it('says when a look-up link carries no field', () => {
    expect(parseQrContent('https://dichvucong.laocai.gov.vn/tra-cuu/abc123')).toEqual({ format: 'url', fields: {}, unrecognised: [], problems: ['no Circular 01/2023 field was recognised'] });
  });
});

describe('parseQrContent: other content', () => {
  it('gives the reason for content in no accepted form', () => {
    expect(parseQrContent('000.00.16.H05-240305-0001')).toEqual({
      format: 'unknown',
      fields: {},
      unrecognised: [],
      problems: ['the content is neither a JSON object, a URL nor "Label: value" lines'],
    });
    expect(parseQrContent('  ').problems).toEqual(['the QR code is empty']);
  });
});

describe('parseDateTime', () => {
  it.each([
    ['05/03/2024', '2024-03-05'],
    ['5/3/2024', '2024-03-05'],
    ['05-03-2024', '2024-03-05'],
    ['05.03.2024', '2024-03-05'],
    ['05/03/2024 09:15', '2024-03-05T09:15:00+07:00'],
    ['05/03/2024 9h15', '2024-03-05T09:15:00+07:00'],
    ['05/03/2024 09:15:30', '2024-03-05T09:15:30+07:00'],
    ['09:15 ngày 05/03/2024', '2024-03-05T09:15:00+07:00'],
    ['ngày 05/03/2024', '2024-03-05'],
    ['2024-03-05', '2024-03-05'],
    ['2024-03-05T09:15:30.250Z', '2024-03-05T09:15:30.250Z'],
    ['2024-03-05 09:15', '2024-03-05T09:15:00+07:00'],
    ['2024-03-05T09:15:00+0700', '2024-03-05T09:15:00+07:00'],
    ['29/02/2024', '2024-02-29'],
  ])('%s → %s', (input, expected) => {
    expect(parseDateTime(input)).toBe(expected);
  });

  it.each(['29/02/2023', '32/01/2024', '05/13/2024', '05/03/2024 25:00', 'hôm nay', '2024/03/05', '05/03/24'])('refuses %s', (input) => {
    expect(parseDateTime(input)).toBeUndefined();
  });
});

describe('readValidity', () => {
  it('reads ranges with ISO dates and an en dash', () => {
    expect(readValidity('2024-03-05 – 2029-03-05')).toEqual({ validFrom: '2024-03-05', validTo: '2029-03-05' });
  });

  it('reads "từ … (vĩnh viễn)"', () => {
    expect(readValidity('Từ 05/03/2024, vĩnh viễn')).toEqual({ validFrom: '2024-03-05', validTo: 'VINH_VIEN' });
  });

  it('refuses text with no date', () => {
    expect(readValidity('5 năm')).toBe('expected a range such as "05/03/2024 - 05/03/2029", "đến 05/03/2029" or "vĩnh viễn" but received "5 năm"');
  });
});

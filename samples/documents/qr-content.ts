// The QR content of Circular 01/2023/TT-VPCP in the three forms the evaluation set prints (JSON, labelled lines, lookup URL) and its symbol.
import { create } from 'qrcode';
import type { QrSymbol } from '../render/layout.ts';

export type QrForm = 'json' | 'lines' | 'url';

/** What a TTHC system puts in the QR of a receipt or a result, before it is written in one of the forms. */
export interface QrContent {
  form: QrForm;
  /** Dossier code, `<agency id>-<yymmdd or yyyymmdd>-<seq>`. */
  code: string;
  /** TTHC code, e.g. `1.000466`. */
  procedureCode: string;
  /** The applicant's 12-digit personal ID. */
  ownerId: string;
  documentName: string;
  issuingSystem: string;
  /** ISO 8601 with the Vietnam offset, e.g. `2024-03-05T15:42:10+07:00`; whole minutes for the lines form. */
  issuedAt: string;
  /** Results: ISO date the result takes effect. */
  validFrom?: string;
  /** Results: ISO date, or `VINH_VIEN` for no end. */
  validTo?: string;
  /** Results: where the result is valid. */
  scope?: string;
  /** Receipts: ISO date the result is due. */
  appointmentDate?: string;
  /** The url form: host of the province's public-service portal, e.g. `dichvucong.laocai.gov.vn`. */
  portalHost?: string;
}

const permanentText = 'Vĩnh viễn';

/** `05/03/2024` from `2024-03-05`. */
function dmy(isoDate: string): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
}

/** The exact string the symbol encodes. */
export function qrText(c: QrContent): string {
  switch (c.form) {
    case 'json': {
      const value: Record<string, string> = {
        maHoSo: c.code,
        maTTHC: c.procedureCode,
        soDinhDanh: c.ownerId,
        tenGiayTo: c.documentName,
        heThong: c.issuingSystem,
        thoiGian: c.issuedAt,
        ...(c.validFrom !== undefined && { hieuLucTu: c.validFrom }),
        ...(c.validTo !== undefined && { hieuLucDen: c.validTo === 'VINH_VIEN' ? permanentText : c.validTo }),
        ...(c.scope !== undefined && { phamVi: c.scope }),
        ...(c.appointmentDate !== undefined && { ngayHenTra: c.appointmentDate }),
      };
      return JSON.stringify(value);
    }
    case 'lines': {
      if (!/T\d{2}:\d{2}:00\+07:00$/.test(c.issuedAt)) throw new Error(`${c.code}: the lines form prints minutes only, so issuedAt must end in ":00+07:00" but is "${c.issuedAt}"`);
      const lines = [
        `Mã hồ sơ: ${c.code}`,
        `Mã TTHC: ${c.procedureCode}`,
        `Số định danh: ${c.ownerId}`,
        `Tên giấy tờ: ${c.documentName}`,
        `Hệ thống: ${c.issuingSystem}`,
        `Thời gian: ${dmy(c.issuedAt)} ${c.issuedAt.slice(11, 16)}`,
        ...(c.validFrom !== undefined ? [`Hiệu lực từ: ${dmy(c.validFrom)}`] : []),
        ...(c.validTo !== undefined ? [`Hiệu lực đến: ${c.validTo === 'VINH_VIEN' ? permanentText : dmy(c.validTo)}`] : []),
        ...(c.scope !== undefined ? [`Phạm vi: ${c.scope}`] : []),
        ...(c.appointmentDate !== undefined ? [`Ngày hẹn trả: ${dmy(c.appointmentDate)}`] : []),
      ];
      return lines.join('\n');
    }
    case 'url': {
      if (c.portalHost === undefined) throw new Error(`${c.code}: the url form needs a portalHost`);
      const query = new URLSearchParams({ mahoso: c.code, matthc: c.procedureCode, sodinhdanh: c.ownerId });
      return `https://${c.portalHost}/tra-cuu?${query.toString()}`;
    }
  }
}

/** The ground-truth fields: what the symbol actually says (a lookup URL carries only the three codes). */
export function qrFields(c: QrContent): Record<string, string> {
  if (c.form === 'url') return { code: c.code, procedureCode: c.procedureCode, ownerId: c.ownerId };
  return {
    code: c.code,
    procedureCode: c.procedureCode,
    ownerId: c.ownerId,
    documentName: c.documentName,
    issuingSystem: c.issuingSystem,
    issuedAt: c.issuedAt,
    ...(c.validFrom !== undefined && { validFrom: c.validFrom }),
    ...(c.validTo !== undefined && { validTo: c.validTo }),
    ...(c.scope !== undefined && { scope: c.scope }),
    ...(c.appointmentDate !== undefined && { appointmentDate: c.appointmentDate }),
  };
}

/** Printed size limits of the symbol (without its quiet zone). */
const sizeMm = { min: 19.5, max: 25 };

/**
 * The symbol at error-correction level M, with the largest whole-pixel module at 300 dpi that keeps it within
 * 19.5–25 mm: the page is painted at 300 dpi, so the clean file has crisp modules and lower resolutions resample them.
 */
export function qrSymbol(text: string): { symbol: QrSymbol; version: number; modulePx300: number } {
  const qr = create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const modulePx300 = Math.floor(((sizeMm.max / 25.4) * 300) / size);
  const printedMm = (modulePx300 * size * 25.4) / 300;
  if (modulePx300 < 3 || printedMm < sizeMm.min) {
    throw new Error(`QR version ${qr.version} (${size} modules) cannot be printed ${sizeMm.min}–${sizeMm.max} mm wide with modules of 3 px or more at 300 dpi; shorten the content (${Buffer.byteLength(text)} bytes)`);
  }
  const dark = new Uint8Array(size * size);
  for (let i = 0; i < dark.length; i++) dark[i] = qr.modules.data[i] ? 1 : 0;
  return { symbol: { size, dark, moduleMm: (modulePx300 * 25.4) / 300 }, version: qr.version, modulePx300 };
}

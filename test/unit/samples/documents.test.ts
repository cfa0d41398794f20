// Checks the committed field-extraction evaluation set (samples/documents/) against what it claims: counts, file formats, Decree 30 field shapes, QR content and decodability, determinism.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { EvaluationDocument, EvaluationTruth } from '../../../samples/documents/evaluation-truth.ts';
import { parsePersonalId } from '../../../samples/documents/personal-id.ts';
import { parseManifestJson } from '../../../src/domain/manifest.ts';

const setDir = fileURLToPath(new URL('../../../samples/documents/', import.meta.url));
const generator = join(setDir, 'make-documents.ts');
const truth = JSON.parse(await readFile(join(setDir, 'ground-truth.json'), 'utf8')) as EvaluationTruth;
const manifestText = await readFile(join(setDir, 'manifest.json'), 'utf8');
const clean = truth.documents.filter((d) => d.variant === 'clean');
const degraded = truth.documents.filter((d) => d.variant === 'degraded');
const pathOf = (file: string) => join(setDir, ...file.split('/'));

/** Decree 30 Appendix III abbreviations of the types the set uses (công văn has none). */
const typeAbbreviations: Record<string, string> = {
  'Nghị quyết': 'NQ',
  'Quyết định': 'QĐ',
  'Chỉ thị': 'CT',
  'Quy định': 'QyĐ',
  'Thông báo': 'TB',
  'Hướng dẫn': 'HD',
  'Chương trình': 'CTr',
  'Kế hoạch': 'KH',
  'Phương án': 'PA',
  'Báo cáo': 'BC',
  'Biên bản': 'BB',
  'Tờ trình': 'TTr',
  'Công điện': 'CĐ',
  'Giấy ủy quyền': 'GUQ',
  'Giấy mời': 'GM',
  'Giấy giới thiệu': 'GGT',
};

/** A4 at a resolution, rounded as a scanner does. */
const a4Px = (dpi: number) => ({ widthPx: Math.round((210 * dpi) / 25.4), heightPx: Math.round((297 * dpi) / 25.4) });

/** Written here from the Decree's rule, not taken from the generator: day always two digits, month only January and February. */
function placeDateLine(place: string, isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return `${place}, ngày ${String(day).padStart(2, '0')} tháng ${month < 3 ? `0${month}` : month} năm ${year}`;
}

const isIsoDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** Baseline TIFF fields of the first IFD, read from the bytes so the check does not trust the decoder. */
function firstTiffDirectory(bytes: Buffer): Map<number, number> {
  const little = bytes.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (little ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const offset = u32(4);
  const fields = new Map<number, number>();
  for (let i = 0; i < u16(offset); i++) {
    const entry = offset + 2 + i * 12;
    fields.set(u16(entry), u16(entry + 2) === 3 ? u16(entry + 8) : u32(entry + 8));
  }
  return fields;
}

/** What each QR form says, read back into the ground-truth field names (the mapping a decoder has to make). */
function readQrText(text: string, format: string): Record<string, string> {
  const fromDmy = (dmy: string) => dmy.split('/').reverse().join('-');
  const validTo = (value: string) => (value === 'Vĩnh viễn' ? 'VINH_VIEN' : value);
  if (format === 'url') {
    const url = new URL(text);
    return { code: url.searchParams.get('mahoso') ?? '', procedureCode: url.searchParams.get('matthc') ?? '', ownerId: url.searchParams.get('sodinhdanh') ?? '' };
  }
  if (format === 'json') {
    const json = JSON.parse(text) as Record<string, string>;
    const names: Record<string, string> = { maHoSo: 'code', maTTHC: 'procedureCode', soDinhDanh: 'ownerId', tenGiayTo: 'documentName', heThong: 'issuingSystem', thoiGian: 'issuedAt', hieuLucTu: 'validFrom', hieuLucDen: 'validTo', phamVi: 'scope', ngayHenTra: 'appointmentDate' };
    return Object.fromEntries(Object.entries(json).map(([key, value]) => [names[key] ?? key, key === 'hieuLucDen' ? validTo(value) : value]));
  }
  const labels: Record<string, string> = { 'Mã hồ sơ': 'code', 'Mã TTHC': 'procedureCode', 'Số định danh': 'ownerId', 'Tên giấy tờ': 'documentName', 'Hệ thống': 'issuingSystem', 'Thời gian': 'issuedAt', 'Hiệu lực từ': 'validFrom', 'Hiệu lực đến': 'validTo', 'Phạm vi': 'scope', 'Ngày hẹn trả': 'appointmentDate' };
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    const name = labels[line.slice(0, at)];
    if (at < 0 || name === undefined) throw new Error(`unexpected QR line ${JSON.stringify(line)}`);
    const value = line.slice(at + 2);
    if (name === 'issuedAt') {
      const [date = '', time = ''] = value.split(' ');
      fields[name] = `${fromDmy(date)}T${time}:00+07:00`;
    } else if (name === 'validFrom' || name === 'appointmentDate') fields[name] = fromDmy(value);
    else if (name === 'validTo') fields[name] = validTo(value === 'Vĩnh viễn' ? value : fromDmy(value));
    else fields[name] = value;
  }
  return fields;
}

describe('evaluation set', () => {
  it('has at least 24 clean documents of at least 12 types, a quarter of them results and a third with a QR, each with one degraded copy', () => {
    expect(truth.version).toBe(1);
    expect(clean.length).toBeGreaterThanOrEqual(24);
    expect(new Set(clean.map((d) => d.fields.documentType)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(clean.map((d) => d.id)).size).toBe(clean.length);
    expect(clean.filter((d) => d.kind === 'result').length).toBeGreaterThanOrEqual(Math.floor(clean.length / 4));
    expect(clean.filter((d) => d.qr !== null).length).toBeGreaterThanOrEqual(Math.floor(clean.length / 3));
    for (const c of clean) {
      const copies = degraded.filter((d) => d.of === c.id);
      expect(copies, c.id).toHaveLength(1);
      const copy = copies[0]!;
      expect({ fields: copy.fields, text: copy.text, kind: copy.kind, qrText: copy.qr?.text }).toEqual({ fields: c.fields, text: c.text, kind: c.kind, qrText: c.qr?.text });
      expect(copy.conditions.length, copy.id).toBeGreaterThanOrEqual(1);
      expect(c.conditions).toEqual(['clean']);
    }
    expect(degraded).toHaveLength(clean.length);
  });

  it('covers every signing capacity, the marks, issuers with a parent line and two-line names, and several places', () => {
    const fields = clean.map((d) => d.fields);
    expect(new Set(fields.map((f) => f.signingCapacity ?? 'none'))).toEqual(new Set(['TM', 'KT', 'TL', 'TUQ', 'Q', 'none']));
    expect(new Set(fields.flatMap((f) => (f.secrecy ? [f.secrecy] : [])))).toEqual(new Set(['mat', 'toi-mat']));
    expect(new Set(fields.flatMap((f) => (f.urgency ? [f.urgency] : [])))).toEqual(new Set(['khan', 'thuong-khan', 'hoa-toc']));
    expect(fields.filter((f) => f.issuerParent !== undefined).length).toBeGreaterThanOrEqual(5);
    expect(new Set(fields.map((f) => f.place)).size).toBeGreaterThanOrEqual(8);
    expect(fields.some((f) => f.number?.includes('/'))).toBe(true);
    for (const abbreviation of ['QyĐ', 'TTr', 'CTr', 'HD', 'KH']) expect(fields.some((f) => f.symbol?.startsWith(`${abbreviation}-`)), abbreviation).toBe(true);
  });

  it('has degraded pages at 200 dpi with a QR, and QR pages at 150 dpi marked below the promise', () => {
    const withQr = degraded.filter((d) => d.qr !== null);
    expect(withQr.filter((d) => d.dpi === 200).length).toBeGreaterThanOrEqual(3);
    const below = withQr.filter((d) => d.dpi < 200);
    expect(below.length).toBeGreaterThanOrEqual(1);
    expect(below.length).toBeLessThanOrEqual(2);
    for (const d of truth.documents.filter((x) => x.qr !== null)) expect(d.qr!.mustDecode, d.id).toBe(d.dpi >= 200);
    const conditions = new Set(degraded.flatMap((d) => d.conditions.map((c) => c.replace(/[+-][\d.]+$/, ''))));
    expect(conditions).toEqual(new Set(['200dpi', '150dpi', 'skew', 'noise', 'blur', 'jpeg-q60', 'light-ink']));
  });

  it('has a manifest with ids and files only, which the manifest parser accepts and which names every ground-truth file', () => {
    const manifest = JSON.parse(manifestText) as { batchId: string; dossiers: { id: string; documents: { id: string; files: string[] }[] }[] };
    expect(manifest.batchId).toBe('documents-eval');
    expect(manifest.dossiers.length).toBeGreaterThanOrEqual(2);
    for (const dossier of manifest.dossiers) {
      expect(Object.keys(dossier).sort()).toEqual(['documents', 'id']);
      for (const doc of dossier.documents) expect(Object.keys(doc).sort()).toEqual(['files', 'id']);
    }
    const named = manifest.dossiers.flatMap((d) => d.documents.map((doc) => `${doc.id} ${doc.files.join(',')}`));
    expect(named.sort()).toEqual(truth.documents.map((d) => `${d.id} ${d.file}`).sort());
    const plan = parseManifestJson(manifestText);
    expect(plan.problems).toEqual([]);
    expect(plan.batchId).toBe('documents-eval');
  });

  it('matches SHA256SUMS file for file, holds nothing else, and keeps its images under 4 MB', async () => {
    const sums = (await readFile(join(setDir, 'SHA256SUMS'), 'utf8')).trim().split('\n');
    const listed = new Set<string>();
    let imageBytes = 0;
    for (const line of sums) {
      const [sum, file] = line.split('  ') as [string, string];
      const bytes = await readFile(pathOf(file));
      expect(createHash('sha256').update(bytes).digest('hex'), file).toBe(sum);
      listed.add(file);
      if (/\.(tif|png|jpg)$/.test(file)) imageBytes += bytes.length;
    }
    for (const folder of ['clean', 'degraded']) {
      for (const name of await readdir(join(setDir, folder))) expect(listed.has(`${folder}/${name}`), `${folder}/${name} is listed`).toBe(true);
    }
    expect([...listed].filter((f) => /\.(tif|png|jpg)$/.test(f)).sort()).toEqual(truth.documents.map((d) => d.file).sort());
    expect(imageBytes).toBeLessThan(4_000_000);
  });
});

describe('evaluation pages', () => {
  it.each(truth.documents.map((d) => [d.id, d] as const))('%s decodes as an A4 page at its stated resolution', async (_id, d: EvaluationDocument) => {
    const path = pathOf(d.file);
    const meta = await sharp(path).metadata();
    expect({ density: meta.density, unit: meta.resolutionUnit, pages: meta.pages ?? 1 }).toEqual({ density: d.dpi, unit: 'inch', pages: 1 });
    expect({ widthPx: meta.width, heightPx: meta.height }).toEqual(a4Px(d.dpi));
    const bytes = await readFile(path);
    if (d.variant === 'clean') {
      expect(d.file.endsWith('.tif')).toBe(true);
      const ifd = firstTiffDirectory(bytes);
      expect({ bitsPerSample: ifd.get(258), compression: ifd.get(259) }).toEqual({ bitsPerSample: 1, compression: 4 });
    } else if (d.file.endsWith('.jpg')) {
      expect(bytes.toString('latin1', 6, 11)).toBe('JFIF\0');
      expect(bytes.readUInt16BE(14)).toBe(d.dpi);
      expect(meta.channels).toBe(1);
    } else {
      expect({ format: meta.format, channels: meta.channels, depth: meta.depth }).toEqual({ format: 'png', channels: 1, depth: 'uchar' });
    }
    const { data } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const ink = data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / data.length;
    expect(ink, 'a printed page, neither blank nor black').toBeGreaterThan(0.003);
    expect(ink).toBeLessThan(0.2);
  });
});

describe('evaluation fields', () => {
  it.each(clean.map((d) => [d.id, d] as const))('%s follows the Decree 30 formats and is printed on the page', (_id, d: EvaluationDocument) => {
    const f = d.fields;
    const lines = d.text.split('\n');
    const flat = lines.join(' ');
    expect(d.text).toBe(d.text.normalize('NFC'));
    expect(lines.every((l) => l.length > 0 && l === l.trim())).toBe(true);
    expect(lines).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(lines).toContain('Độc lập - Tự do - Hạnh phúc');
    // The heading's first row: the parent body when printed, else the issuing body's first line.
    if (f.issuerParent !== undefined) expect(lines[0]).toBe(f.issuerParent);
    else expect(f.issuer.startsWith(`${lines[0]}`)).toBe(true);
    expect(f.issuer).toMatch(/^[\p{Lu}\d ]+$/u);
    for (const word of f.issuer.split(' ')) expect(lines.slice(0, 6).join(' '), f.issuer).toContain(word);
    if (f.number !== undefined || f.symbol !== undefined) {
      expect(f.number, 'numbers below 10 take a leading zero; normative ones carry the year').toMatch(/^(0[1-9]|[1-9]\d+)(\/20\d{2})?$/);
      expect(f.symbol).toMatch(/^\p{Lu}[\p{L}]*(-\p{Lu}[\p{L}]*)*$/u);
      expect(lines).toContain(`Số: ${f.number}/${f.symbol}`);
      const abbreviation = typeAbbreviations[f.documentType];
      if (abbreviation) expect(f.symbol!.split('-')[0]).toBe(abbreviation);
      if (f.documentType === 'Công văn') expect(Object.values(typeAbbreviations)).not.toContain(f.symbol!.split('-')[0]);
    }
    if (f.issueDate !== undefined || f.place !== undefined) {
      expect(isIsoDate(f.issueDate!), f.issueDate).toBe(true);
      expect(lines).toContain(placeDateLine(f.place!, f.issueDate!));
    } else {
      expect(f.documentType, 'only the minutes form has no place and date').toBe('Biên bản');
    }
    if (f.subject !== undefined) expect(flat).toContain(f.documentType === 'Công văn' ? `V/v ${f.subject}` : f.subject);
    if (f.documentType !== 'Công văn') expect(lines).toContain(f.documentType.toUpperCase());
    expect(lines).toContain(f.signer);
    expect(lines.some((l) => l === f.signerTitle || l === `${f.signingCapacity}. ${f.signerTitle}`), f.signerTitle).toBe(true);
    if (f.signingCapacity !== undefined) expect(lines.some((l) => l.startsWith(`${f.signingCapacity}. `))).toBe(true);
    else expect(lines.some((l) => /^(TM|KT|TL|TUQ|Q)\. /.test(l))).toBe(false);
    const stamps: Record<string, string> = { mat: 'MẬT', 'toi-mat': 'TỐI MẬT', 'tuyet-mat': 'TUYỆT MẬT', khan: 'KHẨN', 'thuong-khan': 'THƯỢNG KHẨN', 'hoa-toc': 'HỎA TỐC' };
    for (const mark of Object.values(stamps)) expect(lines.includes(mark), mark).toBe([f.secrecy, f.urgency].some((m) => m !== undefined && stamps[m] === mark));
    for (const printed of flat.matchAll(/số định danh cá nhân:? (\d+)/gi)) expect(parsePersonalId(printed[1]!), printed[1]).toBeDefined();
  });

  it.each(clean.filter((d) => d.qr !== null).map((d) => [d.id, d] as const))('%s has a QR whose text says exactly its recorded fields', (_id, d: EvaluationDocument) => {
    const qr = d.qr!;
    expect(readQrText(qr.text, qr.format)).toEqual(qr.fields);
    expect(qr.fields['code']).toMatch(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-(\d{6}|\d{8})-\d{4}$/);
    expect(qr.fields['procedureCode']).toMatch(/^\d\.\d{6}$/);
    const owner = parsePersonalId(qr.fields['ownerId'] ?? '');
    expect(owner, qr.fields['ownerId']).toBeDefined();
    expect(owner!.birthYear).toBeLessThan(Number(d.fields.issueDate?.slice(0, 4) ?? 2024) - 15);
    if (qr.format !== 'url') {
      expect(qr.fields['issuedAt']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
      expect(qr.fields['issuedAt']!.slice(0, 10)).toBe(d.fields.issueDate);
      if (d.kind === 'result') expect(qr.fields['validFrom'] ?? qr.fields['scope'], 'results carry validity or scope').toBeDefined();
      for (const key of ['validFrom', 'appointmentDate']) if (qr.fields[key] !== undefined) expect(isIsoDate(qr.fields[key]!)).toBe(true);
      if (qr.fields['validTo'] !== undefined) expect(qr.fields['validTo'] === 'VINH_VIEN' || isIsoDate(qr.fields['validTo'])).toBe(true);
    }
    const sideMm = (qr.moduleSizePx * (17 + 4 * qr.version) * 25.4) / qr.dpi;
    expect(sideMm).toBeGreaterThanOrEqual(19.5);
    expect(sideMm).toBeLessThanOrEqual(25);
  });

  it('puts a QR on every result and on at least eight pages', () => {
    for (const d of truth.documents.filter((x) => x.kind === 'result')) expect(d.qr, d.id).not.toBeNull();
    expect(truth.documents.filter((d) => d.qr !== null).length).toBeGreaterThanOrEqual(8);
    expect(new Set(truth.documents.flatMap((d) => (d.qr ? [d.qr.format] : [])))).toEqual(new Set(['json', 'lines', 'url']));
  });
});

describe('evaluation QR codes', () => {
  const require = createRequire(import.meta.url);
  const ready = readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasm) =>
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true }),
  );
  const promised = truth.documents.filter((d) => d.qr?.mustDecode);

  it.each(promised.map((d) => [d.id, d] as const))('%s: the QR printed at 200 dpi or more decodes to its recorded text', async (_id, d: EvaluationDocument) => {
    await ready;
    // The top-left 50 mm: where Circular 01/2023 puts the symbol. Finding it on the page is the decoder's job.
    const side = Math.round((50 * d.dpi) / 25.4);
    const crop = await sharp(pathOf(d.file)).extract({ left: 0, top: 0, width: side, height: side }).toColourspace('b-w').png().toBuffer();
    const results = await readBarcodes(new Uint8Array(crop), { formats: ['QRCode'], tryHarder: true });
    expect(results.map((r) => r.text)).toEqual([d.qr!.text]);
  });
});

describe('generator', () => {
  it('renders the committed bytes again (a document of each QR form, one with stamps, both degraded formats)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sohoa-documents-'));
    try {
      const ids = ['QD-01', 'TB-01', 'GP-01', 'CV-03'];
      await promisify(execFile)(process.execPath, [generator, '--out', out, '--only', ids.join(',')], { timeout: 60_000 });
      for (const d of truth.documents.filter((x) => ids.includes(x.of ?? x.id))) {
        const fresh = await readFile(join(out, ...d.file.split('/')));
        expect(fresh.equals(await readFile(pathOf(d.file))), d.file).toBe(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

// Identifier formats as they occur on real records: personal IDs, agency, procedure and dossier codes, dates, number and symbol.
import { describe, expect, it } from 'vitest';
import {
  birthYearOf,
  checkAgencyCode,
  checkDate,
  checkDateOrPermanent,
  checkDateTime,
  checkDossierCode,
  checkOldIdCard,
  checkOwnerId,
  checkOwnerIdKind,
  checkPassportNumber,
  checkPersonalId,
  checkProcedureCode,
  checkSymbol,
  checkTaxCode,
  deriveOwnerIdKind,
  joinNumberSymbol,
  maskPersonalId,
  splitNumberSymbol,
} from '../../../../src/domain/metadata/identifiers.ts';
import { provinceCodes } from '../../../../src/domain/metadata/province-codes.ts';

const today = new Date('2025-06-01T00:00:00Z');

describe('checkPersonalId (CCCD, 12 digits)', () => {
  it('reads the century from the century/sex digit: 0/1 are the 1900s, 2/3 the 2000s, 4/5 the 2100s …', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((digit) => birthYearOf(`001${digit}05123456`))).toEqual([1905, 1905, 2005, 2005, 2105, 2105, 2205, 2205, 2305, 2305]);
  });

  it('accepts each century/sex digit whose birth year is not in the future, and refuses the others', () => {
    for (const digit of [0, 1, 2, 3]) expect(checkPersonalId(`001${digit}05123456`, today), `digit ${digit}`).toEqual({ value: `001${digit}05123456` });
    for (const digit of [4, 5, 6, 7, 8, 9]) {
      expect(checkPersonalId(`001${digit}05123456`, today), `digit ${digit}`).toMatchObject({ reason: expect.stringContaining('birth year after this year') });
    }
    // A 2000s birth later this century is in the future too.
    expect(checkPersonalId('001226123456', today)).toMatchObject({ reason: expect.stringContaining('birth year after this year') });
    expect(checkPersonalId('001225123456', today)).toEqual({ value: '001225123456' });
  });

  it('accepts province codes of the official list and refuses codes outside it', () => {
    for (const code of ['001', '079', '096', '048', '092']) expect(checkPersonalId(`${code}099012345`, today), code).toEqual({ value: `${code}099012345` });
    for (const code of ['000', '003', '097', '099']) {
      expect(checkPersonalId(`${code}099012345`, today), code).toMatchObject({ expected: expect.stringContaining('12-digit personal ID number'), reason: expect.stringContaining('province code') });
    }
  });

  it('holds the 63 provinces from 001 Hà Nội to 096 Cà Mau', () => {
    expect(provinceCodes.size).toBe(63);
    expect(provinceCodes.get('001')).toBe('Hà Nội');
    expect(provinceCodes.get('079')).toBe('Hồ Chí Minh');
    expect(provinceCodes.get('096')).toBe('Cà Mau');
    expect([...provinceCodes.keys()].every((code) => /^0\d\d$/.test(code) && code >= '001' && code <= '096')).toBe(true);
  });

  it('refuses 11 and 13 digits and letters, and tidies spaces and full-width digits', () => {
    expect(checkPersonalId('00109901234', today)).toHaveProperty('expected');
    expect(checkPersonalId('0010990123456', today)).toHaveProperty('expected');
    expect(checkPersonalId('00109901234A', today)).toHaveProperty('expected');
    expect(checkPersonalId('  001099012345 ', today)).toEqual({ value: '001099012345' });
    expect(checkPersonalId('001 099 012345', today)).toEqual({ value: '001099012345' });
    expect(checkPersonalId('０７９０９９０１２３４５', today)).toEqual({ value: '079099012345' });
  });
});

describe('other owner identifiers', () => {
  it('accepts a 9-digit CMND as cmnd and refuses other lengths', () => {
    expect(checkOldIdCard('012345678')).toEqual({ value: '012345678' });
    expect(checkOldIdCard('01234567')).toHaveProperty('expected');
    expect(checkOwnerId('012345678', undefined, today)).toEqual({ value: '012345678', kind: 'cmnd' });
  });

  it('accepts passport numbers (stored in capitals) and tax codes with or without a branch', () => {
    expect(checkPassportNumber('c1234567')).toEqual({ value: 'C1234567' });
    expect(checkPassportNumber('C12')).toHaveProperty('expected');
    expect(checkTaxCode('0101234567')).toEqual({ value: '0101234567' });
    expect(checkTaxCode('0101234567-001')).toEqual({ value: '0101234567-001' });
    expect(checkTaxCode('0101234567001')).toHaveProperty('expected');
  });

  it('derives the kind from the shape and checks a given kind against the value', () => {
    expect(deriveOwnerIdKind('001099012345')).toBe('cccd');
    expect(deriveOwnerIdKind('012345678')).toBe('cmnd');
    expect(deriveOwnerIdKind('0101234567-001')).toBe('tax-code');
    expect(deriveOwnerIdKind('B7654321')).toBe('passport');
    expect(deriveOwnerIdKind('00109901234')).toBeUndefined();
    expect(checkOwnerId('001099012345', 'cmnd', today)).toEqual({ expected: 'a 9-digit ID card number (CMND), e.g. "012345678", as ownerIdKind is "cmnd"' });
    expect(checkOwnerId('123456789', 'passport', today)).toEqual({ value: '123456789', kind: 'passport' });
    expect(checkOwnerId('00109901234', undefined, today)).toMatchObject({ expected: expect.stringContaining('owner identifier') });
  });

  it('reads the kind in English or Vietnamese', () => {
    expect(checkOwnerIdKind('CCCD')).toEqual({ value: 'cccd' });
    expect(checkOwnerIdKind('Căn cước công dân')).toEqual({ value: 'cccd' });
    expect(checkOwnerIdKind('hộ chiếu')).toEqual({ value: 'passport' });
    expect(checkOwnerIdKind('Mã số thuế')).toEqual({ value: 'tax-code' });
    expect(checkOwnerIdKind('giấy phép lái xe')).toHaveProperty('expected');
  });

  it('masks all but the last three characters', () => {
    expect(maskPersonalId('001099012345')).toBe('*********345');
    expect(maskPersonalId(' 012345678 ')).toBe('******678');
    expect(maskPersonalId('12')).toBe('**');
  });
});

describe('agency and procedure codes', () => {
  it('accepts the dotted identifier and the short portal form, refuses lower case and more than 35 characters', () => {
    expect(checkAgencyCode('000.00.16.H05')).toEqual({ value: '000.00.16.H05' });
    expect(checkAgencyCode('G09.20')).toEqual({ value: 'G09.20' });
    expect(checkAgencyCode('000.00.16.h05')).toMatchObject({ reason: 'write its letters in capitals' });
    const long = `${'A'.repeat(17)}.${'B'.repeat(18)}`;
    expect(long).toHaveLength(36);
    expect(checkAgencyCode(long)).toMatchObject({ reason: 'it has 36 characters' });
    expect(checkAgencyCode(long.slice(1))).toEqual({ value: long.slice(1) });
    expect(checkAgencyCode('000..16.H05')).toHaveProperty('expected');
    expect(checkAgencyCode('000.00.16.H05.')).toHaveProperty('expected');
  });

  it('accepts one digit, a dot and six digits as a procedure code', () => {
    expect(checkProcedureCode('1.000466')).toEqual({ value: '1.000466' });
    expect(checkProcedureCode(' 2.001178 ')).toEqual({ value: '2.001178' });
    for (const bad of ['1.466', '1,000466', '10.000466', '1.0004660', 'TTHC-1.000466']) expect(checkProcedureCode(bad), bad).toHaveProperty('expected');
  });
});

describe('checkDossierCode', () => {
  it('accepts both date widths', () => {
    expect(checkDossierCode('000.00.16.H05-240305-0001')).toEqual({ value: '000.00.16.H05-240305-0001' });
    expect(checkDossierCode('G09.20-20260609-0092637')).toEqual({ value: 'G09.20-20260609-0092637' });
  });

  it('refuses an impossible date, a bad agency part and other widths, naming the part at fault', () => {
    expect(checkDossierCode('000.00.16.H05-240231-0001')).toMatchObject({ reason: 'its date part "240231" is not a real date' });
    expect(checkDossierCode('G09.20-20230229-0092637')).toMatchObject({ reason: 'its date part "20230229" is not a real date' });
    expect(checkDossierCode('G09.20-20240229-0092637')).toEqual({ value: 'G09.20-20240229-0092637' });
    expect(checkDossierCode('000.00.16.h05-240305-0001')).toMatchObject({ reason: expect.stringContaining('first part "000.00.16.h05"') });
    expect(checkDossierCode('000.00.16.H05-2403-0001')).toHaveProperty('expected');
    expect(checkDossierCode('HS-001')).toHaveProperty('expected');
  });
});

describe('dates', () => {
  it('stores dd/mm/yyyy and ISO dates as ISO', () => {
    expect(checkDate('05/03/2024')).toEqual({ value: '2024-03-05' });
    expect(checkDate('5/3/2024')).toEqual({ value: '2024-03-05' });
    expect(checkDate('2024-03-05')).toEqual({ value: '2024-03-05' });
    expect(checkDate('29/02/2024')).toEqual({ value: '2024-02-29' });
  });

  it('refuses impossible dates and other forms, naming the expected form', () => {
    const form = 'a date as dd/mm/yyyy or yyyy-mm-dd, e.g. "05/03/2024" or "2024-03-05"';
    expect(checkDate('29/02/2023')).toEqual({ expected: form, reason: 'that day does not exist' });
    expect(checkDate('31/02/2024')).toEqual({ expected: form, reason: 'that day does not exist' });
    expect(checkDate('2024-13-01')).toEqual({ expected: form, reason: 'that day does not exist' });
    expect(checkDate('29/02/1900')).toEqual({ expected: form, reason: 'that day does not exist' });
    expect(checkDate('29/02/2000')).toEqual({ value: '2000-02-29' });
    for (const bad of ['05-03-2024', '2024/03/05', '5/3/24', 'ngày 05 tháng 3 năm 2024', '']) expect(checkDate(bad), bad).toEqual({ expected: form });
  });

  it('accepts VINH_VIEN where a validity may never end, and ISO date-times for the QR time of issue', () => {
    expect(checkDateOrPermanent('Vĩnh viễn')).toEqual({ value: 'VINH_VIEN' });
    expect(checkDateOrPermanent('31/12/2030')).toEqual({ value: '2030-12-31' });
    expect(checkDateOrPermanent('mãi mãi')).toHaveProperty('expected');
    expect(checkDateTime('2024-03-05T09:30:00+07:00')).toEqual({ value: '2024-03-05T09:30:00+07:00' });
    expect(checkDateTime('2024-03-05 09:30')).toEqual({ value: '2024-03-05T09:30' });
    expect(checkDateTime('2024-03-05T24:00')).toHaveProperty('expected');
    expect(checkDateTime('2024-02-30T10:00')).toHaveProperty('expected');
  });
});

describe('number and symbol', () => {
  it('splits a combined number into number and symbol, keeping the year of a normative number', () => {
    expect(splitNumberSymbol('08/TTr-PNV')).toEqual({ number: '08', symbol: 'TTr-PNV' });
    expect(splitNumberSymbol('12/2024/QĐ-UBND')).toEqual({ number: '12/2024', symbol: 'QĐ-UBND' });
    expect(splitNumberSymbol('125/UBND-VP')).toEqual({ number: '125', symbol: 'UBND-VP' });
    expect(splitNumberSymbol('15/QyĐ-UBND')).toEqual({ number: '15', symbol: 'QyĐ-UBND' });
    expect(splitNumberSymbol('Số: 15/QĐ-UBND')).toEqual({ number: '15', symbol: 'QĐ-UBND' });
    expect(splitNumberSymbol('15')).toEqual({ number: '15' });
    expect(splitNumberSymbol('12/2024')).toEqual({ number: '12/2024' });
  });

  it('refuses what is not a number or whose second part is not a symbol', () => {
    expect(splitNumberSymbol('15/qđ-ubnd')).toMatchObject({ reason: 'the part after the number, "qđ-ubnd", is not a symbol like "QĐ-UBND"' });
    expect(splitNumberSymbol('15/UBND')).toHaveProperty('reason');
    for (const bad of ['QĐ-UBND', '0', '1.5', '']) expect(splitNumberSymbol(bad), bad).toHaveProperty('expected');
  });

  it('checks a symbol alone with the facts regex, mixed case allowed', () => {
    for (const good of ['QĐ-UBND', 'UBND-VP', 'TTr-PNV', 'QyĐ-UBND', 'CTr-BNV']) expect(checkSymbol(good), good).toEqual({ value: good });
    for (const bad of ['QĐ', 'qđ-ubnd', 'QĐ - UBND', 'QĐ-UBND-']) expect(checkSymbol(bad), bad).toHaveProperty('expected');
  });

  it('joins the two parts back as printed', () => {
    expect(joinNumberSymbol('15', 'QĐ-UBND')).toBe('15/QĐ-UBND');
    expect(joinNumberSymbol('12/2024', undefined)).toBe('12/2024');
    expect(joinNumberSymbol(undefined, undefined)).toBeUndefined();
  });
});

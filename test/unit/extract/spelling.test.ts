// Repairs of OCR spelling: vocabulary, votes of the page, lost spaces, debris around words.
import { describe, expect, it } from 'vitest';
import { capitalWords, restoreDiacritics, restoreFromDonors, splitGluedWords, summaryWords, texts, type Token } from '../../../src/extract/spelling.ts';

const tokens = (text: string, confidence = 95): Token[] => text.split(' ').map((t) => ({ text: t, confidence }));

describe('restoreDiacritics', () => {
  it('respells words that fold like a known phrase, keeping case and punctuation', () => {
    const restored = restoreDiacritics(tokens('NHAN DAN,'), ['NHÂN DÂN']);
    expect(texts(restored.tokens)).toEqual(['NHÂN', 'DÂN,']);
    expect(restored.changed).toEqual([0, 1]);
    expect(texts(restoreDiacritics(tokens('Thanh pho'), ['THÀNH PHỐ']).tokens)).toEqual(['Thành', 'phố']);
  });

  it('uses the longest phrase first, so words that fold alike get the spelling their context gives', () => {
    const vocabulary = ['THANH TRA', 'THÀNH PHỐ'];
    expect(texts(restoreDiacritics(tokens('THANH TRA'), vocabulary).tokens)).toEqual(['THANH', 'TRA']);
    expect(texts(restoreDiacritics(tokens('THANH PHO'), vocabulary).tokens)).toEqual(['THÀNH', 'PHỐ']);
  });
});

describe('restoreFromDonors', () => {
  it('takes the spelling the page prints most often and most surely', () => {
    const page = [tokens('Căn cứ địa bàn tỉnh Lào Cai'), tokens('trên địa bàn tỉnh Lào Cai;')];
    const restored = restoreFromDonors(tokens('trên dia bàn tinh Lao Cai', 80), page);
    expect(texts(restored.tokens)).toEqual(['trên', 'địa', 'bàn', 'tỉnh', 'Lào', 'Cai']);
    expect(restored.changed).toEqual([1, 3, 4]);
  });

  it('moves a mark OCR put on the wrong word when the page outweighs the reading', () => {
    const page = [tokens('Phong Hải, ngày 15 tháng 4 năm 2024'), tokens('xã Phong Hải')];
    expect(texts(restoreFromDonors(tokens('PHÒNG HAI', 90), page).tokens)).toEqual(['PHONG', 'HẢI']);
  });

  it('keeps the reading on a tie and never respells a word alone', () => {
    expect(restoreFromDonors(tokens('Lào Cai'), [tokens('Lao Cai')]).changed).toEqual([]);
    expect(restoreFromDonors(tokens('tinh'), [tokens('tỉnh')]).changed).toEqual([]);
  });
});

describe('splitGluedWords', () => {
  it('puts back a space OCR lost between two words the page or the vocabulary prints side by side', () => {
    const phrases = [['Nghệ', 'An,', 'ngày'], ['SỞ', 'Y', 'TẾ']];
    const split = splitGluedWords(tokens('SỞY TẾ NGHỆAN'), phrases);
    expect(texts(split.tokens)).toEqual(['SỞ', 'Y', 'TẾ', 'NGHỆ', 'AN']);
    expect(split.split).toBe(true);
  });

  it('leaves known words and words with no single cut alone', () => {
    expect(splitGluedWords(tokens('NGHỆ AN SAPA'), [['Nghệ', 'An']])).toMatchObject({ split: false });
  });
});

describe('capitalWords and summaryWords', () => {
  it('cleans a line of capitals of OCR debris', () => {
    expect(texts(capitalWords(tokens('UY BÀN.NHÂN DÂN : “THÀNH PHỐ CẦN THƠ... i')))).toEqual(['UY', 'BÀN', 'NHÂN', 'DÂN', 'THÀNH', 'PHỐ', 'CẦN', 'THƠ']);
    expect(texts(capitalWords(tokens('PHO-CHU TỊCH.')))).toEqual(['PHO', 'CHU', 'TỊCH']);
    expect(texts(capitalWords(tokens('ỦY BAN NHÂN DÂN QUẬN 3')))).toEqual(['ỦY', 'BAN', 'NHÂN', 'DÂN', 'QUẬN', '3']);
  });

  it('cleans a summary of debris but keeps its own punctuation', () => {
    expect(texts(summaryWords(tokens('"Về việc chủ động. ứng phó với mưa lũ, sạt lở đất -')))).toEqual(['Về', 'việc', 'chủ', 'động', 'ứng', 'phó', 'với', 'mưa', 'lũ,', 'sạt', 'lở', 'đất']);
    expect(texts(summaryWords(tokens('Đề án giai đoạn 2024 - 2026.')))).toEqual(['Đề', 'án', 'giai', 'đoạn', '2024', '-', '2026']);
  });
});

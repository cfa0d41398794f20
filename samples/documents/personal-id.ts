// Builds and checks 12-digit personal identification numbers (CCCD) of the shape Decree 137/2015 sets: province, century/sex, birth year, serial.

/** Province codes of birth registration (Circular 07/2016/TT-BCA), 001–096, the 63 provinces before the 2025 merger. */
export const cccdProvinceCodes: Readonly<Record<string, string>> = {
  '001': 'Hà Nội',
  '002': 'Hà Giang',
  '004': 'Cao Bằng',
  '006': 'Bắc Kạn',
  '008': 'Tuyên Quang',
  '010': 'Lào Cai',
  '011': 'Điện Biên',
  '012': 'Lai Châu',
  '014': 'Sơn La',
  '015': 'Yên Bái',
  '017': 'Hòa Bình',
  '019': 'Thái Nguyên',
  '020': 'Lạng Sơn',
  '022': 'Quảng Ninh',
  '024': 'Bắc Giang',
  '025': 'Phú Thọ',
  '026': 'Vĩnh Phúc',
  '027': 'Bắc Ninh',
  '030': 'Hải Dương',
  '031': 'Hải Phòng',
  '033': 'Hưng Yên',
  '034': 'Thái Bình',
  '035': 'Hà Nam',
  '036': 'Nam Định',
  '037': 'Ninh Bình',
  '038': 'Thanh Hóa',
  '040': 'Nghệ An',
  '042': 'Hà Tĩnh',
  '044': 'Quảng Bình',
  '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế',
  '048': 'Đà Nẵng',
  '049': 'Quảng Nam',
  '051': 'Quảng Ngãi',
  '052': 'Bình Định',
  '054': 'Phú Yên',
  '056': 'Khánh Hòa',
  '058': 'Ninh Thuận',
  '060': 'Bình Thuận',
  '062': 'Kon Tum',
  '064': 'Gia Lai',
  '066': 'Đắk Lắk',
  '067': 'Đắk Nông',
  '068': 'Lâm Đồng',
  '070': 'Bình Phước',
  '072': 'Tây Ninh',
  '074': 'Bình Dương',
  '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu',
  '079': 'Thành phố Hồ Chí Minh',
  '080': 'Long An',
  '082': 'Tiền Giang',
  '083': 'Bến Tre',
  '084': 'Trà Vinh',
  '086': 'Vĩnh Long',
  '087': 'Đồng Tháp',
  '089': 'An Giang',
  '091': 'Kiên Giang',
  '092': 'Cần Thơ',
  '093': 'Hậu Giang',
  '094': 'Sóc Trăng',
  '095': 'Bạc Liêu',
  '096': 'Cà Mau',
};

export type Sex = 'male' | 'female';

/** `PPP G YY NNNNNN`: G is 0/1 for men/women born in the 1900s, 2/3 in the 2000s (there is no check digit). */
export function personalId(provinceCode: string, sex: Sex, birthYear: number, serial: number): string {
  if (!(provinceCode in cccdProvinceCodes)) throw new Error(`expected a CCCD province code (001–096) but received "${provinceCode}"`);
  if (birthYear < 1900 || birthYear > 2099) throw new Error(`expected a birth year 1900–2099 but received ${birthYear}`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 999_999) throw new Error(`expected a serial 0–999999 but received ${serial}`);
  const century = birthYear < 2000 ? 0 : 2;
  return `${provinceCode}${century + (sex === 'female' ? 1 : 0)}${String(birthYear % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
}

/** Reads a personal ID back; undefined when it is not 12 digits with a known province and a 1900s/2000s century digit. */
export function parsePersonalId(id: string): { provinceCode: string; sex: Sex; birthYear: number } | undefined {
  const match = /^(\d{3})(\d)(\d{2})\d{6}$/.exec(id);
  if (!match) return undefined;
  const [, provinceCode, g, yy] = match as unknown as [string, string, string, string];
  const digit = Number(g);
  if (!(provinceCode in cccdProvinceCodes) || digit > 3) return undefined;
  return { provinceCode, sex: digit % 2 === 0 ? 'male' : 'female', birthYear: (digit < 2 ? 1900 : 2000) + Number(yy) };
}

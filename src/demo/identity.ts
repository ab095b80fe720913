import type { BirthProvince } from './birth-provinces.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * Personal numbers. A CCCD is 12 digits: the province where the birth was registered (3),
 * sex and century (0/1 male/female born 1900-1999, 2/3 born 2000-2099), the last two digits of
 * the birth year, then 6 serial digits. The serial is drawn from the can_bo id through a
 * bijection of 0..989,999 (7919 is prime to 990,000), so no two generated people share a
 * number, and serials start at 010000 to stay clear of sample.sql's.
 */
export function cccdNumber(birth: BirthProvince, sex: 0 | 1, birthYear: number, id: number): string {
  const century = birthYear >= 2000 ? 2 : 0;
  const sexCentury = century + (sex === 1 ? 0 : 1);
  const yy = String(birthYear % 100).padStart(2, '0');
  return `${birth.cccd}${sexCentury}${yy}${serial(id)}`;
}

/** A legacy 9-digit CMND (Vĩnh Phúc numbers began with 135). */
export function cmndNumber(id: number): string {
  return `135${serial(id)}`;
}

function serial(id: number): string {
  return String(10_000 + ((id * 7919) % 990_000)).padStart(6, '0');
}

const MOBILE_PREFIXES = ['091', '094', '098', '097', '096', '086', '088', '083', '035', '036', '038', '039',
  '032', '033', '034', '037', '070', '077', '079', '081', '082', '084', '085', '056', '058', '090', '093', '089'];

export type PhoneQuirk = 'phone_international' | 'phone_dotted' | 'phone_spaced';

/** A mobile number, as a clerk typed it: mostly '0912345678', sometimes in other formats. */
export function phoneNumber(rng: SeededRandom): { text: string; quirk?: PhoneQuirk } {
  const d = rng.pick(MOBILE_PREFIXES) + rng.digits(7);
  const roll = rng.next();
  if (roll < 0.1) return { text: `+84 ${d.slice(1, 4)} ${d.slice(4, 7)} ${d.slice(7)}`, quirk: 'phone_international' };
  if (roll < 0.18) return { text: `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`, quirk: 'phone_dotted' };
  if (roll < 0.22) return { text: `${d.slice(0, 4)} ${d.slice(4, 7)} ${d.slice(7)}`, quirk: 'phone_spaced' };
  return { text: d };
}

/** A 10-digit social insurance number; 26 is Vĩnh Phúc's agency prefix. */
export function bhxhNumber(rng: SeededRandom): string {
  return `26${rng.digits(8)}`;
}

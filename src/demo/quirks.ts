/**
 * The data quirks of the vendor database (contract/provincial/schema.sql, "Known quirks"), as
 * the generator names them in its summary. Only `cmnd_9_digits` makes a person invalid for the
 * national side (soDinhDanh must be 12 digits); every other quirk is something the mapping must
 * normalise.
 */
export const QUIRKS = [
  'birth_day_unknown', // ngay_sinh '00/05/1985'
  'birth_month_unknown', // ngay_sinh '00/00/1985'
  'period_year_only', // history period 'yyyy'
  'period_unknown_month', // history period '00/yyyy'
  'name_nfd', // ho_ten in Unicode NFD
  'name_upper', // ho_ten in capitals
  'name_double_space', // ho_ten with doubled spaces
  'phone_international', // '+84 912 345 678'
  'phone_dotted', // '0912.345.678'
  'phone_spaced', // '0912 345 678'
  'qualification_free_text', // 'Thạc sỹ', 'ĐH', 'Cử nhân'
  'general_education_short', // trinh_do_pho_thong '12'
  'empty_free_text', // '' in ly_luan_chinh_tri or quan_ly_nha_nuoc
  'religion_empty', // ton_giao NULL or ''
  'religion_short', // ton_giao 'Phật'
  'assessment_abbreviation', // danh_gia.xep_loai 'HTXSNV'
  'spelling_variant', // 'Trung cấp LLCT', 'CVC', 'Tiến sỹ', 'Xuất sắc', 'Thiên chúa giáo' (spellings.ts)
  'old_province_name', // 'Vĩnh Phúc', 'Hà Tây', 'Yên Bái', 'Thừa Thiên Huế'...
  'province_abbreviation', // 'TP HCM'
  'rank_superseded', // dm_ngach '15.114', 'V.07.03.08', 'V.07.03.07'
  'closed_unit', // works in a unit closed by the 2025 reorganisation (thay_the_boi_id)
  'cmnd_9_digits', // a legacy 9-digit CMND instead of the CCCD: invalid nationally
] as const;

export type QuirkName = (typeof QUIRKS)[number];

/** Quirks that make the national side reject the person's record. */
export const INVALIDATING_QUIRKS: ReadonlySet<QuirkName> = new Set<QuirkName>(['cmnd_9_digits']);

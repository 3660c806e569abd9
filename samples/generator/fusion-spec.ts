// The departments whose registers overlap (民政, 社保, 卫健), their column headers, and the defect rates.

import type { NonIsoDateStyle } from './dates.ts';

/** What every source records about a person; each source names and orders these its own way. */
export const FUSION_FIELDS = ['record_id', 'name', 'citizen_id', 'mobile', 'birth_date', 'gender', 'address', 'updated_at'] as const;
export type FusionField = (typeof FUSION_FIELDS)[number];

export type DateStyle = 'iso' | NonIsoDateStyle;
/** 男/女, 1/2 (GB/T 2261.1), M/F. */
export type GenderStyle = 'zh' | 'digit' | 'letter';
/** `2024-03-05 08:12:33` (Shanghai time) or `2024-03-05T08:12:33+08:00`. */
export type TimestampStyle = 'local' | 'iso';

export interface SourceSpec {
  /** Table and file name, e.g. `civil_affairs`. */
  readonly name: string;
  /** Department label for manifests, e.g. `民政`. */
  readonly department: string;
  /** Column header for each field, in the order the department's extract has them. */
  readonly columns: readonly { readonly field: FusionField; readonly header: string }[];
  /** Record ids are `${idPrefix}` and a zero-padded sequence. */
  readonly idPrefix: string;
  readonly dateStyles: Readonly<Partial<Record<DateStyle, number>>>;
  readonly genderStyles: Readonly<Partial<Record<GenderStyle, number>>>;
  readonly timestampStyle: TimestampStyle;
  /** CSV encoding of the bundled file. */
  readonly encoding: 'utf-8' | 'gbk';
  /**
   * Probability that a person is in this source. When every source has one, membership is independent
   * (a person drawn into none is put in one, chosen by coverage); otherwise `rates.sourcesPerPerson` decides.
   */
  readonly coverage?: number;
}

const cols = (pairs: readonly [FusionField, string][]) => pairs.map(([field, header]) => ({ field, header }));

export const CIVIL_AFFAIRS: SourceSpec = {
  name: 'civil_affairs',
  department: '民政',
  columns: cols([
    ['record_id', '记录号'],
    ['name', '姓名'],
    ['citizen_id', '身份证号'],
    ['mobile', '手机号'],
    ['birth_date', '出生日期'],
    ['gender', '性别'],
    ['address', '住址'],
    ['updated_at', '更新时间'],
  ]),
  idPrefix: 'MZ',
  dateStyles: { iso: 0.5, chinese: 0.3, slash: 0.2 },
  genderStyles: { zh: 0.95, digit: 0.05 },
  timestampStyle: 'local',
  encoding: 'gbk',
};

export const SOCIAL_INSURANCE: SourceSpec = {
  name: 'social_insurance',
  department: '社保',
  columns: cols([
    ['record_id', 'si_no'],
    ['name', 'name'],
    ['gender', 'sex'],
    ['citizen_id', 'id_no'],
    ['birth_date', 'birth'],
    ['mobile', 'phone'],
    ['address', 'addr'],
    ['updated_at', 'updated_at'],
  ]),
  idPrefix: 'SI',
  dateStyles: { compact: 0.7, iso: 0.3 },
  genderStyles: { digit: 0.8, zh: 0.2 },
  timestampStyle: 'iso',
  encoding: 'utf-8',
};

/** Pinyin-initial headers, as many health information systems have them (xm 姓名, sfzh 身份证号, ...). */
export const HEALTH: SourceSpec = {
  name: 'health',
  department: '卫健',
  columns: cols([
    ['record_id', 'jkda_id'],
    ['name', 'xm'],
    ['gender', 'xb'],
    ['birth_date', 'csrq'],
    ['citizen_id', 'sfzh'],
    ['address', 'jzdz'],
    ['mobile', 'lxdh'],
    ['updated_at', 'gxsj'],
  ]),
  idPrefix: 'JK',
  dateStyles: { slash: 0.5, iso: 0.3, dotted: 0.1, chinese: 0.1 },
  genderStyles: { letter: 0.7, zh: 0.3 },
  timestampStyle: 'local',
  encoding: 'utf-8',
};

export const DEFAULT_FUSION_SOURCES: readonly SourceSpec[] = [CIVIL_AFFAIRS, SOCIAL_INSURANCE, HEALTH];

export interface FusionRates {
  /** One character of the name replaced by a similar-looking or similar-sounding one. */
  readonly nameTypo: number;
  /** The name in traditional characters (when it has a character that differs). */
  readonly nameTraditional: number;
  readonly idMissing: number;
  /** First 17 digits right, the check character wrong. */
  readonly idBadCheck: number;
  readonly mobileMissing: number;
  /** Two adjacent, different digits after the prefix swapped. */
  readonly mobileTransposed: number;
  /** Name and address entered in each other's columns. */
  readonly swapNameAddress: number;
  /** The mobile entered in the ID column (and the mobile column left empty). */
  readonly mobileInId: number;
  /** The same person twice in one source under different record ids. */
  readonly duplicate: number;
  readonly addressFullWidth: number;
  readonly addressNoRoom: number;
  /** Share of persons in 1, 2 and 3 sources (used unless every source has a coverage). */
  readonly sourcesPerPerson: readonly [number, number, number];
}

export const DEFAULT_FUSION_RATES: FusionRates = {
  nameTypo: 0.1,
  nameTraditional: 0.03,
  idMissing: 0.15,
  idBadCheck: 0.03,
  mobileMissing: 0.1,
  mobileTransposed: 0.05,
  swapNameAddress: 0.003,
  mobileInId: 0.003,
  duplicate: 0.01,
  addressFullWidth: 0.05,
  addressNoRoom: 0.05,
  sourcesPerPerson: [0.3, 0.4, 0.3],
};

/** Bits of a record's `defects`: what was done to it, for tests and diagnostics. */
export const DEFECT = {
  nameTypo: 1,
  nameTraditional: 2,
  idMissing: 4,
  idBadCheck: 8,
  mobileMissing: 16,
  mobileTransposed: 32,
  swapNameAddress: 64,
  mobileInId: 128,
  duplicate: 256,
  addressFullWidth: 512,
  addressNoRoom: 1024,
  /** Not a defect: the record predates the person's move and shows the previous address. */
  previousAddress: 2048,
  /** Not a defect: the phone is a relative's mobile or the household landline. */
  sharedPhone: 4096,
} as const;
export type DefectName = keyof typeof DEFECT;

export function defectNames(bits: number): DefectName[] {
  return (Object.keys(DEFECT) as DefectName[]).filter((k) => (bits & DEFECT[k]) !== 0);
}

const defectListCache = new Map<number, string>();

/** defectNames joined with `|`, cached: truth rows need it for every record. */
export function defectList(bits: number): string {
  let s = defectListCache.get(bits);
  if (s === undefined) {
    s = defectNames(bits).join('|');
    defectListCache.set(bits, s);
  }
  return s;
}

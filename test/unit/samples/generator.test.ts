import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  birthDateFromCitizenId,
  citizenIdCheckChar,
  genderFromCitizenId,
  isValidCitizenId,
  upgradeLegacyCitizenId,
} from '../../../governance/semantic/citizen-id.ts';
import { isValidCreditCode, isWellFormedCreditCode } from '../../../governance/semantic/credit-code.ts';
import { isIsoDate, parseFlexibleDate } from '../../../governance/semantic/dates.ts';
import { isValidMobile, normaliseMobile } from '../../../governance/semantic/mobile.ts';
import { ENTERPRISE_DEFECTS, RESIDENT_DEFECTS } from '../../../samples/generator/defects.ts';
import type { SampleTruth, TruthEntry } from '../../../samples/generator/manifest.ts';
import { MINHANG_STREET_ALIAS_MAP, MINHANG_STREET_NAMES, MINHANG_STREETS, STREET_ALIASES } from '../../../samples/generator/minhang.ts';
import { Prng } from '../../../samples/generator/prng.ts';
import { generateSamples } from '../../../samples/generator/write.ts';
import { readEnterprisesCsv, readResidentsCsv, readTruth, splitCsvLine, type CsvTable } from './read-samples.ts';

const BUNDLED = fileURLToPath(new URL('../../../samples/data/', import.meta.url));
const STREETS = new Set(MINHANG_STREETS.map((s) => s.name));
const NULL_TOKENS = ['无', 'NULL', '-', ''];

const scratch: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dataops-samples-'));
  scratch.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath ?? e.path, e.name)
        .slice(dir.length)
        .replace(/^\//, ''),
    )
    .sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}

function halfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function isBareMobile(s: string): boolean {
  return isValidMobile(s) && normaliseMobile(s) === s;
}

function byKey<K extends string>(entries: readonly TruthEntry<K>[], key: 'resident_id' | 'enterprise_id'): Map<string, TruthEntry<K>> {
  return new Map(entries.map((e) => [String(e[key]), e]));
}

describe('prng', () => {
  it('repeats for a seed and stays in range', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 1000 }, () => a.int(-3, 7));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(-3, 7)));
    expect(Math.min(...xs)).toBe(-3);
    expect(Math.max(...xs)).toBe(7);
    expect(new Prng(43).nextUint32()).not.toBe(new Prng(42).nextUint32());
    expect(new Prng(1).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => new Prng(1).pick([])).toThrow();
  });
});

describe('generateSamples determinism', () => {
  it('writes identical bytes for the same seed and options, different bytes for another seed', async () => {
    const opts = { seed: 7, residents: 1500, enterprises: 400, fusionPopulation: 300 };
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    await generateSamples({ ...opts, outDir: a });
    await generateSamples({ ...opts, outDir: b });
    await generateSamples({ ...opts, seed: 8, outDir: c });
    const fa = await filesOf(a);
    expect([...fa.keys()]).toEqual([
      'credit-code-pilots.txt',
      'enterprises.csv',
      'fusion/civil_affairs.csv',
      'fusion/health.csv',
      'fusion/manifest.json',
      'fusion/persons.csv',
      'fusion/social_insurance.csv',
      'fusion/truth.csv',
      'fusion/v2/affected-persons.txt',
      'fusion/v2/changes.csv',
      'fusion/v2/civil_affairs.csv',
      'fusion/v2/health.csv',
      'fusion/v2/social_insurance.csv',
      'fusion/v2/truth.csv',
      'incoming/households-20261129.csv',
      'incoming/households-20261130.csv',
      'residents.csv',
      'residents.ndjson',
      'truth.json',
    ]);
    expect(await filesOf(b)).toEqual(fa);
    const fc = await filesOf(c);
    expect(fc.get('residents.csv')!.equals(fa.get('residents.csv')!)).toBe(false);
    expect(fc.get('enterprises.csv')!.equals(fa.get('enterprises.csv')!)).toBe(false);
  });

  it('keeps enterprises independent of the resident count', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    await generateSamples({ seed: 3, residents: 100, enterprises: 200, outDir: a });
    await generateSamples({ seed: 3, residents: 900, enterprises: 200, outDir: b });
    const [fa, fb] = [await filesOf(a), await filesOf(b)];
    expect(fb.get('enterprises.csv')).toEqual(fa.get('enterprises.csv'));
  });

  it('the bundled samples/data equals a fresh generation with the default options', async () => {
    const dir = await tempDir();
    const manifest = await generateSamples({ outDir: dir });
    expect(manifest.seed).toBe(20261126);
    expect(manifest.files['residents.csv'].rows).toBe(2000);
    expect(manifest.files['enterprises.csv'].rows).toBe(500);
    const fresh = await filesOf(dir);
    const bundled = await filesOf(BUNDLED);
    expect([...bundled.keys()]).toEqual([...fresh.keys()]);
    for (const [name, bytes] of fresh) expect(bundled.get(name)?.equals(bytes), `${name} drifted`).toBe(true);
  });
});

describe('rates', () => {
  it('zero rates give only clean rows', async () => {
    const dir = await tempDir();
    const zeroR = Object.fromEntries(RESIDENT_DEFECTS.map((k) => [k, 0]));
    const zeroE = Object.fromEntries(ENTERPRISE_DEFECTS.map((k) => [k, 0]));
    const m = await generateSamples({ outDir: dir, residents: 300, enterprises: 100, rates: { residents: zeroR, enterprises: zeroE } });
    expect(m.files['residents.csv'].clean).toBe(300);
    expect(m.files['enterprises.csv'].clean).toBe(100);
    const truth = await readTruth(dir);
    expect(truth.defectiveRows['residents.csv']).toEqual([]);
    expect(truth.defectiveRows['enterprises.csv']).toEqual([]);
  });

  it('rejects unknown kinds, out-of-range rates and sums above 1', async () => {
    const dir = await tempDir();
    await expect(generateSamples({ outDir: dir, rates: { residents: { nope: 0.1 } as never } })).rejects.toThrow(/unknown defect kind/);
    await expect(generateSamples({ outDir: dir, rates: { residents: { duplicate: 1.5 } } })).rejects.toThrow(/\[0, 1\]/);
    await expect(generateSamples({ outDir: dir, rates: { enterprises: { duplicate: 0.6, null_token: 0.6 } } })).rejects.toThrow(/more than 1/);
    await expect(generateSamples({ outDir: dir, residents: -1 })).rejects.toThrow(/non-negative/);
  });

  it('a high rate produces that defect at about that rate', async () => {
    const dir = await tempDir();
    const m = await generateSamples({ outDir: dir, residents: 4000, enterprises: 10, rates: { residents: { whitespace: 0.3 } } });
    expect(m.files['residents.csv'].defects.whitespace).toBeGreaterThan(1000);
    expect(m.files['residents.csv'].defects.whitespace).toBeLessThan(1400);
  });
});

describe('ground truth of a 10,000-row set', () => {
  let dir: string;
  let truth: SampleTruth;
  let residents: CsvTable;
  let enterprises: CsvTable;
  const reference = new Date('2026-11-01T00:00:00+08:00');

  beforeAll(async () => {
    dir = await tempDir();
    await generateSamples({ outDir: dir, seed: 11, residents: 10_000, enterprises: 3000 });
    truth = await readTruth(dir);
    residents = await readResidentsCsv(dir);
    enterprises = await readEnterprisesCsv(dir);
  });

  it('has dozens of every defect kind and counts that match the rows', () => {
    const r = truth.files['residents.csv'];
    const e = truth.files['enterprises.csv'];
    expect(truth.referenceDate).toBe('2026-11-01');
    expect(r.rows).toBe(residents.rows.length);
    expect(e.rows).toBe(enterprises.rows.length);
    for (const [summary, entries, kinds, min] of [
      [r, truth.defectiveRows['residents.csv'], RESIDENT_DEFECTS, 50],
      [e, truth.defectiveRows['enterprises.csv'], ENTERPRISE_DEFECTS, 20],
    ] as const) {
      const counted: Record<string, number> = {};
      for (const entry of entries) counted[entry.defect] = (counted[entry.defect] ?? 0) + 1;
      for (const k of kinds) {
        expect(summary.defects[k as keyof typeof summary.defects], k).toBe(counted[k] ?? 0);
        expect(counted[k] ?? 0, k).toBeGreaterThanOrEqual(min);
      }
      expect(summary.clean).toBe(summary.rows - entries.length);
      // At most one defect per row.
      expect(new Set(entries.map((x) => x.line)).size).toBe(entries.length);
    }
    expect(truth.files['residents.ndjson'].defects).toEqual(r.defects);
  });

  it('the NDJSON file holds the same rows as the CSV', async () => {
    const lines = (await readFile(join(dir, 'residents.ndjson'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(residents.rows.length);
    lines.forEach((line, i) => {
      const obj = JSON.parse(line) as Record<string, string | number>;
      expect(Object.keys(obj)).toEqual(residents.header);
      expect(Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, String(v)]))).toEqual(residents.rows[i]);
      expect(typeof obj.resident_id).toBe('number');
    });
  });

  it('truth entries point at the right line and value', () => {
    for (const [table, entries, key] of [
      [residents, truth.defectiveRows['residents.csv'], 'resident_id'],
      [enterprises, truth.defectiveRows['enterprises.csv'], 'enterprise_id'],
    ] as const) {
      for (const [i, row] of table.rows.entries()) expect(row[key]).toBe(String(i + 1));
      for (const e of entries as readonly TruthEntry<string>[]) {
        const row = table.rows[e.line - 2]!;
        expect(row[key]).toBe(String(e[key]));
        expect(row[e.field], `${key} ${e[key]} ${e.defect}`).toBe(e.value);
      }
    }
  });

  it('clean residents are valid and consistent', () => {
    const bad = byKey(truth.defectiveRows['residents.csv'], 'resident_id');
    const seen = new Set<string>();
    for (const row of residents.rows) {
      if (bad.has(row.resident_id!)) continue;
      const id = row.citizen_id!;
      expect(isValidCitizenId(id, reference), id).toBe(true);
      expect(seen.has(id), `citizen_id ${id} repeats`).toBe(false);
      seen.add(id);
      expect(row.gender).toBe(genderFromCitizenId(id) === 'M' ? '男' : '女');
      expect(row.birth_date).toBe(birthDateFromCitizenId(id));
      expect(isBareMobile(row.mobile!), row.mobile).toBe(true);
      expect(STREETS.has(row.street!)).toBe(true);
      expect(row.name).toMatch(/^\p{Script=Han}{2,4}$/u);
      expect(row.address).toMatch(/^上海市闵行区\S+$/u);
      expect(row.registered_at! < row.updated_at!).toBe(true);
      expect(Date.parse(row.updated_at!)).toBeLessThan(reference.getTime());
    }
  });

  it('each resident defect is what it claims to be', () => {
    const rows = new Map(residents.rows.map((r) => [r.resident_id!, r]));
    const bad = byKey(truth.defectiveRows['residents.csv'], 'resident_id');
    for (const e of truth.defectiveRows['residents.csv']) {
      const row = rows.get(String(e.resident_id))!;
      const id = row.citizen_id!;
      const label = `${e.resident_id} ${e.defect} ${e.value}`;
      expect(e.action, label).toBe(truth.kinds.residents[e.defect].action);
      switch (e.defect) {
        case 'citizen_id_bad_check':
          expect(id).toMatch(/^\d{17}[\dX]$/);
          expect(isValidCitizenId(id, reference), label).toBe(false);
          expect(birthDateFromCitizenId(id), label).toBe(row.birth_date);
          expect(citizenIdCheckChar(id.slice(0, 17))).not.toBe(id[17]);
          break;
        case 'citizen_id_bad_birth':
          expect(id).toMatch(/^\d{17}[\dX]$/);
          expect(isValidCitizenId(id, reference), label).toBe(false);
          expect(birthDateFromCitizenId(id), label).toBeNull();
          expect(citizenIdCheckChar(id.slice(0, 17)), label).toBe(id[17]);
          break;
        case 'citizen_id_legacy15':
          expect(id).toMatch(/^\d{15}$/);
          expect(upgradeLegacyCitizenId(id)).toBe(e.expected);
          expect(isValidCitizenId(e.expected!, reference)).toBe(true);
          expect(birthDateFromCitizenId(id)).toBe(row.birth_date);
          break;
        case 'citizen_id_lower_x':
          expect(id).toMatch(/^\d{17}x$/);
          expect(e.expected).toBe(id.toUpperCase());
          expect(isValidCitizenId(e.expected!, reference)).toBe(true);
          break;
        case 'fullwidth_digits':
          expect(e.value).not.toMatch(/[0-9X]/);
          expect(halfWidth(e.value)).toBe(e.expected);
          if (e.field === 'citizen_id') expect(isValidCitizenId(e.expected!, reference), label).toBe(true);
          else expect(isBareMobile(e.expected!), label).toBe(true);
          break;
        case 'mobile_formatted':
          expect(isBareMobile(e.value), label).toBe(false);
          expect(normaliseMobile(e.value), label).toBe(e.expected);
          expect(isBareMobile(e.expected!)).toBe(true);
          break;
        case 'mobile_invalid':
          expect(isValidMobile(e.value), label).toBe(false);
          break;
        case 'birth_date_format':
          expect(isIsoDate(e.value), label).toBe(false);
          expect(parseFlexibleDate(e.value), label).toBe(e.expected);
          expect(e.expected).toBe(birthDateFromCitizenId(id));
          break;
        case 'birth_date_mismatch':
          expect(isValidCitizenId(id, reference)).toBe(true);
          expect(isIsoDate(e.value), label).toBe(true);
          expect(e.value).not.toBe(birthDateFromCitizenId(id));
          break;
        case 'gender_mismatch':
          expect(isValidCitizenId(id, reference)).toBe(true);
          expect(row.gender).toBe(genderFromCitizenId(id) === 'M' ? '女' : '男');
          break;
        case 'street_alias':
          expect(STREETS.has(e.value)).toBe(false);
          expect(STREET_ALIASES.get(e.value)).toBe(e.expected);
          break;
        case 'null_token':
          expect(['mobile', 'street']).toContain(e.field);
          expect(NULL_TOKENS).toContain(e.value);
          break;
        case 'whitespace':
          expect(['name', 'address']).toContain(e.field);
          expect(e.value).not.toBe(e.expected);
          expect(e.value.replace(/ +/g, '')).toBe(e.expected);
          break;
        case 'duplicate': {
          const original = rows.get(String(e.duplicateOf))!;
          expect(e.duplicateOf!).toBeLessThan(e.resident_id!);
          expect(bad.has(String(e.duplicateOf)), 'the survivor is clean').toBe(false);
          expect(id).toBe(original.citizen_id);
          expect(row.name).toBe(original.name);
          expect(Date.parse(row.updated_at!)).toBeLessThan(Date.parse(original.updated_at!));
          break;
        }
      }
      // The one defect is the only thing wrong: the citizen ID is valid unless the defect is about it.
      if (!e.defect.startsWith('citizen_id_') && !(e.defect === 'fullwidth_digits' && e.field === 'citizen_id')) {
        expect(isValidCitizenId(id, reference), label).toBe(true);
      }
      if (!['mobile_formatted', 'mobile_invalid', 'null_token', 'fullwidth_digits'].includes(e.defect)) {
        expect(isBareMobile(row.mobile!), label).toBe(true);
      }
    }
    // Every duplicated citizen ID appears exactly twice: the survivor and its one duplicate.
    const dupIds = truth.defectiveRows['residents.csv'].filter((e) => e.defect === 'duplicate').map((e) => e.value);
    const all = residents.rows.map((r) => r.citizen_id!);
    for (const id of dupIds) expect(all.filter((x) => x === id)).toHaveLength(2);
  });

  it('clean enterprises are valid and unique', () => {
    const bad = byKey(truth.defectiveRows['enterprises.csv'], 'enterprise_id');
    const codes = new Set<string>();
    const names = new Set<string>();
    for (const row of enterprises.rows) {
      if (bad.has(row.enterprise_id!)) continue;
      const code = row.credit_code!;
      expect(isValidCreditCode(code), code).toBe(true);
      expect(codes.has(code)).toBe(false);
      codes.add(code);
      expect(names.has(row.name!), row.name).toBe(false);
      names.add(row.name!);
      expect(row.name).toMatch(/^上海\p{Script=Han}+公司$/u);
      expect(Number(row.registered_capital)).toBeGreaterThan(0);
      expect(isIsoDate(row.established_on!)).toBe(true);
      expect(row.established_on! < truth.referenceDate).toBe(true);
      expect(STREETS.has(row.street!)).toBe(true);
      expect(isBareMobile(row.contact_phone!) || /^021-[56]\d{7}$/.test(row.contact_phone!), row.contact_phone).toBe(true);
      expect(Date.parse(row.updated_at!)).toBeLessThan(reference.getTime());
    }
  });

  it('each enterprise defect is what it claims to be', async () => {
    const rows = new Map(enterprises.rows.map((r) => [r.enterprise_id!, r]));
    const bad = byKey(truth.defectiveRows['enterprises.csv'], 'enterprise_id');
    const pilots = (await readFile(join(dir, 'credit-code-pilots.txt'), 'utf8')).trimEnd().split('\n');
    const pilotEntries = truth.defectiveRows['enterprises.csv'].filter((e) => e.defect === 'credit_code_pilot');
    expect(pilots).toEqual(pilotEntries.map((e) => e.value));
    for (const e of truth.defectiveRows['enterprises.csv']) {
      const row = rows.get(String(e.enterprise_id))!;
      const label = `${e.enterprise_id} ${e.defect} ${e.value}`;
      expect(e.action, label).toBe(truth.kinds.enterprises[e.defect].action);
      switch (e.defect) {
        case 'credit_code_bad_check':
        case 'credit_code_pilot':
          expect(isWellFormedCreditCode(e.value), label).toBe(true);
          expect(isValidCreditCode(e.value), label).toBe(false);
          expect(e.action).toBe(e.defect === 'credit_code_pilot' ? 'flag' : 'reject');
          break;
        case 'credit_code_lowercase':
          expect(e.value).not.toBe(e.expected);
          expect(e.value.toUpperCase()).toBe(e.expected);
          expect(isValidCreditCode(e.expected!)).toBe(true);
          break;
        case 'capital_negative':
          expect(Number(e.value)).toBeLessThan(0);
          break;
        case 'established_future':
          expect(isIsoDate(e.value)).toBe(true);
          expect(e.value > truth.referenceDate).toBe(true);
          break;
        case 'established_format':
          expect(isIsoDate(e.value)).toBe(false);
          expect(parseFlexibleDate(e.value)).toBe(e.expected);
          break;
        case 'street_alias':
          expect(STREET_ALIASES.get(e.value)).toBe(e.expected);
          break;
        case 'null_token':
          expect(['contact_phone', 'street']).toContain(e.field);
          expect(NULL_TOKENS).toContain(e.value);
          break;
        case 'duplicate': {
          const original = rows.get(String(e.duplicateOf))!;
          expect(e.duplicateOf!).toBeLessThan(e.enterprise_id!);
          expect(bad.has(String(e.duplicateOf))).toBe(false);
          expect(row.credit_code).toBe(original.credit_code);
          expect(Date.parse(row.updated_at!)).toBeLessThan(Date.parse(original.updated_at!));
          break;
        }
      }
      if (!e.defect.startsWith('credit_code_')) expect(isValidCreditCode(row.credit_code!), label).toBe(true);
    }
  });

  it('enterprises.csv is GBK, not UTF-8, and loses no characters', async () => {
    const bytes = await readFile(join(dir, 'enterprises.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const text = iconv.decode(bytes, 'gbk');
    expect(text).not.toMatch(/[?\ufffd]/);
    expect(iconv.encode(text, 'gbk').equals(bytes)).toBe(true);
    expect(text.startsWith('enterprise_id,credit_code,name,')).toBe(true);
  });

  it('quotes fields with leading or trailing spaces', () => {
    expect(splitCsvLine('1," a ",b')).toEqual(['1', ' a ', 'b']);
    const padded = truth.defectiveRows['residents.csv'].filter((e) => e.defect === 'whitespace' && e.value !== e.value.trim());
    expect(padded.length).toBeGreaterThan(0);
  });
});

describe('the bundled Minhang reference files', () => {
  const lines = (file: string) =>
    readFileSync(fileURLToPath(new URL(`../../../samples/jobs/reference/${file}`, import.meta.url)), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l && !l.startsWith('#'));

  it('list exactly the streets and aliases the generator uses', () => {
    expect(lines('minhang-streets.txt')).toEqual(MINHANG_STREET_NAMES);
    expect(Object.fromEntries(lines('minhang-street-aliases.csv').map((l) => l.split(',')))).toEqual(MINHANG_STREET_ALIAS_MAP);
  });
});

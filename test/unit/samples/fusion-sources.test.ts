import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { collectAll } from '../../../samples/generator/collect.ts';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';
import { generateFusionChanges, type FusionChange } from '../../../samples/generator/fusion-changes.ts';
import type { FusionPerson } from '../../../samples/generator/fusion-population.ts';
import { FIELD_INDEX } from '../../../samples/generator/fusion-render.ts';
import { type FusionRecord, generateFusionSources, recordRef } from '../../../samples/generator/fusion-sources.ts';
import { DEFAULT_FUSION_SOURCES, DEFECT, type FusionField } from '../../../samples/generator/fusion-spec.ts';
import { pairwiseScores, truthMap } from '../../../samples/generator/linkage-truth.ts';
import { SIMILAR_CHARS, TRADITIONAL_CHARS } from '../../../samples/generator/similar-chars.ts';

function field(r: FusionRecord, f: FusionField): string {
  const spec = DEFAULT_FUSION_SOURCES[r.sourceIndex]!;
  return r.values[spec.columns.findIndex((c) => c.field === f)]!;
}

const POPULATION = 20_000;
const { items: records, result: summary } = collectAll(generateFusionSources({ population: POPULATION, seed: 42 }));
const persons = new Map<string, FusionPerson>();
for (const r of records) persons.set(r.personKey, r.person);

function share(pred: (r: FusionRecord) => boolean, among: (r: FusionRecord) => boolean = () => true): number {
  const base = records.filter(among);
  return base.filter(pred).length / base.length;
}
const has = (bit: number) => (r: FusionRecord) => (r.defects & bit) !== 0;

describe('generateFusionSources', () => {
  it('is deterministic for a seed and differs for another', () => {
    const digest = (seed: number) => {
      const h = createHash('sha256');
      for (const r of collectAll(generateFusionSources({ population: 2000, seed })).items) h.update(`${r.recordId}|${r.personKey}|${r.values.join('\t')}\n`);
      return h.digest('hex');
    };
    expect(digest(5)).toBe(digest(5));
    expect(digest(6)).not.toBe(digest(5));
  });

  it('puts every person in at least one source, about two records each', () => {
    expect(persons.size).toBe(POPULATION);
    expect(summary.persons).toBe(POPULATION);
    expect(summary.records).toBe(records.length);
    expect(records.length / POPULATION).toBeGreaterThan(1.95);
    expect(records.length / POPULATION).toBeLessThan(2.1);
    for (const s of DEFAULT_FUSION_SOURCES) expect(summary.perSource[s.name]! / records.length).toBeCloseTo(1 / 3, 1);
    const sourcesPerPerson = new Map<string, Set<number>>();
    for (const r of records) (sourcesPerPerson.get(r.personKey) ?? sourcesPerPerson.set(r.personKey, new Set()).get(r.personKey)!).add(r.sourceIndex);
    const k = [1, 2, 3].map((n) => [...sourcesPerPerson.values()].filter((s) => s.size === n).length / POPULATION);
    expect(k[0]).toBeCloseTo(0.3, 1);
    expect(k[1]).toBeCloseTo(0.4, 1);
    expect(k[2]).toBeCloseTo(0.3, 1);
  });

  it('keeps the truth consistent: unique record ids, the id in its column, clean values equal to the person', () => {
    const refs = new Set(records.map((r) => recordRef(r.source, r.recordId)));
    expect(refs.size).toBe(records.length);
    for (const r of records) {
      expect(field(r, 'record_id')).toBe(r.recordId);
      expect(r.personKey).toBe(r.person.key);
      if ((r.defects & (DEFECT.idMissing | DEFECT.idBadCheck | DEFECT.mobileInId)) === 0) expect(field(r, 'citizen_id')).toBe(r.person.citizenId);
      if ((r.defects & (DEFECT.nameTypo | DEFECT.nameTraditional | DEFECT.swapNameAddress)) === 0) expect(field(r, 'name')).toBe(r.person.name);
    }
    expect(DEFAULT_FUSION_SOURCES[0]!.columns.map((c) => c.header)).toEqual(['记录号', '姓名', '身份证号', '手机号', '出生日期', '性别', '住址', '更新时间']);
  });

  it('injects name typos and traditional forms at their rates, each a real similar or traditional character', () => {
    expect(share(has(DEFECT.nameTypo))).toBeGreaterThan(0.09);
    expect(share(has(DEFECT.nameTypo))).toBeLessThan(0.11);
    expect(share(has(DEFECT.nameTraditional))).toBeGreaterThan(0.01);
    const unswapped = (r: FusionRecord) => !has(DEFECT.swapNameAddress)(r);
    for (const r of records.filter(has(DEFECT.nameTypo)).filter(unswapped)) {
      const name = field(r, 'name');
      const truth = r.person.name;
      const diff = [...truth].map((c, i) => (c === name[i] ? -1 : i)).filter((i) => i >= 0);
      expect(diff).toHaveLength(1);
      expect(SIMILAR_CHARS.get(truth[diff[0]!]!)).toContain(name[diff[0]!]);
    }
    for (const r of records.filter(has(DEFECT.nameTraditional)).filter(unswapped)) {
      const name = field(r, 'name');
      expect([...r.person.name].map((c) => TRADITIONAL_CHARS.get(c) ?? c).join('')).toBe(name);
      expect(name).not.toBe(r.person.name);
    }
  });

  it('drops and corrupts citizen IDs and mobiles at the issue rates', () => {
    expect(share(has(DEFECT.idMissing))).toBeCloseTo(0.15, 2);
    expect(share(has(DEFECT.idBadCheck))).toBeCloseTo(0.03, 2);
    for (const r of records.filter(has(DEFECT.idMissing))) expect(field(r, 'citizen_id')).toBe('');
    for (const r of records.filter(has(DEFECT.idBadCheck))) {
      const id = field(r, 'citizen_id');
      expect(id.slice(0, 17)).toBe(r.person.citizenId.slice(0, 17));
      expect(id[17]).not.toBe(citizenIdCheckChar(id.slice(0, 17)));
    }
    const withPhone = (r: FusionRecord) => r.person.phone !== '';
    expect(share(has(DEFECT.mobileMissing), withPhone)).toBeCloseTo(0.1, 2);
    const mobileish = (r: FusionRecord) => r.person.phone.length === 11;
    expect(share(has(DEFECT.mobileTransposed), mobileish)).toBeCloseTo(0.05, 2);
    for (const r of records.filter(has(DEFECT.mobileTransposed)).filter((r) => !has(DEFECT.mobileInId)(r))) {
      const m = field(r, 'mobile');
      const t = r.person.phone;
      const at = [...t].findIndex((c, i) => c !== m[i]);
      expect(at).toBeGreaterThanOrEqual(3);
      expect(m).toBe(t.slice(0, at) + t[at + 1] + t[at] + t.slice(at + 2));
    }
  });

  it('mixes date, gender and address forms, with rare swapped fields and within-source duplicates', () => {
    const births = new Set(records.map((r) => field(r, 'birth_date').replace(/\d/g, '9')));
    for (const form of ['9999-99-99', '9999年9月9日', '9999/9/9', '99999999', '9999.99.99']) expect(births).toContain(form);
    expect(new Set(records.map((r) => field(r, 'gender')))).toEqual(new Set(['男', '女', '1', '2', 'M', 'F']));
    const addresses = records.map((r) => field(r, 'address'));
    expect(addresses.some((a) => a.startsWith('上海市闵行区'))).toBe(true);
    expect(addresses.some((a) => !a.includes('闵行'))).toBe(true);
    expect(addresses.some((a) => a.includes('号楼'))).toBe(true);
    expect(addresses.some((a) => /[０-９]/.test(a))).toBe(true);
    expect(share(has(DEFECT.addressFullWidth))).toBeCloseTo(0.05, 2);
    for (const r of records.filter(has(DEFECT.swapNameAddress)).filter((r) => (r.defects & (DEFECT.nameTypo | DEFECT.nameTraditional)) === 0)) {
      expect(field(r, 'address')).toBe(r.person.name);
      expect(field(r, 'name')).toMatch(/路|号/);
    }
    for (const r of records.filter(has(DEFECT.mobileInId))) {
      expect(field(r, 'citizen_id')).toMatch(/^(1\d{10}|021-\d{8})$/);
      expect(field(r, 'mobile')).toBe('');
    }
    expect(records.filter(has(DEFECT.swapNameAddress)).length).toBeGreaterThan(0);
    expect(records.filter(has(DEFECT.mobileInId)).length).toBeGreaterThan(0);
    const dups = records.filter(has(DEFECT.duplicate));
    expect(dups.length / records.length).toBeGreaterThan(0.005);
    expect(dups.length / records.length).toBeLessThan(0.015);
    for (const d of dups) {
      const same = records.filter((r) => r.personKey === d.personKey && r.sourceIndex === d.sourceIndex);
      expect(same.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('builds households, twins, namesakes and movers into the population', () => {
    const all = [...persons.values()];
    const households = new Map<number, FusionPerson[]>();
    for (const p of all) (households.get(p.household) ?? households.set(p.household, []).get(p.household)!).push(p);
    const big = [...households.values()].filter((h) => h.length >= 2);
    expect(big.length / households.size).toBeGreaterThan(0.5);
    for (const h of big) for (const p of h) expect(p.address).toBe(h[0]!.address);
    expect(big.filter((h) => new Set(h.map((p) => p.name[0])).size < h.length).length).toBeGreaterThan(big.length / 3);
    expect(big.filter((h) => h.some((p, i) => p.phone !== '' && h.some((q, j) => j !== i && q.phone === p.phone))).length).toBeGreaterThan(20);

    const twins = all.filter((p) => p.twinOf !== null);
    expect(twins.length).toBeGreaterThan(20);
    for (const t of twins) {
      const sib = persons.get(t.twinOf!)!;
      expect(t.birthDay).toBe(sib.birthDay);
      expect(t.household).toBe(sib.household);
      expect(t.name.slice(0, t.surnameLength)).toBe(sib.name.slice(0, sib.surnameLength));
      expect(t.name).not.toBe(sib.name);
      expect(t.citizenId).not.toBe(sib.citizenId);
    }
    const namesakes = all.filter((p) => p.namesakeOf !== null);
    expect(namesakes.length).toBeGreaterThan(50);
    for (const n of namesakes) {
      const other = persons.get(n.namesakeOf!)!;
      expect(n.name).toBe(other.name);
      expect(new Date(n.birthDay * 86_400_000).getUTCFullYear()).toBe(new Date(other.birthDay * 86_400_000).getUTCFullYear());
      expect(n.household).not.toBe(other.household);
      expect(n.citizenId).not.toBe(other.citizenId);
    }
    expect(new Set(all.map((p) => p.citizenId)).size).toBe(all.length);

    const movers = all.filter((p) => p.previousAddress !== null);
    expect(movers.length / all.length).toBeGreaterThan(0.04);
    const old = records.filter(has(DEFECT.previousAddress));
    expect(old.length).toBeGreaterThan(100);
    for (const r of old) expect(r.updatedAt).toBeLessThan(r.person.movedAt!);
    for (const r of records.filter((r) => r.person.movedAt !== null && !has(DEFECT.previousAddress)(r)))
      expect(r.updatedAt).toBeGreaterThanOrEqual(r.person.movedAt!);
  });

  it('gives the benchmark shape with coverage 1: every person in every source', () => {
    const { items, result } = collectAll(generateFusionSources({ population: 3000, seed: 1, coverage: 1 }));
    const bySource = new Map<number, Set<string>>();
    for (const r of items) (bySource.get(r.sourceIndex) ?? bySource.set(r.sourceIndex, new Set()).get(r.sourceIndex)!).add(r.personKey);
    for (const s of bySource.values()) expect(s.size).toBe(3000);
    expect(result.records).toBe(items.length);
    expect(items.length).toBeGreaterThanOrEqual(9000);
  });

  it('rejects unknown rates and bad options', () => {
    expect(() => generateFusionSources({ population: 10, seed: 1, rates: { nope: 1 } as never }).next()).toThrow(/unknown fusion rate/);
    expect(() => generateFusionSources({ population: -1, seed: 1 }).next()).toThrow(/population/);
  });
});

describe('pairwiseScores', () => {
  const truth = new Map([
    ['a:1', 'P1'],
    ['a:2', 'P1'],
    ['b:1', 'P1'],
    ['b:2', 'P2'],
    ['c:1', 'P2'],
    ['c:2', 'P3'],
  ]);

  it('is perfect for the truth itself', () => {
    const s = pairwiseScores(truth, truth);
    expect(s).toMatchObject({ precision: 1, recall: 1, truePairs: 4, predictedPairs: 4, correctPairs: 4 });
  });

  it('counts pairs for a hand-worked clustering', () => {
    // {a:1, a:2} {b:1, b:2, c:1} {c:2}: predicted 1 + 3 = 4 pairs; correct (a1,a2) and (b2,c1) = 2; true pairs 3 + 1 = 4.
    const predicted = new Map<string, number>([
      ['a:1', 1],
      ['a:2', 1],
      ['b:1', 2],
      ['b:2', 2],
      ['c:1', 2],
      ['c:2', 3],
    ]);
    const s = pairwiseScores(predicted, truth);
    expect(s.predictedPairs).toBe(4);
    expect(s.correctPairs).toBe(2);
    expect(s.truePairs).toBe(4);
    expect(s.precision).toBe(0.5);
    expect(s.recall).toBe(0.5);
    expect(s.f1).toBe(0.5);
  });

  it('treats records left out as singletons and refuses records outside the truth', () => {
    const s = pairwiseScores(
      new Map([
        ['a:1', 'x'],
        ['a:2', 'x'],
      ]),
      truth,
    );
    expect(s).toMatchObject({ predictedPairs: 1, correctPairs: 1, truePairs: 4, precision: 1, recall: 0.25 });
    expect(pairwiseScores(new Map(), truth)).toMatchObject({ precision: 1, recall: 0 });
    expect(() => pairwiseScores(new Map([['z:9', 1]]), truth)).toThrow(/not in the truth/);
  });

  it('agrees with brute-force pair enumeration on generated data with a noisy clustering', () => {
    const sample = records.slice(0, 600);
    const t = truthMap(sample);
    // Cluster by surname + birth field: merges namesakes and relatives, splits typos.
    const predicted = new Map(sample.map((r) => [recordRef(r.source, r.recordId), `${field(r, 'name')[0]}|${r.person.birthDay % 7}`]));
    const refs = [...t.keys()];
    let tp = 0;
    let pp = 0;
    let cp = 0;
    for (let i = 0; i < refs.length; i++)
      for (let j = i + 1; j < refs.length; j++) {
        const same = t.get(refs[i]!) === t.get(refs[j]!);
        const linked = predicted.get(refs[i]!) === predicted.get(refs[j]!);
        tp += same ? 1 : 0;
        pp += linked ? 1 : 0;
        cp += same && linked ? 1 : 0;
      }
    expect(pairwiseScores(predicted, t)).toMatchObject({ truePairs: tp, predictedPairs: pp, correctPairs: cp });
  });
});

describe('generateFusionChanges', () => {
  const { items: changes, result } = collectAll(generateFusionChanges({ population: POPULATION, seed: 42 }));
  const byOp = (op: FusionChange['op']) => changes.filter((c) => c.op === op);

  it('changes about 1%, adds about 0.5% and deletes about 0.2% of the first version', () => {
    expect(byOp('update').length / records.length).toBeCloseTo(0.01, 2);
    expect(byOp('insert').length / records.length).toBeCloseTo(0.005, 2);
    expect(byOp('delete').length / records.length).toBeCloseTo(0.002, 2);
    expect(result.records).toBe(records.length - result.deleted + result.inserted);
  });

  it('updates and deletes records of the first version, inserts new ids, and lists every affected person', () => {
    const v1 = new Map(records.map((r) => [recordRef(r.source, r.recordId), r]));
    for (const c of [...byOp('update'), ...byOp('delete')]) expect(v1.get(recordRef(c.source, c.recordId))?.personKey).toBe(c.personKey);
    for (const c of byOp('insert')) expect(v1.has(recordRef(c.source, c.recordId))).toBe(false);
    const affected = new Set(result.affectedPersons);
    for (const c of changes) expect(affected.has(c.personKey)).toBe(true);
    expect(affected.size).toBe(new Set(changes.map((c) => c.personKey)).size);
    const newPeople = byOp('insert').filter((c) => c.kind === 'new_person');
    expect(newPeople.length).toBeGreaterThan(0);
    for (const c of newPeople) expect(c.person.index).toBeGreaterThanOrEqual(POPULATION);
    for (const c of byOp('insert').filter((c) => c.kind === 'new_record')) expect(c.person.index).toBeLessThan(POPULATION);
  });

  it('moves give a newer updated_at and another street; new mobiles change the mobile only', () => {
    for (const c of byOp('update')) {
      const before = records.find((r) => r.source === c.source && r.recordId === c.recordId)!;
      const spec = DEFAULT_FUSION_SOURCES[c.sourceIndex]!;
      const pos = (f: FusionField) => spec.columns.findIndex((col) => col.field === f);
      expect(c.values[pos('updated_at')]! > before.values[pos('updated_at')]!).toBe(true);
      const changed = c.values.map((v, i) => (v === before.values[i] ? null : spec.columns[i]!.field)).filter((f) => f !== null);
      expect(changed).toContain('updated_at');
      expect(changed.length).toBeLessThanOrEqual(2);
      if (c.kind === 'moved') expect(c.values[pos('address')]).not.toBe(before.values[pos('address')]);
      if (c.kind === 'new_mobile') expect(c.values[pos('mobile')]).toMatch(/^1[3-9]\d{9}$/);
    }
    expect(FIELD_INDEX.record_id).toBe(0);
  });
});

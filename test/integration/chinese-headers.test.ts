import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema } from '../../schemas/job-spec.ts';
import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';

// A department file as it arrives: GBK, Chinese headers, full-width digits and formatted mobiles.
const dir = mkdtempSync(join(tmpdir(), 'dataops-cn-'));
const HEADERS = ['姓名', '身份证号', '性别', '出生日期', '手机号', '所属街镇'];
const id = (body: string) => body + citizenIdCheckChar(body);
const ROWS = [
  ['张三', id('31011219900301001'), '男', '１９９０年３月１日', '(+86)13812345678', '江川路街道'],
  ['李四', id('31011219851215002'), '女', '1985/12/15', '138.1234.5679', '七宝镇'],
  ['王五', id('31011219770707003'), '男', '19770707', '+86-138-1234-5670', '莘庄镇'],
  ['赵六', id('31011219880808004'), '女', '1988-08-08', '12345', '古美路街道'],
  ['张三', id('31011219900301001'), '男', '1990-03-01', '13812345678', '江川路街道'],
];
const csvPath = join(dir, 'residents-gbk.csv');
writeFileSync(csvPath, iconv.encode(`${HEADERS.join(',')}\r\n${ROWS.map((r) => r.join(',')).join('\r\n')}\r\n`, 'gbk'));

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-chinese-headers');
  await env.db.raw('CREATE TABLE IF NOT EXISTS public.x (canary int)');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

async function columnsOf(table: string): Promise<string[]> {
  const [schema, name] = table.split('.');
  const rows = await env.db('information_schema.columns').where({ table_schema: schema, table_name: name }).orderBy('ordinal_position').select('column_name');
  return rows.map((r) => r.column_name);
}

async function catalogued(dataset: string): Promise<{ name: string; label: string | null }[]> {
  const resource = await env.db('dataops.catalogue_resources').where({ dataset }).first();
  return env.db('dataops.catalogue_columns').where({ resource_id: resource.id, version: resource.current_version }).orderBy('ordinal').select('name', 'label');
}

describe('a CSV with Chinese headers', () => {
  it('is collected with those column names, and cleansed by rules that name them', async () => {
    const collected = await runCollect(
      env.client,
      env.config,
      collectSpec({ dataset: 'cn-residents', source: { type: 'file', path: csvPath }, target: { table: 'raw.cn_residents' } }),
    );
    expect(collected.publish.rows).toBe(ROWS.length);
    expect(await columnsOf('raw.cn_residents')).toEqual(HEADERS);
    expect((await catalogued('cn-residents')).map((c) => c.name)).toEqual(HEADERS);

    const spec = cleanseJobSpecSchema.parse({
      kind: 'cleanse',
      job: 'cn-cleanse',
      dataset: 'cn-residents-clean',
      department: 'civil-affairs',
      today: '2026-11-01',
      source: { type: 'table', connection: 'centre', table: 'raw.cn_residents' },
      key: ['身份证号'],
      target: { table: 'clean.cn_residents' },
      rules: {
        columns: {
          身份证号: { normalise: ['citizen_id'], validate: ['citizen_id.valid'] },
          出生日期: { normalise: ['date'], validate: ['date.valid'] },
          手机号: { normalise: ['mobile'], validate: ['mobile.valid'] },
        },
        deep: [{ rule: 'deep.id_birth_consistency', params: { citizenId: '身份证号', birthDate: '出生日期' } }],
        dedup: { key: ['身份证号'], survivorship: 'first' },
      },
    });
    const { handle, runId } = await startJob(env.client, env.config, spec, `cleanse:cn:${Date.now()}`);
    const result = (await handle.result()) as CleanseResult;
    expect(result.stage).toMatchObject({ rows: 5, clean: 3, rejected: 2 });
    const published = await env.db('clean.cn_residents').orderBy('姓名').select('姓名', '出生日期', '手机号');
    expect(published).toEqual([
      { 姓名: '张三', 出生日期: '1990-03-01', 手机号: '13812345678' },
      { 姓名: '李四', 出生日期: '1985-12-15', 手机号: '13812345679' },
      { 姓名: '王五', 出生日期: '1977-07-07', 手机号: '13812345670' },
    ]);
    const quarantined = await env
      .db('dataops.quarantine')
      .where({ run_id: runId })
      .orderBy('rule_id')
      .select('source_ref', 'rule_id', 'column_name', 'duplicate_of');
    expect(quarantined).toEqual([
      { source_ref: `身份证号=${ROWS[0]![1]}`, rule_id: 'deep.duplicate', column_name: '身份证号', duplicate_of: `身份证号=${ROWS[0]![1]}` },
      { source_ref: `身份证号=${ROWS[3]![1]}`, rule_id: 'mobile.valid', column_name: '手机号', duplicate_of: null },
    ]);
  });

  it('can be renamed and given pinyin names; the catalogue keeps the headers as labels, through cleansing too', async () => {
    const spec = collectSpec({
      dataset: 'cn-residents-ascii',
      source: { type: 'file', path: csvPath, columns: { 姓名: 'name', 身份证号: 'citizen_id' }, columnNames: 'pinyin' },
      target: { table: 'raw.cn_residents_ascii' },
    });
    await runCollect(env.client, env.config, spec);
    const names = ['name', 'citizen_id', 'xing_bie', 'chu_sheng_ri_qi', 'shou_ji_hao', 'suo_shu_jie_zhen'];
    expect(await columnsOf('raw.cn_residents_ascii')).toEqual(names);
    expect(await catalogued('cn-residents-ascii')).toEqual(names.map((name, i) => ({ name, label: HEADERS[i] })));

    const cleanse = cleanseJobSpecSchema.parse({
      kind: 'cleanse',
      job: 'cn-ascii-cleanse',
      dataset: 'cn-residents-ascii-clean',
      department: 'civil-affairs',
      today: '2026-11-01',
      source: { type: 'table', connection: 'centre', table: 'raw.cn_residents_ascii' },
      target: { table: 'clean.cn_residents_ascii' },
      rules: { columns: { shou_ji_hao: { normalise: ['mobile'], validate: ['mobile.valid'] } } },
    });
    const { handle } = await startJob(env.client, env.config, cleanse, `cleanse:cn-ascii:${Date.now()}`);
    await handle.result();
    expect(await catalogued('cn-residents-ascii-clean')).toEqual(names.map((name, i) => ({ name, label: HEADERS[i] })));
  });
});

describe('SQL through column names', () => {
  it('a header with a quote is refused, saying how to name it instead', async () => {
    const path = join(dir, 'quote.csv');
    writeFileSync(path, 'id,"a""; drop table x; --"\n1,2\n');
    const { handle } = await startCollect(env.client, env.config, collectSpec({ source: { type: 'file', path }, target: { table: 'raw.injection_quote' } }));
    await expectWorkflowFailure(handle, /column 2: the name "a\\"; drop table x; --" contains the quote "; rename it in source\.columns/);
    expect((await env.db.raw("SELECT to_regclass('public.x') AS t")).rows[0].t).toBe('x');
  });

  it('a header that is SQL without a quote is stored as a harmless quoted name', async () => {
    const path = join(dir, 'sql.csv');
    writeFileSync(path, 'id,a; drop table x; --,"b) ; delete from dataops.runs; --"\n1,2,3\n');
    const result = await runCollect(env.client, env.config, collectSpec({ source: { type: 'file', path }, target: { table: 'raw.injection_plain' } }));
    expect(result.publish.rows).toBe(1);
    expect(await columnsOf('raw.injection_plain')).toEqual(['id', 'a; drop table x; --', 'b) ; delete from dataops.runs; --']);
    expect(await env.db('raw.injection_plain').select('*')).toEqual([{ id: 1, 'a; drop table x; --': 2, 'b) ; delete from dataops.runs; --': 3 }]);
    expect((await env.db.raw("SELECT to_regclass('public.x') AS t")).rows[0].t).toBe('x');
    expect(Number((await env.db('dataops.runs').count('* as n'))[0]!.n)).toBeGreaterThan(0);
  });
});

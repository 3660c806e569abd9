import { describe, expect, it } from 'vitest';
import { pinyin } from 'pinyin-pro';
import { asciiName, publishedColumnNames } from '../../../governance/column-names.ts';

const words = (text: string) => pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
import { columnNameProblem } from '../../../schemas/identifiers.ts';

const HEADERS = ['姓名', '身份证号', '性别', '出生日期', '手机号', '所属街镇'];

describe('column names from department headers', () => {
  it('Chinese headers are usable as they are', () => {
    expect(publishedColumnNames(HEADERS, { naming: 'keep' })).toEqual({ names: HEADERS, problems: [] });
  });

  it('ASCII headers are lower-cased as before; spaces and brackets are kept', () => {
    expect(publishedColumnNames(['Resident_ID', '出生日期(年月日)', 'home address'], { naming: 'keep' }).names).toEqual([
      'resident_id',
      '出生日期(年月日)',
      'home address',
    ]);
  });

  it('pinyin names are ASCII identifiers, unique even when two headers sound alike', () => {
    const { names, problems } = publishedColumnNames([...HEADERS, '出生日期(年月日)', 'E-mail', '18位号码', '性 别'], { naming: 'pinyin', words });
    expect(problems).toEqual([]);
    expect(names).toEqual([
      'xing_ming',
      'shen_fen_zheng_hao',
      'xing_bie',
      'chu_sheng_ri_qi',
      'shou_ji_hao',
      'suo_shu_jie_zhen',
      'chu_sheng_ri_qi_nian_yue_ri',
      'e_mail',
      'c_18_wei_hao_ma',
      'xing_bie_2',
    ]);
    for (const name of names) expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it('a rename map wins, for the headers it names; positions for the rest', () => {
    expect(publishedColumnNames(HEADERS, { rename: { 姓名: 'name', 身份证号: 'citizen_id' }, naming: 'position' }).names).toEqual([
      'name',
      'citizen_id',
      'col_3',
      'col_4',
      'col_5',
      'col_6',
    ]);
  });

  it('a rename of a header the file lacks is a problem with a suggestion', () => {
    expect(publishedColumnNames(HEADERS, { rename: { 身份证: 'citizen_id' }, naming: 'keep' }).problems).toEqual([
      'columns: the source has no column "身份证" (did you mean "身份证号"?)',
    ]);
  });

  it('repeated names are refused unless they were derived', () => {
    expect(publishedColumnNames(['ID', 'id'], { naming: 'keep' }).problems[0]).toMatch(/columns 1 and 2 would both be named "id"/);
    expect(publishedColumnNames(['a', 'b'], { rename: { a: 'x', b: 'x' }, naming: 'keep' }).problems).toHaveLength(1);
  });

  it('quotes, control characters, empty and over-long names are refused with the way out', () => {
    const { problems } = publishedColumnNames(['a"; drop table x; --', 'tab\there', '', '很'.repeat(22)], { naming: 'keep' });
    expect(problems).toEqual([
      'column 1: the name "a\\"; drop table x; --" contains the quote "; rename it in source.columns or set source.columnNames: pinyin',
      'column 2: the name "tab\\there" contains the control character U+0009; rename it in source.columns or set source.columnNames: pinyin',
      'column 3: the name "" is empty; rename it in source.columns or set source.columnNames: pinyin',
      `column 4: the name "${'很'.repeat(22)}" is 66 bytes long in UTF-8; PostgreSQL keeps 63 (a Chinese character takes 3); rename it in source.columns or set source.columnNames: pinyin`,
    ]);
    // ... and pinyin turns every one of them into a usable name.
    expect(publishedColumnNames(['a"; drop table x; --', 'tab\there', '', '很'.repeat(22)], { naming: 'pinyin', words }).problems).toEqual([]);
  });

  it('punctuation that SQL would misread is only a strange name once quoted', () => {
    expect(columnNameProblem('a; drop table x; --')).toBeUndefined();
    expect(asciiName('a; drop table x; --', words)).toBe('a_drop_table_x');
  });
});

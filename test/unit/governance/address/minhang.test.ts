import { describe, expect, it } from 'vitest';
import { addressTokens, parseMinhangAddress } from '../../../../governance/address/minhang.ts';
import { buildGazetteer } from '../../../../governance/address/gazetteer.ts';

const CANONICAL = '闵行区七宝镇七莘路1234弄5号301室';

describe('parseMinhangAddress', () => {
  it.each([
    '上海市闵行区七宝镇七莘路1234弄5号301室',
    '上海闵行七宝镇七莘路1234弄5号301室',
    '闵行区七宝七莘路1234弄5号301室',
    '七宝镇七莘路1234弄5号301',
    '七宝 七莘路 1234弄 5号 301室',
    '上海市闵行区七宝镇七莘路１２３４弄５号３０１室',
    '上海市　闵行区　七宝镇　七莘路１２３４弄５號３０１室',
    '七莘路1234弄5号301室',
    '闵行区七莘路一千二百三十四弄五号三零一室',
  ])('%s', (raw) => {
    const p = parseMinhangAddress(raw);
    expect(p.normalised).toBe(CANONICAL);
    expect(p).toMatchObject({ district: '闵行区', town: '七宝镇', road: '七莘路', number: '1234弄5号', detail: '301室' });
  });

  it('infers the town from the road when only the road is given', () => {
    expect(parseMinhangAddress('莘东路88号').town).toBe('莘庄镇');
    expect(parseMinhangAddress('浦星公路二百号').normalised).toBe('闵行区浦江镇浦星公路200号');
    expect(parseMinhangAddress('虹梅南路100号').town).toBe('吴泾镇');
    expect(parseMinhangAddress('虹梅路100号').town).toBe('虹桥镇');
  });

  it('keeps a town the address states, in its official form, whatever alias it used', () => {
    expect(parseMinhangAddress('古美街道平阳路18弄3号').normalised).toBe('闵行区古美路街道平阳路18弄3号');
    expect(parseMinhangAddress('江川街道鹤庆路10号').town).toBe('江川路街道');
    expect(parseMinhangAddress('莘庄沁春路5弄').normalised).toBe('闵行区莘庄镇沁春路5弄');
  });

  it('does not take a road named after a street for the street itself', () => {
    const p = parseMinhangAddress('闵行古美路１号');
    expect(p.road).toBe('古美路');
    expect(p.town).toBe('古美路街道');
    expect(p.normalised).toBe('闵行区古美路街道古美路1号');
    expect(parseMinhangAddress('江川路100号').road).toBe('江川路');
  });

  it('reads buildings, units and rooms (栋, 幢, 号楼, 单元, 室)', () => {
    expect(parseMinhangAddress('上海闵行区江川路街道江川路100号3栋2单元501室').detail).toBe('3栋2单元501室');
    expect(parseMinhangAddress('江川路100号3幢2单元501').detail).toBe('3栋2单元501室');
    expect(parseMinhangAddress('虹梅南路5号楼301室')).toMatchObject({ number: null, detail: '5栋301室' });
    expect(parseMinhangAddress('都市路三号五栋二单元六零二室').normalised).toBe('闵行区颛桥镇都市路3号5栋2单元602室');
  });

  it('roads it does not know still parse; other districts keep their own name and get no Minhang town', () => {
    expect(parseMinhangAddress('上海市闵行区新龙路8号')).toMatchObject({ town: null, road: '新龙路', number: '8号' });
    expect(parseMinhangAddress('上海市徐汇区漕宝路1号')).toMatchObject({ district: '徐汇区', town: null, normalised: '徐汇区漕宝路1号' });
  });

  it('leaves what it cannot read in detail, and never throws', () => {
    expect(parseMinhangAddress('')).toMatchObject({ district: null, normalised: '' });
    expect(parseMinhangAddress('莘庄某小区').normalised).toBe('闵行区莘庄镇某小区');
    expect(parseMinhangAddress('unknown place').detail).toBe('unknownplace');
  });

  it('takes a configured gazetteer instead of the sample list', () => {
    const g = buildGazetteer([{ name: '莘庄工业区', aliases: ['工业区'], roads: ['申富路'] }]);
    expect(parseMinhangAddress('申富路1号', g).normalised).toBe('闵行区莘庄工业区申富路1号');
  });
});

describe('addressTokens', () => {
  it('lists town, road, lane, door, building, unit and room', () => {
    expect(addressTokens(parseMinhangAddress('七宝镇七莘路1234弄5号3栋2单元301室'))).toEqual([
      'town:七宝镇',
      'road:七莘路',
      'lane:1234',
      'no:5',
      'bldg:3',
      'unit:2',
      'room:301',
    ]);
    expect(addressTokens(parseMinhangAddress('七莘路１２３４弄５号３０１'))).toEqual(
      addressTokens(parseMinhangAddress('上海市闵行区七宝镇七莘路1234弄5号301室')),
    );
  });
});

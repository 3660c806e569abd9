// Reference data for Minhang district (area code 310112): its streets and towns, and the short forms people write.

export const MINHANG_STREETS: readonly string[] = [
  '江川路街道',
  '古美路街道',
  '新虹街道',
  '浦锦街道',
  '莘庄镇',
  '七宝镇',
  '颛桥镇',
  '华漕镇',
  '虹桥镇',
  '梅陇镇',
  '吴泾镇',
  '马桥镇',
  '浦江镇',
];

/** The name without its 路街道 / 街道 / 镇 suffix, as it is usually written: 江川路街道 -> 江川, 莘庄镇 -> 莘庄. */
export function shortStreetName(name: string): string {
  return name.replace(/(?:路街道|街道|镇)$/, '');
}

/** Short form -> official name, for the value_map normaliser. */
export const MINHANG_STREET_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(MINHANG_STREETS.map((name) => [shortStreetName(name), name]));

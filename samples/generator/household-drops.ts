import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';

const HEADER = '户号,户主姓名,所属街镇,家庭人数,登记日期';
const STREETS = ['江川路街道', '古美路街道', '新虹街道', '浦锦街道', '莘庄镇', '七宝镇', '颛桥镇'];

function rows(from: number, count: number, day: string): string[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return `H${String(n).padStart(6, '0')},户主${n},${STREETS[n % STREETS.length]},${1 + (n % 5)},${day}`;
  });
}

/**
 * Two daily household extracts in `incoming/` for the sample folder sync
 * (samples/jobs/collect-households-folder.yaml): one UTF-8 with LF line ends, and one as a street
 * office's export tool writes it, GBK with CRLF.
 */
export async function writeHouseholdDrops(outDir: string): Promise<string[]> {
  const folder = join(outDir, 'incoming');
  await mkdir(folder, { recursive: true });
  const first = join(folder, 'households-20261129.csv');
  const second = join(folder, 'households-20261130.csv');
  await writeFile(first, `${[HEADER, ...rows(1, 40, '2026-11-29')].join('\n')}\n`);
  await writeFile(second, iconv.encode(`${[HEADER, ...rows(41, 25, '2026-11-30')].join('\r\n')}\r\n`, 'gbk'));
  return [first, second];
}

// The dictionaries matching needs, loaded once per worker and only by fusion runs: OpenCC's
// traditional → simplified tables and pinyin-pro's readings.
import type { NameTools } from '../../governance/fuse/features.ts';

export interface LoadedNameTools extends NameTools {
  /** Traditional characters to simplified (`陳麗華` → `陈丽华`). */
  simplify(text: string): string;
}

let loaded: Promise<LoadedNameTools> | undefined;

export function nameTools(): Promise<LoadedNameTools> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<LoadedNameTools> {
  const [{ Converter }, { pinyin }] = await Promise.all([import('opencc-js'), import('pinyin-pro')]);
  const toSimplified = Converter({ from: 't', to: 'cn' });
  const simplified = new Map<string, string>();
  const readings = new Map<string, string>();
  return {
    simplify(text) {
      const known = simplified.get(text);
      if (known !== undefined) return known;
      const s = toSimplified(text) ?? text;
      if (simplified.size < 1_000_000) simplified.set(text, s);
      return s;
    },
    // Character by character (surnames read as surnames by pinyin-pro's own `surname` mode would
    // differ between 单 in a surname and elsewhere; matching needs one reading per character, not the right one).
    pinyin(name) {
      let out = '';
      for (const ch of name) {
        if (out) out += ' ';
        let r = readings.get(ch);
        if (r === undefined) {
          r = pinyin(ch, { toneType: 'none', type: 'string', v: true }).toLowerCase();
          readings.set(ch, r);
        }
        out += r;
      }
      return out;
    },
  };
}

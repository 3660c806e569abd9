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

/**
 * Whether a text holds a character some entry of the dictionaries starts with: OpenCC replaces only
 * where an entry matches, so a text without one (nearly every name and address a department keys
 * today) comes back unchanged, and is not worth a walk through the tries.
 */
function convertibleTest(dictionaries: readonly (string | readonly (readonly [string, string])[])[]): (text: string) => boolean {
  const bmp = new Uint8Array(65536);
  const astral = new Set<number>();
  const mark = (key: string) => {
    const cp = key.codePointAt(0);
    if (cp === undefined) return;
    if (cp > 0xffff) astral.add(cp);
    else bmp[cp] = 1;
  };
  for (const dict of dictionaries) {
    if (typeof dict === 'string') for (const entry of dict.split('|')) mark(entry.slice(0, entry.indexOf(' ')));
    else for (const [key] of dict) mark(key);
  }
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        if (astral.has(text.codePointAt(i)!)) return true;
        i++;
      } else if (bmp[c]) return true;
    }
    return false;
  };
}

async function load(): Promise<LoadedNameTools> {
  const [{ Converter, Locale }, { pinyin }] = await Promise.all([import('opencc-js'), import('pinyin-pro')]);
  const toSimplified = Converter({ from: 't', to: 'cn' });
  // The dictionaries that converter applies: normalisation (compatibility ideographs), then phrases and characters.
  const t2s = Locale.configs?.t2s;
  const convertible = t2s ? convertibleTest([...t2s.normalizationChain, ...t2s.conversionChain].flat()) : () => true;
  const simplified = new Map<string, string>();
  const readings = new Map<string, string>();
  return {
    simplify(text) {
      if (!convertible(text)) return text;
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

// Which towns (streets and towns) the district has, what people call them, and which roads lie in each.
// The sample list (samples/generator/minhang.ts) is the default; the real list is configuration.
import { MINHANG_STREETS } from '../../samples/generator/minhang.ts';

export interface TownEntry {
  /** Official name: 七宝镇, 江川路街道. */
  readonly name: string;
  /** Short forms people write: 七宝, 江川. */
  readonly aliases: readonly string[];
  readonly roads: readonly string[];
}

export interface Gazetteer {
  /** Official name and aliases (with 镇/街道 forms) -> official name, longest key first. */
  readonly townKeys: readonly (readonly [string, string])[];
  /** Bare aliases (no 镇/街道): only taken as a town when not followed by 路 (古美路 is a road). */
  readonly bareAliases: ReadonlySet<string>;
  /** Road -> its town; a road listed under two towns maps to null (the address must say which). */
  readonly roadTown: ReadonlyMap<string, string | null>;
  /** Known roads, longest first. */
  readonly roads: readonly string[];
}

export function buildGazetteer(entries: readonly TownEntry[]): Gazetteer {
  const keys = new Map<string, string>();
  const bare = new Set<string>();
  const roadTown = new Map<string, string | null>();
  for (const t of entries) {
    keys.set(t.name, t.name);
    for (const a of t.aliases) {
      keys.set(a, t.name);
      bare.add(a);
      for (const suffix of ['镇', '街道', '路街道']) if (!keys.has(a + suffix)) keys.set(a + suffix, t.name);
    }
    for (const r of t.roads) roadTown.set(r, roadTown.has(r) && roadTown.get(r) !== t.name ? null : t.name);
  }
  return {
    townKeys: [...keys].sort((a, b) => b[0].length - a[0].length),
    bareAliases: bare,
    roadTown,
    roads: [...roadTown.keys()].sort((a, b) => b.length - a.length),
  };
}

export const DEFAULT_GAZETTEER: Gazetteer = buildGazetteer(MINHANG_STREETS.map((s) => ({ name: s.name, aliases: [s.alias], roads: s.roads })));

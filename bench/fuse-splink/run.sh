#!/usr/bin/env bash
# Splink baseline for the fusion benchmark: export the generated sources, link them with Splink N times
# (a fresh process each, for its own peak RSS) and print the median.
# usage: bash bench/fuse-splink/run.sh [--population 100000] [--seed 20261201] [--coverage C] [--runs 3] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
population=100000 seed=20261201 coverage= runs=3 out=
while [ $# -gt 0 ]; do
  case "$1" in
    --population) population=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --coverage) coverage=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out=${out:-${TMPDIR:-/tmp}/fuse-splink-p${population}-s${seed}${coverage:+-c$coverage}}
venv=.tools/splink-venv
if ! "$venv/bin/python" -c 'import splink, duckdb, zhconv' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/fuse-splink/requirements.txt
fi
if [ ! -s "$out/export.json" ]; then
  node --import tsx bench/fuse-splink/export.ts --out "$out" --population "$population" --seed "$seed" ${coverage:+--coverage "$coverage"}
fi
for i in $(seq 1 "$runs"); do
  sweep=; [ "$i" = 1 ] && sweep=--sweep
  "$venv/bin/python" bench/fuse-splink/splink_link.py "$out" $sweep --json "$out/result-$i.json" > /dev/null
  "$venv/bin/python" - "$out/result-$i.json" "$i" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = r["scores"]
print(f"run {sys.argv[2]}: {r['records']} records, {r['linkSeconds']} s ({r['recordsPerSecond']}/s), peak RSS {r['peakRssMb']} MB, "
      f"at {r['threshold']}: P {s['precision']:.4f} R {s['recall']:.4f}  phases {r['phases']}")
if "best" in r:
    b = r["best"]; print(f"  best threshold on the truth: {b['threshold']}: P {b['precision']:.4f} R {b['recall']:.4f} F1 {b['f1']:.4f}")
PY
done
"$venv/bin/python" - "$out" "$runs" <<'PY'
import json, statistics, sys
rs = [json.load(open(f"{sys.argv[1]}/result-{i}.json")) for i in range(1, int(sys.argv[2]) + 1)]
med = lambda k: statistics.median(r[k] for r in rs)
print(json.dumps({"records": rs[0]["records"], "versions": rs[0]["versions"], "medianLinkSeconds": med("linkSeconds"),
                  "medianRecordsPerSecond": round(rs[0]["records"] / med("linkSeconds")), "medianPeakRssMb": med("peakRssMb"),
                  "threshold": rs[0]["threshold"], "scores": rs[0]["scores"], "best": rs[0].get("best")}, indent=2))
PY

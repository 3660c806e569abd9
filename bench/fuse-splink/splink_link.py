"""Links the exported fusion sources with Splink (DuckDB backend) and scores the clusters against the truth.

The baseline for the fusion benchmark: the same generated records, linked the way a careful Splink user
would set it up (light SQL cleaning, blocking on IDs, mobiles and birth dates, u by random sampling, m by
EM, predict, connected components). Timed from reading the CSVs to the clusters at the standard threshold;
the threshold sweep against the truth afterwards is evaluation, not linking, and is not timed.

usage: splink_link.py DIR [--threshold 0.95] [--sweep] [--json OUT] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import time
from importlib.metadata import version

import duckdb
import zhconv

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

SOURCES = ["civil_affairs", "social_insurance", "health"]
DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
FULL_WIDTH = "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ　"
HALF_WIDTH = "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ "
SWEEP = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999, 0.999999]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_and_clean(con: duckdb.DuckDBPyConnection, data_dir: str) -> None:
    """Reads the three CSVs as text and cleans them the way a Splink user would in SQL."""
    for s in SOURCES:
        path = os.path.join(data_dir, f"{s}.csv").replace("'", "''")
        con.execute(f"CREATE TABLE raw_{s} AS SELECT * FROM read_csv('{path}', all_varchar = true, header = true)").complete()
    # Traditional → simplified for names with zhconv, once per distinct name.
    names = con.execute(" UNION ".join(f"SELECT DISTINCT trim(name) AS n FROM raw_{s} WHERE name IS NOT NULL" for s in SOURCES)).fetchall()
    simplified = [(n, zhconv.convert(n, "zh-cn")) for (n,) in names]
    con.execute("CREATE TABLE name_map (raw VARCHAR, simplified VARCHAR)").complete()
    con.executemany("INSERT INTO name_map VALUES (?, ?)", [p for p in simplified if p[0] != p[1]])
    for s in SOURCES:
        con.execute(
            f"""
            CREATE TABLE {s} AS
            WITH t AS (
              SELECT r.unique_id, r.source_dataset, r.record_id,
                     coalesce(m.simplified, nullif(trim(r.name), '')) AS name,
                     upper(trim(r.citizen_id)) AS id_raw,
                     regexp_replace(coalesce(r.mobile, ''), '[^0-9]', '', 'g') AS mobile_digits,
                     trim(r.birth_date) AS dob_raw,
                     trim(r.gender) AS gender_raw,
                     translate(trim(r.address), '{FULL_WIDTH}', '{HALF_WIDTH}') AS address_hw
              FROM raw_{s} r LEFT JOIN name_map m ON m.raw = trim(r.name)
            )
            SELECT unique_id, source_dataset, record_id, name,
                   left(name, 1) AS surname,
                   CASE WHEN regexp_full_match(id_raw, '[0-9]{{17}}[0-9X]') THEN id_raw END AS citizen_id,
                   CASE WHEN regexp_full_match(id_raw, '[0-9]{{17}}[0-9X]') THEN left(id_raw, 17) END AS id17,
                   nullif(CASE WHEN length(mobile_digits) = 13 AND starts_with(mobile_digits, '86')
                               THEN substr(mobile_digits, 3) ELSE mobile_digits END, '') AS mobile,
                   strftime(coalesce({", ".join(f"try_strptime(dob_raw, '{f}')" for f in DATE_FORMATS)}), '%Y-%m-%d') AS birth_date,
                   CASE WHEN gender_raw IN ('男', '1', 'M', 'm') THEN 'M'
                        WHEN gender_raw IN ('女', '2', 'F', 'f') THEN 'F' END AS gender,
                   nullif(regexp_replace(address_hw, '^(上海市)?(闵行区)?', ''), '') AS address,
                   nullif(array_to_string(regexp_extract_all(address_hw, '[0-9]+'), '-'), '') AS address_numbers
            FROM t
            """
        ).complete()
        con.execute(f"DROP TABLE raw_{s}").complete()


def settings(debug: bool = False) -> SettingsCreator:
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True),
            cll.LevenshteinLevel("name", 1),
            cll.JaroWinklerLevel("name", 0.8),
            cll.ElseLevel(),
        ],
    )
    citizen_id = cl.CustomComparison(
        output_column_name="citizen_id",
        comparison_levels=[
            cll.NullLevel("citizen_id"),
            cll.ExactMatchLevel("citizen_id"),
            cll.ExactMatchLevel("id17").configure(label_for_charts="First 17 characters equal (check character differs)"),
            cll.ElseLevel(),
        ],
    )
    # Term frequencies on mobile and address: a household landline or a parent's mobile is written down for
    # several people, and a household shares its address; a frequent value is weaker evidence.
    mobile = cl.CustomComparison(
        output_column_name="mobile",
        comparison_levels=[
            cll.NullLevel("mobile"),
            cll.ExactMatchLevel("mobile", term_frequency_adjustments=True),
            cll.DamerauLevenshteinLevel("mobile", 1),
            cll.ElseLevel(),
        ],
    )
    # Exact, one typo or transposition, else. DateOfBirthComparison's "within a month / year / ten years"
    # levels rewarded spouses and siblings, who share an address and a phone.
    birth_date = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.ExactMatchLevel("address_numbers", term_frequency_adjustments=True).configure(
                label_for_charts="Same house and room numbers"
            ),
            cll.JaroWinklerLevel("address", 0.9),
            cll.JaroWinklerLevel("address", 0.75),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_dataset",
        comparisons=[
            name,
            citizen_id,
            mobile,
            birth_date,
            cl.ExactMatch("gender"),
            address,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("citizen_id"),
            block_on("id17"),
            block_on("mobile"),
            block_on("birth_date", "name"),
            block_on("birth_date", "surname"),
            block_on("birth_date", "address_numbers"),
        ],
        retain_matching_columns=debug,
        retain_intermediate_calculation_columns=debug,
    )


def score(con: duckdb.DuckDBPyConnection, clusters: str) -> dict:
    """Pairwise precision and recall by pair counting, as samples/generator/linkage-truth.ts does."""
    row = con.execute(
        f"""
        WITH j AS (SELECT t.person_key, c.cluster_id FROM truth t LEFT JOIN {clusters} c USING (unique_id)),
        p AS (SELECT sum(n * (n - 1) / 2) AS v FROM (SELECT count(*) AS n FROM j GROUP BY person_key)),
        c AS (SELECT sum(n * (n - 1) / 2) AS v FROM (SELECT count(*) AS n FROM j WHERE cluster_id IS NOT NULL GROUP BY cluster_id)),
        b AS (SELECT sum(n * (n - 1) / 2) AS v FROM (SELECT count(*) AS n FROM j WHERE cluster_id IS NOT NULL GROUP BY cluster_id, person_key)),
        stray AS (SELECT count(*) AS v FROM {clusters} c ANTI JOIN truth t USING (unique_id))
        SELECT p.v, c.v, b.v, stray.v FROM p, c, b, stray
        """
    ).fetchall()[0]
    true_pairs, predicted_pairs, correct_pairs, stray = (int(x or 0) for x in row)
    if stray:
        raise RuntimeError(f"{stray} clustered records are not in the truth")
    precision = 1.0 if predicted_pairs == 0 else correct_pairs / predicted_pairs
    recall = 1.0 if true_pairs == 0 else correct_pairs / true_pairs
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "truePairs": true_pairs,
        "predictedPairs": predicted_pairs,
        "correctPairs": correct_pairs,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threshold", type=float, default=0.95, help="match probability for the timed clustering")
    ap.add_argument("--sweep", action="store_true", help="also cluster at several thresholds and score each (not timed)")
    ap.add_argument("--json", help="write the result here")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--u-pairs", type=float, default=1e7, help="max_pairs for u by random sampling")
    args = ap.parse_args()

    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}").complete()
    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    mark = t0

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 2)
        mark = now

    load_and_clean(con, args.dir)
    records = sum(con.execute(f"SELECT count(*) FROM {s}").fetchall()[0][0] for s in SOURCES)
    lap("load_clean")

    db_api = DuckDBAPI(connection=con)
    tables = [db_api.register(s, dataset_display_name=s) for s in SOURCES]
    linker = Linker(tables, settings(), log_level=None)
    # Prior: exact citizen ID matches are near-certain; about 2/3 of true pairs share a valid ID (15% missing, 3% bad check per record).
    linker.training.estimate_probability_two_random_records_match([block_on("citizen_id")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=1)
    lap("train_u")
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("citizen_id"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name", "birth_date"))
    lap("train_m_em")
    predictions = linker.inference.predict(threshold_match_probability=min(0.5, args.threshold))
    edges = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
    lap("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=args.threshold)
    con.execute(f"CREATE TABLE clusters AS SELECT unique_id, cluster_id FROM {clusters.physical_name}").complete()
    lap("cluster")
    link_seconds = time.perf_counter() - t0
    rss = peak_rss_mb()

    truth_path = os.path.join(args.dir, "truth.csv").replace("'", "''")
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_csv('{truth_path}', all_varchar = true, header = true)").complete()
    result = {
        "versions": {"splink": version("splink"), "duckdb": duckdb.__version__, "zhconv": version("zhconv"), "python": sys.version.split()[0]},
        "records": records,
        "threads": con.execute("SELECT current_setting('threads')").fetchall()[0][0],
        "linkSeconds": round(link_seconds, 2),
        "recordsPerSecond": round(records / link_seconds),
        "peakRssMb": round(rss),
        "phases": phases,
        "edgesAbove": {"threshold": min(0.5, args.threshold), "edges": edges},
        "threshold": args.threshold,
        "scores": score(con, "clusters"),
        "lambda": linker._settings_obj._probability_two_random_records_match,
    }
    if args.sweep:
        sweep = []
        for th in sorted(set(SWEEP) | {args.threshold}):
            if th < min(0.5, args.threshold):
                continue
            c = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=th)
            sweep.append({"threshold": th, **score(con, c.physical_name)})
            c.drop_table_from_database_and_remove_from_cache()
        result["sweep"] = sweep
        result["best"] = max(sweep, key=lambda r: r["f1"])
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()

"""Threads (issue 12): each linking rule on pairs that must link and look-alikes that must not,
each outcome rule, stable ids, the threads table, the `--outcome` filter and `geo track`."""

from __future__ import annotations

import json
from itertools import count

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from atlas.settings import settings
from geo import __main__ as cli
from geo.filters import FilterError, Filters, apply_filters, validate
from geo.io import export, read
from geo.pipeline import build
from geo.schema import ITEM_COLUMNS, OUTCOMES, THREAD_COLUMNS
from geo.threads.links import (
    candidate_links,
    link_threads,
    name_key,
    publication_order,
    thread_table,
    timeline,
)
from tests.worlds import atlas as fakes

#: Test reports, published in this order (file names carry the dates, as in data/raw).
D1, D2, D3, D4 = ("2022-01-11_a.txt", "2024-01-17_b.txt", "2025-02-17_c.txt", "2026-01-14_d.txt")
_positions = count(0, 100)


def item(name: str, doc: str = D1, **fields: object) -> dict:
    """One item row; by default its own sentence (quote) in `doc`, a plan, unlocated."""
    start = int(fields.pop("start", next(_positions)))  # type: ignore[call-overload]
    quote = str(fields.pop("quote", f"推进{name}建设。"))
    row = {
        "id": f"{doc[:4]}-{start}-{name}",
        "name": name,
        "kind": "project",
        "category": "other",
        "year": int(doc[:4]) if doc[:4].isdigit() else 2022,
        "period": "plan",
        "status": "ongoing",
        "location": name,
        "quote": quote,
        "doc": doc,
        "doc_title": doc,
        "start": start,
        "end": start + len(quote),
        "precision": None,
        "method": "unlocated",
        "geometry": None,
    }
    row.update(fields)
    return row


def frame(*rows: dict) -> gpd.GeoDataFrame:
    df = pd.DataFrame(list(rows))
    return gpd.GeoDataFrame(
        df, geometry=gpd.GeoSeries(df["geometry"], crs=settings.crs), crs=settings.crs
    )


def threads_of(*rows: dict) -> dict[str, str]:
    """name@doc → thread id."""
    linked = link_threads(frame(*rows))
    rows_ = linked[["name", "doc", "thread"]].itertuples(index=False)
    return {f"{n}@{d}": t for n, d, t in rows_}


def linked(*rows: dict) -> bool:
    """Whether all the rows end up in one thread."""
    return len(set(threads_of(*rows).values())) == 1


# --------------------------------------------------------------------------- normalisation


def test_name_key_folds_brackets_quotes_prefixes_and_project_words():
    assert name_key("张园（西区）") == name_key("张园西区") == "张园西区"
    assert name_key("闸北实验小学（明德）校区") == name_key("闸北实验小学明德校区")
    assert name_key("静安老年健康中心") == name_key("老年健康中心")
    assert name_key("区全民健身中心") == name_key("全民健身中心综合改造")
    assert name_key("区域医疗中心") == "区域医疗中心"  # 区域 is not the district prefix 区
    assert name_key("静安公园") == "静安公园"  # too little left without the prefix
    assert name_key("北横通道二期") == "北横通道二期"  # phases are kept
    assert name_key("南京西路“离境退税示范创建街区”") == name_key("南京西路离境退税示范街区")


# --------------------------------------------------------------------------- links to make


def test_same_name_links_mentions_across_reports():
    rows = [
        item("彭一小区", D1, period="multi-year", status="started", year=2021),
        item("彭一小区", D2, period="review", year=2023),
        item("彭一小区", D3),
        item("彭一小区", D4, period="review", status="completed", year=2025),
    ]
    assert linked(*rows)


def test_same_name_after_normalisation():
    assert linked(item("张园西区", D1), item("张园（西区）", D2, period="review"))
    assert linked(item("老年健康中心", D1), item("静安老年健康中心", D3))
    assert linked(item("全民健身中心", D1), item("区全民健身中心", D3))
    assert linked(item("华兴新城养护院", D1), item("华兴新城养老院", D2, period="review"))


def test_same_name_links_across_area_kinds_but_not_a_road():
    assert linked(item("走马塘区域", D2), item("走马塘区域", D3, kind="zone"))
    assert not linked(item("南京西路", D1, kind="road"), item("南京西路", D4, kind="zone"))


def test_same_gazetteer_feature_links_different_names():
    spot = Point(121.45, 31.27)
    old = item("上海医药工业研究院", D3, kind="park", method="exact", precision=1, geometry=spot)
    new = item("中国医药工业研究总院", D4, kind="park", method="alias", precision=1, geometry=spot)
    assert linked(old, new)
    links = candidate_links(frame(old, new))
    assert links.loc[links["linked"], "rule"].tolist() == ["same_feature"]


def test_same_feature_from_the_matched_column_when_present():
    a = item("甲馆", D1, method="alias", precision=1, geometry=Point(0, 0), matched="某馆")
    b = item("乙馆", D2, method="exact", precision=1, geometry=Point(1, 1), matched="某馆")
    assert linked(a, b)


def test_same_feature_needs_the_item_placed_by_its_own_name():
    road = Point(121.46, 31.23)
    a = item("南京西路“千亿商圈”", D2, kind="zone", location="南京西路", method="exact")
    b = item("南京西路“离境退税示范创建街区”", D4, kind="zone", location="南京西路")
    for row in (a, b):
        row.update(method="exact", precision=1, geometry=road)
    assert not linked(a, b)


def test_same_address_links_a_parcel_named_by_its_number():
    a = item("共和新路3550号", D2, period="review", status="completed")
    b = item("3550号地块", D3, location="共和新路3550号", status="started")
    assert linked(a, b)
    links = candidate_links(frame(a, b))
    assert links.loc[links["linked"], "rule"].tolist() == ["same_address"]


def test_name_containing_the_other_plus_the_same_location():
    rows = [
        item("愚园路", D1, kind="beautiful_block"),
        item("愚园路街区", D3, kind="beautiful_block"),
        item("愚园路片区", D4, kind="beautiful_block", period="review"),
    ]
    assert linked(*rows)
    assert linked(item("巨富长", D2, kind="zone"), item("巨富长片区", D3, kind="beautiful_block"))
    assert linked(item("大徐家阁地区", D2, kind="zone"), item("大徐家阁", D3, kind="zone"))
    assert linked(item("自仪厂地块", D2), item("自仪厂", D3))


def test_enumeration_context_links_near_identical_names():
    q3 = "继续推进苏河湾、万荣国际影视园区建设。"
    q4 = "推进苏河湾、万荣国际影视产业园区建设。"
    rows = [
        item("苏河湾", D3, kind="zone", quote=q3, start=10),
        item("万荣国际影视园区", D3, kind="zone", quote=q3, start=10),
        item("苏河湾", D4, kind="zone", quote=q4, start=20),
        item("万荣国际影视产业园区", D4, kind="zone", quote=q4, start=20),
    ]
    assert linked(rows[1], rows[3], rows[0], rows[2]) is False  # two threads, not one
    ids = threads_of(*rows)
    assert ids[f"万荣国际影视园区@{D3}"] == ids[f"万荣国际影视产业园区@{D4}"]
    assert ids[f"苏河湾@{D3}"] == ids[f"苏河湾@{D4}"]
    rule = candidate_links(frame(*rows)).set_index("name_b").loc["万荣国际影视产业园区", "rule"]
    assert rule == "enumeration_context"


def test_near_identical_names_without_shared_context_stay_candidates():
    a = item("万荣国际影视园区", D3, kind="zone")
    b = item("万荣国际影视产业园区", D4, kind="zone")
    assert not linked(a, b)
    links = candidate_links(frame(a, b))
    assert not links["linked"].any() and links["score"].iloc[0] >= 0.8


# --------------------------------------------------------------------------- look-alikes kept apart


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("南京西路东段", "南京西路西段"),
        ("张园西区", "张园（东区）"),
        ("张园", "张园西区"),
        ("彭三小区（四期）", "彭三小区（五期）"),
        ("铁路公园南区", "铁路公园北区"),
        ("北横通道（静安段）", "北横通道二期"),
        ("共和新路3550号", "共和新路3200号"),
        ("汶水路8号", "汶水路801号冠松汽车地块"),
    ],
)
def test_sections_phases_and_numbers_stay_apart(a, b):
    assert not linked(item(a, D1), item(b, D2))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("彭一小区", "彭一小区养老院"),
        ("华兴新城", "华兴新城养老院"),
        ("张园", "张园专用型保税仓"),
        ("汶水路400号", "汶水路400号幼儿园"),
        ("苏河湾地区", "苏河湾地区完全中学"),
    ],
)
def test_different_facilities_on_one_site_stay_apart(a, b):
    assert not linked(item(a, D1), item(b, D2))


def test_road_zone_on_it_and_block_on_it_are_different_threads():
    rows = [
        item("南京西路", D1, kind="road"),
        item("南京西路商圈", D2, kind="zone"),
        item("南京西路离境退税示范街区", D3, kind="beautiful_block"),
        item("巨鹿路", D2, kind="project"),
        item("巨鹿路街区", D3, kind="beautiful_block"),
    ]
    assert len(set(threads_of(*rows).values())) == len(rows)


def test_tanks_and_schools_sharing_a_road_name_stay_apart():
    rows = [
        item("志丹系统提标调蓄池", D3),
        item("彭浦西初雨调蓄池", D4, period="review"),
        item("永兴路第二小学", D3),
        item("永兴路第一小学", D4),
    ]
    assert len(set(threads_of(*rows).values())) == len(rows)


def test_same_phase_of_one_place_feature_is_not_the_place():
    spot = Point(121.45, 31.22)
    a = item("恒隆广场", D2, method="alias", precision=1, geometry=spot)
    b = item("恒隆广场三期", D4, method="alias", precision=1, geometry=spot)
    assert not linked(a, b)


def test_members_of_one_enumeration_never_share_a_thread_whatever_the_chain():
    q = "推进南京西路功能区和南京西路建设。"
    rows = [
        item("南京西路功能区", D1, kind="zone"),
        item("南京西路", D2, kind="zone"),
        item("南京西路功能区", D3, kind="zone", quote=q, start=5),
        item("南京西路", D3, kind="zone", quote=q, start=5),
    ]
    ids = link_threads(frame(*rows))["thread"].tolist()
    assert ids[2] != ids[3]


def test_different_subdistricts_stay_apart():
    a = item("市民健身中心", D1, subdistrict="西街道", precision=2)
    b = item("市民健身中心", D2, subdistrict="东街道", precision=1)
    assert not linked(a, b)
    b["precision"] = 5  # an estimate (a zone, an open 四至) does not tell them apart
    assert linked(a, b)


# --------------------------------------------------------------------------- outcomes


def outcomes(*rows: dict) -> list:
    return link_threads(frame(*rows))["outcome"].tolist()


def test_delivered_when_a_later_review_says_completed():
    got = outcomes(item("X园", D1), item("X园", D2, period="review", status="completed"))
    assert got == ["delivered", None]


def test_in_progress_when_a_later_review_says_started_or_ongoing():
    assert outcomes(item("X园", D1), item("X园", D2, period="review", status="started"))[0] == (
        "in_progress"
    )
    multi = item("X园", D4, period="multi-year", status="ongoing", year=2025)
    assert outcomes(item("X园", D1), multi)[0] == "in_progress"


def test_a_later_review_that_only_reports_on_it_is_in_progress():
    got = outcomes(item("X区", D1), item("X区", D2, period="review", status="mentioned"))
    assert got[0] == "in_progress"


def test_replanned_when_later_mentions_are_plans_only():
    got = outcomes(item("X园", D1), item("X园", D2), item("X园", D3, status="completed"))
    assert got == ["replanned", "replanned", "no_later_mention"]


def test_no_later_mention_and_same_report_reviews_do_not_count():
    review = item("X园", D2, period="review", status="completed", year=2023)
    assert outcomes(item("X园", D2, year=2024), review)[0] == "no_later_mention"


def test_non_plans_get_no_outcome_and_planned_status_makes_a_plan():
    rows = [
        item("X园", D1, period="review", status="completed"),
        item("Y园", D1, period="review", status="planned"),
        item("Y园", D2, period="review", status="completed"),
    ]
    assert outcomes(*rows) == [None, "delivered", None]


def test_publication_order_is_the_report_date_not_the_file_order():
    rows = [
        item("X园", "b.txt", year=2022),
        item("X园", "a.txt", period="review", status="completed", year=2023),
    ]
    later = link_threads(frame(*rows), published={"b.txt": "2022-01-11", "a.txt": "2024-01"})
    earlier = link_threads(frame(*rows), published={"b.txt": "2025-02-17", "a.txt": "2024-01"})
    assert later["outcome"].tolist() == ["delivered", None]
    assert earlier["outcome"].tolist() == ["no_later_mention", None]
    order = publication_order(["2025_x.txt", "2025-02-17_y.txt", "2024-01-17_z.txt", "nodate"])
    assert sorted(order, key=order.get) == [
        "2024-01-17_z.txt",
        "2025_x.txt",
        "2025-02-17_y.txt",
        "nodate",
    ]


# --------------------------------------------------------------------------- ids and table


def story() -> list[dict]:
    return [
        item("彭一小区", D1, period="multi-year", status="started", year=2021),
        item("彭一小区", D1, status="ongoing"),
        item("彭一小区养老院", D2, period="review"),
        item("彭一小区", D2, period="review", status="ongoing", year=2023),
        item("彭一小区", D4, period="review", status="completed", year=2025),
        item("X园", D3, kind="park", precision=5, method="area:zone", geometry=Point(0, 0)),
        item("X园", D4, kind="park", precision=1, method="exact", geometry=Point(1, 1)),
    ]


def test_thread_ids_are_stable_across_row_order_and_unrelated_items():
    rows = story()
    base = link_threads(frame(*rows)).set_index("id")["thread"]
    shuffled = link_threads(frame(*reversed(rows))).set_index("id")["thread"]
    more = link_threads(frame(*rows, item("Z馆", D2))).set_index("id")["thread"]
    assert base.to_dict() == shuffled.to_dict() == more.drop(more.index[-1]).to_dict()
    assert base.nunique() == 3 and all(t.startswith("T") for t in base)


def test_thread_table_one_row_per_thread():
    items = link_threads(frame(*story()))
    table = thread_table(items)
    assert list(table.columns) == list(THREAD_COLUMNS) and table.crs == settings.crs
    assert len(table) == items["thread"].nunique()
    row = table.set_index("label").loc["彭一小区"]
    assert (row["mentions"], row["reports"]) == (4, 3)
    assert (row["first_year"], row["last_year"]) == (2021, 2025)
    assert row["latest_status"] == "completed" and row["outcome"] == "delivered"
    near = json.loads(row["candidates"])
    assert [c["label"] for c in near] == ["彭一小区养老院"]
    park = table.set_index("label").loc["X园"]
    assert park.geometry.equals(Point(1, 1))  # the best-placed member (precision 1)


def test_timeline_is_in_publication_order():
    items = link_threads(frame(*reversed(story())))
    thread = items.loc[items["name"] == "彭一小区", "thread"].iloc[0]
    assert timeline(items, thread)["year"].tolist() == [2021, 2022, 2023, 2025]


def test_empty_items():
    empty = frame(item("X", D1)).iloc[:0]
    out = link_threads(empty)
    assert "thread" in out.columns and len(thread_table(out)) == 0


def test_linking_does_not_change_the_input_or_its_order():
    rows = frame(*story())
    before = rows.copy()
    out = link_threads(rows)
    pd.testing.assert_frame_equal(rows, before)
    assert out["id"].tolist() == rows["id"].tolist()


# --------------------------------------------------------------------------- filter, export, CLI


def test_outcome_filter_and_its_valid_values():
    items = link_threads(frame(*story()))
    chosen = apply_filters(items, Filters(outcome=("delivered",)))
    assert set(chosen["name"]) == {"彭一小区"} and set(chosen["period"]) == {"plan"}
    with pytest.raises(FilterError, match=r"valid values: .*delivered.*no_later_mention"):
        validate(items, Filters(outcome=("done",)), {"outcome": list(OUTCOMES)})


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    path = tmp_path_factory.mktemp("threads") / "atlas.gpkg"
    gaz = fakes.gazetteer()
    items = link_threads(frame(*story()))
    layers = {
        "items": items.reindex(columns=list(ITEM_COLUMNS)),
        "subdistricts": gaz["subdistricts"],
        "zones": gaz["zones"],
        "district": gaz["district"],
        "threads": thread_table(items),
    }
    build.write_atlas(layers, path)
    return path


def test_exports_carry_thread_and_outcome(atlas, tmp_path):
    items = read.read_items(atlas)
    assert items["thread"].notna().all()
    features = json.loads(export.to_geojson(items))["features"]
    assert all({"thread", "outcome"} <= set(f["properties"]) for f in features)
    header = export.to_csv(items).splitlines()[0].split(",")
    assert header.index("outcome") == header.index("thread") + 1
    gpkg = tmp_path / "sel.gpkg"
    argv = ["export", "-o", str(gpkg), "--atlas", str(atlas), "--outcome", "delivered"]
    assert cli.main(argv) == 0
    assert set(gpd.read_file(gpkg)["outcome"]) == {"delivered"}


def test_export_bad_outcome_lists_valid_values(atlas, tmp_path, capsys):
    code = cli.main(["export", "-o", str(tmp_path / "x.csv"), "--atlas", str(atlas),
                     "--outcome", "done"])  # fmt: skip
    assert code == 2
    assert "valid values: delivered, in_progress, no_later_mention, replanned" in (
        capsys.readouterr().err
    )


def test_track_prints_a_timeline(atlas, capsys):
    assert cli.main(["track", "--atlas", str(atlas), "--name", "彭一"]) == 0
    out = capsys.readouterr().out
    assert "彭一小区养老院" in out  # both threads whose names match
    block = out.split("\n\n")[0]
    lines = block.splitlines()
    assert "4 mentions in 3 reports" in lines[0] and "outcome delivered" in lines[0]
    assert [line.split("\t")[0].strip() for line in lines[1:]] == ["2021", "2022", "2023", "2025"]
    assert lines[2].split("\t")[2:4] == ["plan", "ongoing → delivered"]
    thread = lines[0].split()[0]
    assert cli.main(["track", "--atlas", str(atlas), "--thread", thread]) == 0
    assert capsys.readouterr().out.strip() == block.strip()


def test_track_lists_multi_report_threads_and_rejects_unknown_ids(atlas, capsys):
    assert cli.main(["track", "--atlas", str(atlas)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in listed] == ["彭一小区", "X园"]
    from atlas.cli import run

    assert run(cli.main, ["track", "--atlas", str(atlas), "--thread", "T0"]) == 2
    assert "no thread 'T0'" in capsys.readouterr().err


def test_an_atlas_built_before_threads_is_linked_on_reading(tmp_path):
    gaz = fakes.gazetteer()
    old = frame(*story()).reindex(
        columns=[c for c in ITEM_COLUMNS if c not in ("thread", "outcome")]
    )
    path = tmp_path / "old.gpkg"
    export.write_gpkg_layers(
        {"items": gpd.GeoDataFrame(old, crs=settings.crs), "district": gaz["district"],
         "subdistricts": gaz["subdistricts"], "zones": gaz["zones"]},
        path,
    )  # fmt: skip
    layers = read.read_atlas(path)
    assert layers["items"]["thread"].nunique() == 3
    assert set(layers["threads"]["label"]) == {"彭一小区", "彭一小区养老院", "X园"}

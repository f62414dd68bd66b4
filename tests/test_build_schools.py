"""School outcomes 2024-25 by town: sample values from PROVENANCE.md section 3a, the town rule, errors."""

from __future__ import annotations

import copy
import csv
import math

import pandas as pd
import pytest

from oca_dash.build import schools
from oca_dash.build.raw import Raw, RawDataError
from oca_dash.indicators import INDICATORS

IDS = list(schools.MEASURES)


@pytest.fixture(scope="module")
def part(raw, geo):
    return schools.load(raw, geo)


def town_val(part, geo, town, indicator):
    v = part.values
    row = v[(v["geo_id"] == geo.town_id(town)) & (v["indicator"] == indicator)]
    assert len(row) == 1
    return row.iloc[0]


def raw_rows(raw, rel, skip):
    """The raw CSV rows after ``skip`` title lines, read without the module under test."""
    with open(raw.path(rel), newline="", encoding="utf-8-sig") as f:
        return [r for r in list(csv.reader(f))[skip:] if r]


def sbac_raw(raw):
    """district -> subject -> (scored tests, % met or exceeded), straight from the file."""
    out, name = {}, None
    for r in raw_rows(raw, schools.SBAC, 5):
        name = r[0] or name
        out.setdefault(name, {})[r[2]] = (r[6], r[16])
    return out


@pytest.mark.parametrize("town,value", [("Hartford", 59.0), ("New Haven", 59.4), ("Darien", 87.2), ("Wilton", 87.8),
                                        ("Bridgeport", 59.0), ("Weston", 87.1)])
def test_accountability_sample_values(part, geo, town, value):
    assert round(town_val(part, geo, town, "school_accountability_index")["estimate"], 1) == value


@pytest.mark.parametrize("town,ela,math_", [("Hartford", 0.199, 0.187), ("Darien", 0.835, 0.829),
                                            ("New Britain", 0.170, 0.143), ("New Canaan", 0.876, 0.878)])
def test_sbac_sample_values(part, geo, town, ela, math_):
    assert town_val(part, geo, town, "sbac_ela_met")["estimate"] == pytest.approx(ela, abs=1e-9)
    assert town_val(part, geo, town, "sbac_math_met")["estimate"] == pytest.approx(math_, abs=1e-9)


@pytest.mark.parametrize("town,rate", [("Hartford", 0.853), ("Weston", 0.995), ("New Canaan", 0.991),
                                       ("New Haven", 0.799), ("New Britain", 0.726)])
def test_grad_sample_values(part, geo, town, rate):
    assert town_val(part, geo, town, "grad_rate_4yr")["estimate"] == pytest.approx(rate, abs=1e-9)


def test_region8_member_recomputed_from_raw_rows(raw, part, geo):
    """Andover: K-6 local + Region 8 (RHAM) 7-12, weights over all three member towns."""
    locals_ = ["Andover School District", "Hebron School District", "Marlborough School District"]
    rsd = "Regional School District 08"
    sb = sbac_raw(raw)
    for subj, ind in (("ELA", "sbac_ela_met"), ("Math", "sbac_math_met")):
        t_loc = sum(float(sb[d][subj][0]) for d in locals_)
        w = t_loc / (t_loc + float(sb[rsd][subj][0]))
        want = (w * float(sb["Andover School District"][subj][1]) + (1 - w) * float(sb[rsd][subj][1])) / 100
        assert town_val(part, geo, "Andover", ind)["estimate"] == pytest.approx(want, abs=1e-12)
        assert 0.6 < w < 0.75  # grades 3-6 vs 7-8: about two thirds of testers are in the local districts

    enr = {r[0]: r[8] for r in raw_rows(raw, schools.ENROLL, 6)}
    enr = {k: float(enr[k]) for k in locals_ + [rsd]}
    acc = {r[0]: float(r[5]) for r in raw_rows(raw, schools.ACC, 1)}
    e_loc = sum(enr[d] for d in locals_)
    w = e_loc / (e_loc + enr[rsd])
    want = w * acc["Andover School District"] + (1 - w) * acc[rsd]
    assert town_val(part, geo, "Andover", "school_accountability_index")["estimate"] == pytest.approx(want, abs=1e-9)

    grad = {r[0]: r[4] for r in raw_rows(raw, schools.GRAD, 1)}
    assert town_val(part, geo, "Andover", "grad_rate_4yr")["estimate"] == pytest.approx(float(grad[rsd]) / 100)

    tv = part.tables["school_town_values"]
    ela = tv[(tv["town"] == "Andover") & (tv["indicator"] == "sbac_ela_met")]
    assert sorted(ela["district"]) == ["Andover School District", rsd]
    assert ela["weight"].sum() == pytest.approx(1.0)


def test_other_rule_branches(raw, part, geo):
    sb = sbac_raw(raw)
    # 9-12 region: the local K-8 district covers all tested grades
    assert town_val(part, geo, "Easton", "sbac_ela_met")["estimate"] == pytest.approx(
        float(sb["Easton School District"]["ELA"][1]) / 100)
    # no district of its own: the regional district's value
    assert town_val(part, geo, "Burlington", "sbac_math_met")["estimate"] == pytest.approx(
        float(sb["Regional School District 10"]["Math"][1]) / 100)
    assert town_val(part, geo, "Litchfield", "grad_rate_4yr")["estimate"] == pytest.approx(0.930)  # RSD 20
    # one designated high school: Winchester -> The Gilbert School (96.5 %)
    assert town_val(part, geo, "Winchester", "grad_rate_4yr")["estimate"] == pytest.approx(0.965)
    # several designated high schools: missing, naming them
    r = town_val(part, geo, "Norwich", "grad_rate_4yr")
    assert math.isnan(r["estimate"]) and "Norwich Free Academy District" in r["missing_reason"]
    # a suppressed component: Union's ELA
    r = town_val(part, geo, "Union", "sbac_ela_met")
    assert math.isnan(r["estimate"]) and r["missing_reason"].startswith("suppressed by CSDE")


def test_every_town_has_value_or_reason(part, geo):
    v = part.values
    assert list(v.columns) == ["geo_type", "geo_id", "indicator", "estimate", "moe", "missing_reason"]
    assert set(v["geo_type"]) == {"town"}  # the files have no state row
    for ind in IDS:
        x = v[v["indicator"] == ind]
        assert len(x) == 169 and set(x["geo_id"]) == set(geo.towns["town_id"])
        assert (x["estimate"].notna() | x["missing_reason"].fillna("").str.len().gt(0)).all()
        assert x["missing_reason"][x["estimate"].notna()].isna().all()
        assert x["estimate"].notna().sum() >= 150
    shares = v[v["indicator"] != "school_accountability_index"]["estimate"].dropna()
    assert shares.between(0, 1).all()


def test_tables(part, geo):
    dt = part.tables["school_district_towns"]
    assert set(dt["town_id"]) == set(geo.towns["town_id"])
    assert (dt["role"] == "K-12 regional member").sum() == 21  # the 20 towns with no district, plus Litchfield
    assert set(dt.loc[dt["town"] == "Hebron", "role"]) == {"K-6 local", "7-12 regional"}
    assert set(dt.loc[dt["town"] == "Redding", "role"]) == {"K-8 local", "9-12 regional"}
    d = part.tables["school_districts"]
    assert len(d) == 199 and d["district_code"].is_unique
    assert d.set_index("district")["district_type"]["Regional School District 08"] == "regional"
    assert d.set_index("district")["district_code"]["Hartford School District"] == "0640011"
    tv = part.tables["school_town_values"]
    assert set(tv.groupby("indicator")["town_id"].nunique()) == {169}
    assert tv.groupby(["town_id", "indicator"])["weight"].sum().between(0, 1 + 1e-9).all()


def test_registry_entries():
    for ind in IDS:
        i = INDICATORS[ind]
        assert (i.domain, i.vintage, i.has_moe, i.higher_is_better, i.opportunity_domain) == (
            "schools", "2024-25", False, True, "education")
        assert "Town rule" in i.notes
    assert INDICATORS["school_accountability_index"].unit == "score"
    assert {INDICATORS[x].unit for x in IDS[1:]} == {"share"}


def test_deterministic(raw, geo, part):
    again = schools.load(raw, geo)
    pd.testing.assert_frame_equal(again.values, part.values)
    for k in part.tables:
        pd.testing.assert_frame_equal(again.tables[k], part.tables[k])


def test_tract_crosswalk_disagreement_raises(raw, geo):
    g = copy.deepcopy(geo)
    g.tracts.loc[g.tracts["town"] == "Andover", "school_district_name"] = "Region 9"
    with pytest.raises(RawDataError, match="2022tractcrosswalk"):
        schools.town_plans(raw, g, schools.district_table(raw).set_index("district")["district_code"])


def _fake(tmp_path, rel, text):
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return Raw(tmp_path)


def test_malformed_inputs_raise_naming_the_file(tmp_path):
    r = _fake(tmp_path, schools.ACC, "District,District Code,fiscal_year\nHartford School District,640011,2025\n")
    with pytest.raises(RawDataError, match="district_year_accountability.csv"):
        schools.read_accountability(r)

    head = ('"Smarter Balanced Assessments, 2024-25"\n"All Districts"\n\n"",,,,,,,"L1",,"L2",,"L3",,"L4",,"L34",\n'
            '"District","District Code","Subject","Total Number of Students","Total Number Tested",'
            '"Smarter Balanced Participation Rate","Total Number with Scored Tests","Count","%","Count","%","Count",'
            '"%","Count","%","Count","%"\n')
    r = _fake(tmp_path, schools.SBAC, head + '"X School District","=""06A0011""","ELA",1,1,100,1,0,0,0,0,0,0,1,100,1,100\n'
              ',,"Math",1,1,100,1,0,0,0,0,0,0,1,100,1,100\n')
    with pytest.raises(RawDataError, match="sbac-2024-25.csv.*malformed district code"):
        schools.read_sbac(r)

    r = _fake(tmp_path, schools.GRAD, "District,fiscal_year,cohort_count,graduation_count,graduation_rate\n"
              "Hartford School District,2025,10,9,ninety\n\"Four-Year Graduation Rates page text\",2025,,,\n")
    with pytest.raises(RawDataError, match="grad-2024-25.csv.*non-numeric"):
        schools.read_grad(r, pd.Series({"Hartford School District": "0640011"}))

    r = _fake(tmp_path, schools.GRAD, "District,fiscal_year,cohort_count,graduation_count,graduation_rate\n"
              "Hartford School District,2025,10,9,90.0\n")
    with pytest.raises(RawDataError, match="grad-2024-25.csv.*trailing"):
        schools.read_grad(r, pd.Series({"Hartford School District": "0640011"}))

"""School outcomes 2024-25 (CSDE EdSight), mapped from school districts to the 169 towns.

Sources (PROVENANCE.md ``opportunity/`` sections 3a, 5c and 8a):

* ``district_year_accountability.csv``: Next Generation accountability index, FY2025 (199 LEAs).
* ``sbac-2024-25.csv``: Smarter Balanced ELA and Math, grades 3-8, all students; % and count at
  Level 3 or 4 (met or exceeded) and the number with scored tests. 5 header lines; the district name
  and code (written ``="0640011"``) only on the ELA row; ``*`` = suppressed.
* ``grad-2024-25.csv``: four-year cohort graduation rate, class of 2025; the junk trailing row (the
  whole EdSight page as text) is dropped; a blank rate = suppressed.
* ``enrollment-race-2024-25.csv``: only its ``Total`` column (October 2024 enrollment by district),
  used as weights (rule 3 below).
* ``regional_school_dists.xlsx`` (CSDE "Designated HS and Reg Dist"): which towns belong to which
  regional school district (RSD) and for which grades (K-12, 7-12 or 9-12), and designated high
  schools by sending town.
* ``school_dists.rda``: the 197 district-town pairs; a town's own ("local") district is its
  non-regional pair.
* The tract crosswalk's secondary school district (``geo.tracts``) is used only as a cross-check of
  the regional memberships.

District type comes from the last four digits of the CSDE code: 0011 local board, 0012 regional,
0013 charter, 0014 RESC, 0022 endowed academy (these five per PROVENANCE 8a); 0015 state agency
(Unified School Districts), 0016 technical high school system (CTECS), 0018 other (read from the
names). Charters, RESCs, CTECS and state agencies are kept in ``school_districts`` but not mapped to
towns: they draw students from many towns and the files do not say from which.

The town rule (one rule, every measure; nothing is filled in):

1. A town whose own district has a high school (it has a row in the graduation file) and belongs to
   no regional district takes its own district's values ("K-12").
2. A town with no district of its own (a K-12 RSD member) takes its regional district's values.
   Litchfield's former district appears in ``school_dists.rda`` but has no 2024-25 data: Litchfield
   joined RSD 20 (K-12), so the regional district is used.
3. A town with a local elementary district that sends grades 7-12 or 9-12 to a regional district:
   * SBAC (grades 3-8). 9-12 regions: the local K-8 district covers every tested grade, so its value
     is used. 7-12 regions: ``w * p_local + (1 - w) * p_regional`` with ``w = sum of the scored-test
     counts of all member towns' local districts / (that sum + the regional district's count)``, per
     subject, using the published percentages. This is the pooled rate of the town's grade 3-6
     (local) and grade 7-8 (regional) testers if each member town's share of the regional testers
     equals its share of the members' local testers (the regional results are not split by town).
   * Accountability index: the same form, with ``w`` from 2024-25 enrollment totals (members' local
     districts vs. the regional district). CSDE computes no index for a town's combined K-12 students,
     so this is an enrollment-weighted approximation; students the regional district takes from
     non-member towns (e.g. Hartland at RSD 7, Columbia/Eastford/Union at RSD 19) slightly raise the
     regional weight.
   * Graduation rate: the regional district's.
4. A town whose own district has no high school and no regional district (e.g. Norwich, Woodstock,
   Salem): SBAC and accountability from its own district (its grades only); graduation rate from the
   designated high school's district only if the CSDE list names exactly one receiving district
   (Winchester -> The Gilbert School); otherwise missing, with the districts named in the reason.
5. A component that is missing or suppressed makes the town value missing, with the reason.

There is no statewide row in any of the three outcome files, so no state values are produced (they
are not averaged from districts).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .parts import Part, concat_values, town_values
from .raw import Raw, RawDataError, require_columns

EDU = "opportunity/education/edbot317-source_public-CT-ed-data/"
ACC = EDU + "district_year_accountability.csv"
SBAC = EDU + "sbac-2024-25.csv"
GRAD = EDU + "grad-2024-25.csv"
ENROLL = EDU + "enrollment-race-2024-25.csv"
XWALK = "opportunity/crosswalks/CT-Data-Haven_cwi/"
REGIONAL_XLSX = XWALK + "regional_school_dists.xlsx"
PAIRS_RDA = XWALK + "school_dists.rda"
MEMBER_SHEET = "Member Town to Regional Dist"
DESIGNATED_SHEET = "Designated HS By Sending"

DISTRICT_TYPES = {"0011": "local", "0012": "regional", "0013": "charter", "0014": "RESC",
                  "0015": "state agency", "0016": "technical high school system", "0018": "other",
                  "0022": "endowed academy"}
SUPPRESSED = "suppressed by CSDE (small count)"
MEASURES = {  # indicator -> (district column, weight column used when combining local + regional)
    "school_accountability_index": ("accountability_index", "enrollment_2024_25"),
    "sbac_ela_met": ("sbac_ela_met", "sbac_ela_tested"),
    "sbac_math_met": ("sbac_math_met", "sbac_math_tested"),
    "grad_rate_4yr": ("grad_rate_4yr", None),
}
FILE_OF = {"school_accountability_index": ACC, "sbac_ela_met": SBAC, "sbac_math_met": SBAC, "grad_rate_4yr": GRAD}


def _num(s: pd.Series, rel: str, what: str) -> pd.Series:
    """Numbers from text; '*' (suppressed) and '' become NaN; anything else non-numeric is an error."""
    s = s.astype(str).str.strip().str.replace(",", "", regex=False)
    blank = s.isin(["*", ""])
    out = pd.to_numeric(s.where(~blank), errors="coerce")
    bad = out.isna() & ~blank
    if bad.any():
        raise RawDataError(f"{rel}: non-numeric {what} value(s) {sorted(set(s[bad]))[:5]}")
    return out.astype(float)


def _code(s: pd.Series, rel: str) -> pd.Series:
    """CSDE district codes as 7-digit strings, from '="0640011"' or '640011'."""
    c = s.astype(str).str.strip().str.replace(r'^="?(\d*)"?$', r"\1", regex=True)
    ok = c.str.fullmatch(r"\d{5,7}")
    if not ok.all():
        raise RawDataError(f"{rel}: malformed district code(s) {sorted(set(s[~ok]))[:5]}")
    return c.str.zfill(7)


def _export(raw: Raw, rel: str, width: int) -> pd.DataFrame:
    """An EdSight export with title lines: the rows under the line that starts with 'District'."""
    df = raw.read_csv(rel, header=None, names=range(width), skip_blank_lines=False)
    hits = df.index[df[0].astype(str).str.strip().eq("District")][:1]
    if len(hits) == 0 or hits[0] > 10:
        raise RawDataError(f"{rel}: no 'District' header line in the first rows")
    h = hits[0]
    out = df.iloc[h + 1:].reset_index(drop=True)
    out.columns = [str(x).strip() for x in df.iloc[h]]
    return out


def read_accountability(raw: Raw) -> pd.DataFrame:
    a = raw.read_csv(ACC)
    require_columns(a, ["District", "District Code", "fiscal_year", "accountability_index"], ACC)
    if not a["fiscal_year"].eq("2025").all():
        raise RawDataError(f"{ACC}: expected fiscal_year 2025 only, found {sorted(set(a['fiscal_year']))}")
    out = pd.DataFrame({"district_code": _code(a["District Code"], ACC), "district": a["District"].str.strip(),
                        "accountability_index": _num(a["accountability_index"], ACC, "accountability_index")})
    if out["district_code"].duplicated().any() or out["district"].duplicated().any():
        raise RawDataError(f"{ACC}: a district is listed twice")
    v = out["accountability_index"].dropna()
    if len(out) < 150 or ((v < 0) | (v > 100)).any():
        raise RawDataError(f"{ACC}: {len(out)} rows or an index outside 0-100; expected about 199 LEAs")
    return out


def read_sbac(raw: Raw) -> pd.DataFrame:
    s = _export(raw, SBAC, 17)
    cols = list(s.columns)
    first = ["District", "District Code", "Subject", "Total Number of Students", "Total Number Tested",
             "Smarter Balanced Participation Rate", "Total Number with Scored Tests"]
    if cols[:7] != first or cols[15:] != ["Count", "%"]:
        raise RawDataError(f"{SBAC}: unexpected columns {cols}")
    s = s.set_axis(cols[:7] + [f"c{i}" for i in range(7, 15)] + ["met_count", "met_pct"], axis=1)
    s = s[s["Subject"].astype(str).str.strip().ne("")]
    s["District"] = s["District"].astype(str).str.strip().replace("", np.nan).ffill()
    s["District Code"] = s["District Code"].astype(str).str.strip().replace("", np.nan).ffill()
    if not s["Subject"].isin(["ELA", "Math"]).all():
        raise RawDataError(f"{SBAC}: unexpected subject(s) {sorted(set(s['Subject']) - {'ELA', 'Math'})}")
    s["code"] = _code(s["District Code"], SBAC)
    if s.duplicated(["code", "Subject"]).any() or s.groupby("code")["Subject"].nunique().ne(2).any():
        raise RawDataError(f"{SBAC}: each district needs exactly one ELA and one Math row")
    s["tested"] = _num(s["Total Number with Scored Tests"], SBAC, "scored tests")
    s["met"] = _num(s["met_pct"], SBAC, "% met or exceeded") / 100
    cnt = _num(s["met_count"], SBAC, "met count")
    diff = (cnt / s["tested"] - s["met"]).abs().dropna()
    if (diff > 0.0006).any():
        raise RawDataError(f"{SBAC}: % met or exceeded disagrees with count / scored tests")
    wide = s.pivot(index="code", columns="Subject", values=["met", "tested"])
    out = pd.DataFrame({"district_code": wide.index,
                        "sbac_ela_met": wide[("met", "ELA")].values, "sbac_ela_tested": wide[("tested", "ELA")].values,
                        "sbac_math_met": wide[("met", "Math")].values,
                        "sbac_math_tested": wide[("tested", "Math")].values})
    out["in_sbac_file"] = True
    return out.reset_index(drop=True)


def read_grad(raw: Raw, names: pd.Series) -> pd.DataFrame:
    """Graduation rows keyed by district code (``names``: district name -> code)."""
    g = raw.read_csv(GRAD)
    require_columns(g, ["District", "fiscal_year", "cohort_count", "graduation_count", "graduation_rate"], GRAD)
    junk = g["District"].str.startswith("Four-Year Graduation Rates")
    if junk.sum() != 1 or not junk.iloc[-1]:
        raise RawDataError(f"{GRAD}: expected exactly one trailing page-text row, found {int(junk.sum())}")
    g = g[~junk]
    if not g["fiscal_year"].eq("2025").all():
        raise RawDataError(f"{GRAD}: expected fiscal_year 2025 only")
    unknown = sorted(set(g["District"].str.strip()) - set(names.index))
    if unknown:
        raise RawDataError(f"{GRAD}: district(s) not in {ACC}: {unknown[:5]}")
    out = pd.DataFrame({"district_code": g["District"].str.strip().map(names).values,
                        "grad_cohort": _num(g["cohort_count"], GRAD, "cohort_count").values,
                        "grad_rate_4yr": _num(g["graduation_rate"], GRAD, "graduation_rate").values / 100,
                        "in_grad_file": True})
    grads = _num(g["graduation_count"], GRAD, "graduation_count").values
    diff = np.abs(grads / out["grad_cohort"] - out["grad_rate_4yr"]).dropna()
    if (diff > 0.0006).any() or out["district_code"].duplicated().any():
        raise RawDataError(f"{GRAD}: a rate disagrees with graduates / cohort, or a district is listed twice")
    return out


def read_enrollment(raw: Raw) -> pd.DataFrame:
    e = _export(raw, ENROLL, 10)
    require_columns(e, ["District", "District Code", "Total"], ENROLL)
    e = e[e["District Code"].astype(str).str.fullmatch(r'="\d+"')]  # drops the Total row and uncoded entities
    return pd.DataFrame({"district_code": _code(e["District Code"], ENROLL).values,
                         "enrollment_2024_25": _num(e["Total"], ENROLL, "Total").values})


def district_table(raw: Raw) -> pd.DataFrame:
    acc = read_accountability(raw)
    sbac = read_sbac(raw)
    extra = sorted(set(sbac["district_code"]) - set(acc["district_code"]))
    if extra:
        raise RawDataError(f"{SBAC}: district code(s) not in {ACC}: {extra[:5]}")
    grad = read_grad(raw, acc.set_index("district")["district_code"])
    d = (acc.merge(sbac, on="district_code", how="left").merge(grad, on="district_code", how="left")
         .merge(read_enrollment(raw), on="district_code", how="left"))
    for c in ("in_sbac_file", "in_grad_file"):
        d[c] = d[c].fillna(False).astype(bool)
    d["district_type"] = d["district_code"].str[-4:].map(DISTRICT_TYPES).fillna("other")
    cols = ["district_code", "district", "district_type", "accountability_index", "sbac_ela_met", "sbac_ela_tested",
            "sbac_math_met", "sbac_math_tested", "grad_rate_4yr", "grad_cohort", "enrollment_2024_25",
            "in_sbac_file", "in_grad_file"]
    return d[cols].sort_values("district_code").reset_index(drop=True)


def _rsd_name(s: str) -> str | None:
    m = re.fullmatch(r"Regional School District #?(\d+)", s.strip())
    return f"Regional School District {int(m.group(1)):02d}" if m else None


def town_plans(raw: Raw, geo, codes: pd.Series) -> pd.DataFrame:
    """One row per town: local district code, regional code and grades, designated HS district codes."""
    towns = set(geo.towns["town"])
    mem = raw.read_excel(REGIONAL_XLSX, sheet_name=MEMBER_SHEET, dtype=str)
    require_columns(mem, ["Member Towns", "Regional School District", "Grade Levels"], REGIONAL_XLSX)
    mem = mem.apply(lambda c: c.str.strip())
    mem["rsd"] = mem["Regional School District"].map(_rsd_name)
    bad = mem[~mem["Member Towns"].isin(towns) | mem["rsd"].isna() | ~mem["rsd"].isin(codes.index)
              | ~mem["Grade Levels"].isin(["K-12", "7-12", "9-12"]) | mem["Member Towns"].duplicated()]
    if len(bad):
        raise RawDataError(f"{REGIONAL_XLSX} [{MEMBER_SHEET}]: unknown town/district/grades {bad.values.tolist()[:3]}")

    des = raw.read_excel(REGIONAL_XLSX, sheet_name=DESIGNATED_SHEET, dtype=str)
    require_columns(des, ["Sending District", "DistrictName"], REGIONAL_XLSX)
    des = des.apply(lambda c: c.str.strip())
    bad = des[~des["Sending District"].isin(towns) | ~des["DistrictName"].isin(codes.index)]
    if len(bad):
        raise RawDataError(f"{REGIONAL_XLSX} [{DESIGNATED_SHEET}]: unknown town/district {bad.values.tolist()[:3]}")

    obj = raw.read_rda(PAIRS_RDA)
    pairs = obj.get("school_dists") if isinstance(obj, dict) else None
    if pairs is None or len(pairs) != 197:
        raise RawDataError(f"{PAIRS_RDA}: expected data frame school_dists with 197 rows")
    pairs = pd.DataFrame({c: pairs[c].astype(str).str.strip() for c in ("district", "town")})
    if set(pairs["town"]) != towns:
        raise RawDataError(f"{PAIRS_RDA}: towns differ from the 169 towns: {sorted(set(pairs['town']) ^ towns)[:5]}")
    reg = pairs[pairs["district"].str.startswith("Regional")]
    if set(zip(reg["town"], reg["district"])) != set(zip(mem["Member Towns"], mem["rsd"])):
        raise RawDataError(f"{PAIRS_RDA}: regional memberships disagree with {REGIONAL_XLSX}")
    local = pairs[~pairs["district"].str.startswith("Regional")]
    if local["town"].duplicated().any():
        raise RawDataError(f"{PAIRS_RDA}: a town has two local districts")

    plans = geo.towns[["town", "town_id"]].copy()
    plans["local"] = plans["town"].map(local.set_index("town")["district"].map(codes))
    m = mem.set_index("Member Towns")
    plans["regional"] = plans["town"].map(m["rsd"].map(codes))
    plans["regional_grades"] = plans["town"].map(m["Grade Levels"])
    k12 = plans["regional_grades"].eq("K-12")
    named = plans["town"].isin(local["town"])
    # a K-12 member's old local district (Litchfield -> RSD 20) must have no 2024-25 data at all
    stale = k12 & named & plans["local"].notna()
    if stale.any():
        raise RawDataError(f"{PAIRS_RDA}: K-12 regional member(s) with a 2024-25 local district "
                           f"{list(plans.town[stale])}")
    lost = ~k12 & named & plans["local"].isna()
    if lost.any():
        raise RawDataError(f"{PAIRS_RDA}: local district(s) with no 2024-25 data for {list(plans.town[lost])}")
    if (~k12 & plans["local"].isna()).any():
        raise RawDataError(f"{PAIRS_RDA}: town(s) with no district {list(plans.town[~k12 & plans['local'].isna()])}")
    d = des.groupby("Sending District")["DistrictName"].agg(lambda v: tuple(sorted(set(codes[x] for x in v))))
    plans["designated"] = plans["town"].map(d).apply(lambda v: v if isinstance(v, tuple) else ())
    if (plans["regional"].notna() & plans["designated"].map(len).gt(0)).any():
        raise RawDataError(f"{REGIONAL_XLSX}: a regional member also has designated high schools")
    _check_tract_xwalk(geo, plans)
    return plans


def _check_tract_xwalk(geo, plans: pd.DataFrame) -> None:
    """The tract crosswalk's (2010) secondary district must agree, except for RSD 20 (formed 2024)."""
    t = geo.tracts[["town", "school_district_name"]].drop_duplicates()
    num = t["school_district_name"].str.extract(r"^Region (\d+)$")[0]
    xw = pd.Series(num.map(lambda n: f"{int(n):02d}" if isinstance(n, str) else "").values, index=t["town"].values)
    if xw.index.duplicated().any():
        raise RawDataError("boundaries/2022tractcrosswalk.csv: a town has two secondary school districts")
    ours = plans.set_index("town")["regional"].map(lambda c: c[1:3] if isinstance(c, str) else "")
    diff = [tn for tn in ours.index if ours[tn] != xw.get(tn, "") and ours[tn] != "20"]
    if diff:
        raise RawDataError(f"boundaries/2022tractcrosswalk.csv: secondary school district disagrees with "
                           f"{REGIONAL_XLSX} for {diff[:5]}")


def district_towns(plans: pd.DataFrame, d: pd.DataFrame) -> pd.DataFrame:
    """Table ``school_district_towns``: every district that serves each town, with its role."""
    name = d.set_index("district_code")["district"]
    has_hs = set(d.loc[d["in_grad_file"], "district_code"])
    out = [(p.town_id, p.town, c, name[c], role, grades)
           for p in plans.itertuples() for (c, role, grades) in _roles(p, has_hs)]
    t = pd.DataFrame(out, columns=["town_id", "town", "district_code", "district", "role", "grades"])
    return t.sort_values(["town_id", "role", "district_code"]).reset_index(drop=True)


def _roles(p, has_hs) -> list[tuple[str, str, str]]:
    g = p.regional_grades
    if g == "K-12":
        return [(p.regional, "K-12 regional member", "K-12")]
    if isinstance(g, str):
        low = "K-6" if g == "7-12" else "K-8"
        return [(p.local, f"{low} local", low), (p.regional, f"{g} regional", g)]
    if p.local in has_hs and not p.designated:
        return [(p.local, "K-12", "K-12")]
    return [(p.local, "local, no high school", "grades below 9 (exact span not in the sources)")] + [
        (c, "designated high school", "9-12") for c in p.designated]


NO_HS_GRADES = "grades below 9 (exact span not in the sources)"


def _why(d: pd.DataFrame, code: str, col: str) -> str:
    r = d.loc[code]
    if col.startswith("sbac") and not r["in_sbac_file"]:
        return f"{r['district']} has no row in the CSDE 2024-25 Smarter Balanced file (no tested grades)"
    if col == "grad_rate_4yr" and not r["in_grad_file"]:
        return f"{r['district']} has no row in the CSDE 2024-25 graduation file"
    return f"{SUPPRESSED} for {r['district']}"


def _single(d, code, col, grades, method):
    v = d.at[code, col]
    return v, (None if pd.notna(v) else _why(d, code, col)), method, [(code, grades, 1.0, v)]


def _combined(d, p, col, wcol, members, low):
    """w * local + (1 - w) * regional, w = members' local weight total / (that + regional's)."""
    g = p.regional_grades
    basis = "scored tests" if wcol.startswith("sbac") else "2024-25 enrollment"
    method = f"local {low} district and {g} regional district, weighted by {basis} (region-wide split)"
    wl_parts, wr = d.loc[list(members), wcol], d.at[p.regional, wcol]
    vl, vr = d.at[p.local, col], d.at[p.regional, col]
    reason = None
    if wl_parts.isna().any() or pd.isna(wr):
        gaps = list(wl_parts.index[wl_parts.isna()]) + ([p.regional] if pd.isna(wr) else [])
        miss = [d.at[c, "district"] for c in gaps]
        reason = f"cannot weight local and regional districts: {basis} not reported for {'; '.join(miss)}"
        w = np.nan
    else:
        w = float(wl_parts.sum() / (wl_parts.sum() + wr))
    if reason is None and (pd.isna(vl) or pd.isna(vr)):
        reason = _why(d, p.local if pd.isna(vl) else p.regional, col)
    est = w * vl + (1 - w) * vr if reason is None else np.nan
    return est, reason, method, [(p.local, low, w, vl), (p.regional, g, 1 - w, vr)]


def _town_value(d, p, indicator, members, has_hs):
    col, wcol = MEASURES[indicator]
    g = p.regional_grades
    if g == "K-12":
        return _single(d, p.regional, col, "K-12", "regional K-12 district (the town has no district of its own)")
    if isinstance(g, str):
        low = "K-6" if g == "7-12" else "K-8"
        if indicator == "grad_rate_4yr":
            return _single(d, p.regional, col, g, f"{g} regional district")
        if col.startswith("sbac") and g == "9-12":
            return _single(d, p.local, col, low, "local K-8 district (covers every tested grade, 3-8)")
        return _combined(d, p, col, wcol, members[p.regional], low)
    if p.local in has_hs and not p.designated:
        return _single(d, p.local, col, "K-12", "own K-12 district")
    if indicator != "grad_rate_4yr":
        return _single(d, p.local, col, NO_HS_GRADES, "own district (no high school): its grades only")
    if len(p.designated) == 1:
        return _single(d, p.designated[0], col, "9-12", "designated high school district (the only one for the town)")
    own = d.at[p.local, "district"]
    if p.designated:
        names = "; ".join(d.at[c, "district"] for c in p.designated)
        why = (f"{own} runs no high school and the town's students are designated to {len(p.designated)} "
               f"high-school districts ({names}); no single district's rate describes the town")
    else:
        why = f"{own} runs no high school and the CSDE list names no designated high school for the town"
    return np.nan, why, "no single high-school district", []


def town_table(d: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Table ``school_town_values``: per town, measure and contributing district, the weight used."""
    di = d.set_index("district_code")
    has_hs = set(d.loc[d["in_grad_file"], "district_code"])
    members = plans.dropna(subset=["regional"]).groupby("regional")["local"].agg(lambda v: tuple(v.dropna()))
    rows = []
    for p in plans.itertuples():
        for ind in MEASURES:
            est, why, method, comps = _town_value(di, p, ind, members, has_hs)
            base = {"town_id": p.town_id, "town": p.town, "indicator": ind, "estimate": est,
                    "missing_reason": why, "method": method}
            if not comps:
                rows.append({**base, "district_code": None, "district": None, "grades": None,
                             "weight": np.nan, "district_value": np.nan})
            for code, grades, w, v in comps:
                rows.append({**base, "district_code": code, "district": di.at[code, "district"], "grades": grades,
                             "weight": w, "district_value": v})
    t = pd.DataFrame(rows)
    for c in ("estimate", "weight", "district_value"):
        t[c] = t[c].astype(float)
    return t.sort_values(["town_id", "indicator", "weight", "district_code"],
                         ascending=[True, True, False, True]).reset_index(drop=True)


def load(raw: Raw, geo) -> Part:
    d = district_table(raw)
    plans = town_plans(raw, geo, d.set_index("district")["district_code"])
    tv = town_table(d, plans)
    per_town = tv.drop_duplicates(["town_id", "indicator"])
    frames = []
    for ind in MEASURES:
        x = per_town[per_town["indicator"] == ind]
        frames.append(town_values(geo, x, ind, "estimate", reasons=x.set_index("town")["missing_reason"],
                                  source_file=FILE_OF[ind]))
    values = concat_values(frames).sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)
    return Part(values=values, tables={"school_districts": d, "school_district_towns": district_towns(plans, d),
                                       "school_town_values": tv})

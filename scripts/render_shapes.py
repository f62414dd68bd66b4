"""Render the web shapes to PNGs so a person can eyeball them (dev-only; needs matplotlib).

    python scripts/render_shapes.py [--raw PATH] [--out-dir /tmp]

Writes ``towns.png`` (169 towns, planning-region borders, label points) and ``tracts_hartford.png``
(tracts over town borders around Hartford) from ``oca_dash.build.shapes.load``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geopandas as gpd  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402

from oca_dash.build.geography import load_geo  # noqa: E402
from oca_dash.build.raw import Raw  # noqa: E402
from oca_dash.build.shapes import load  # noqa: E402


def _gs(df):
    return gpd.GeoSeries(shapely.from_geojson(df["geojson"].values), crs=4326)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", default=None)
    ap.add_argument("--out-dir", default="/tmp")
    a = ap.parse_args(argv)
    raw = Raw(a.raw)
    geo = load_geo(raw)
    t = load(raw, geo).tables
    towns, tracts, regions = _gs(t["town_shapes"]), _gs(t["tract_shapes"]), _gs(t["region_shapes"])
    names = t["town_shapes"].merge(geo.towns[["town_id", "town"]], on="town_id")
    out = Path(a.out_dir)

    fig, ax = plt.subplots(figsize=(16, 10))
    towns.plot(ax=ax, facecolor="#dfe8f1", edgecolor="#555", linewidth=0.4)
    regions.boundary.plot(ax=ax, color="#b22222", linewidth=1.2)
    ax.scatter(names["centroid_lon"], names["centroid_lat"], s=2, color="k")
    for _, r in names.iterrows():
        ax.annotate(r["town"], (r["centroid_lon"], r["centroid_lat"]), fontsize=4.5, ha="center", va="bottom")
    ax.set_aspect(1 / 0.75)  # about 1/cos(41.5 deg)
    ax.set_title("town_shapes (grey) and region_shapes (red)")
    fig.savefig(out / "towns.png", dpi=110, bbox_inches="tight")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(12, 12))
    box = (-72.78, 41.70, -72.58, 41.83)
    tracts.plot(ax=ax, facecolor="#fff7e0", edgecolor="#1f77b4", linewidth=0.6)
    towns.boundary.plot(ax=ax, color="k", linewidth=1.6)
    ax.scatter(t["tract_shapes"]["centroid_lon"], t["tract_shapes"]["centroid_lat"], s=3, color="#1f77b4")
    for _, r in names.iterrows():
        if box[0] < r["centroid_lon"] < box[2] and box[1] < r["centroid_lat"] < box[3]:
            ax.annotate(r["town"], (r["centroid_lon"], r["centroid_lat"]), fontsize=11, ha="center")
    ax.plot([-72.6737], [41.7658], marker="*", color="red", markersize=14)  # Old State House
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect(1 / 0.75)
    ax.set_title("tract_shapes (blue) over town borders (black), Hartford area; star = Old State House")
    fig.savefig(out / "tracts_hartford.png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {out / 'towns.png'} and {out / 'tracts_hartford.png'}")


if __name__ == "__main__":
    main()

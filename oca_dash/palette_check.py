"""Colour checks for colour-vision deficiency and text contrast (pure; numpy only).

- CVD simulation: Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for
  Simulation of Color Vision Deficiency", IEEE TVCG 15(6). The severity 1.0 matrices (protanopia,
  deuteranopia, tritanopia) from the authors' table, applied to *linear* sRGB (sRGB decoded with its
  transfer function), the result clipped to [0, 1] and encoded back.
- Colour difference: CIEDE2000 (Sharma, Wu and Dalal 2005 formulation; kL = kC = kH = 1) on CIELAB
  computed from sRGB with the D65 white. Rough reading: below 2.3 a just-noticeable difference; about 10
  tells two map classes apart at a glance; above 20 they read as clearly different colours.
- Text contrast: the WCAG 2 contrast ratio of relative luminances, (L1 + 0.05) / (L2 + 0.05);
  AA needs 4.5:1 for body text and 3:1 for large text (24 px, or 18.66 px bold) and for graphics.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

# Machado et al. (2009), severity 1.0; rows give the simulated linear R, G, B.
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *MACHADO_2009)

# linear sRGB -> CIE XYZ (D65), IEC 61966-2-1
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_D65 = _RGB_TO_XYZ @ np.ones(3)  # the white point: X 0.9505, Y 1, Z 1.089

# Minimums the tests hold the app's scales to (CIEDE2000), under normal vision and each simulation.
# The levels are categories that must read as different colours, not shades of one another; the
# sequential classes also differ in lightness, which carries their order; "no data" must not pass for a class.
MIN_ADJACENT_LEVELS = 15.0     # neighbouring opportunity levels (Very Low/Low, Low/Moderate, ...)
MIN_ANY_LEVELS = 15.0          # any two of the five levels (a map shows them side by side in any order)
MIN_ADJACENT_SEQUENTIAL = 8.0  # neighbouring classes of the map's sequential scale
MIN_NO_DATA = 10.0             # the map's "no data" grey against every class colour
WCAG_AA_TEXT = 4.5
WCAG_AA_LARGE = 3.0


# -- conversions ------------------------------------------------------------------------

def hex_to_rgb(color: str) -> np.ndarray:
    """'#rrggbb' or '#rgb' -> sRGB in [0, 1]."""
    c = color.strip().lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if len(c) != 6:
        raise ValueError(f"not a hex colour: {color!r}")
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0


def rgb_to_hex(rgb) -> str:
    v = np.clip(np.round(np.asarray(rgb, dtype=float) * 255), 0, 255).astype(int)
    return "#" + "".join(f"{x:02x}" for x in v)


def srgb_to_linear(rgb) -> np.ndarray:
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(lin) -> np.ndarray:
    c = np.clip(np.asarray(lin, dtype=float), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(color: str, vision: str) -> str:
    """The colour as a person with the given vision sees it ('normal' returns it unchanged)."""
    if vision == "normal":
        return rgb_to_hex(hex_to_rgb(color))
    m = MACHADO_2009[vision]
    return rgb_to_hex(linear_to_srgb(m @ srgb_to_linear(hex_to_rgb(color))))


def blend(color: str, alpha: float, background: str = "#ffffff") -> str:
    """A colour drawn with opacity alpha (0-1) over a background, as the map draws its fills."""
    c, b = hex_to_rgb(color), hex_to_rgb(background)
    return rgb_to_hex(alpha * c + (1 - alpha) * b)


def lab(color: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB hex colour: [L*, a*, b*]."""
    xyz = _RGB_TO_XYZ @ srgb_to_linear(hex_to_rgb(color)) / _D65
    e, k = 216 / 24389, 24389 / 27
    f = np.where(xyz > e, np.cbrt(xyz), (k * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def lightness(color: str) -> float:
    return float(lab(color)[0])


# -- colour difference ------------------------------------------------------------------------

def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu and Dalal 2005)."""
    L1, a1, b1 = (float(x) for x in lab1)
    L2, a2, b2 = (float(x) for x in lab2)
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    Cbar7 = ((C1 + C2) / 2) ** 7
    G = 0.5 * (1 - np.sqrt(Cbar7 / (Cbar7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if C1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if C2p else 0.0

    dLp = L2 - L1
    dCp = C2p - C1p
    if C1p * C2p == 0:
        dhp = 0.0
    else:
        dhp = h2p - h1p
        if dhp > 180:
            dhp -= 360
        elif dhp < -180:
            dhp += 360
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dhp) / 2)

    Lbp = (L1 + L2) / 2
    Cbp = (C1p + C2p) / 2
    if C1p * C2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbp = (h1p + h2p + 360) / 2
    else:
        hbp = (h1p + h2p - 360) / 2

    T = (1 - 0.17 * np.cos(np.radians(hbp - 30)) + 0.24 * np.cos(np.radians(2 * hbp))
         + 0.32 * np.cos(np.radians(3 * hbp + 6)) - 0.20 * np.cos(np.radians(4 * hbp - 63)))
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    Cbp7 = Cbp ** 7
    Rc = 2 * np.sqrt(Cbp7 / (Cbp7 + 25.0 ** 7))
    Sl = 1 + 0.015 * (Lbp - 50) ** 2 / np.sqrt(20 + (Lbp - 50) ** 2)
    Sc = 1 + 0.045 * Cbp
    Sh = 1 + 0.015 * Cbp * T
    Rt = -np.sin(np.radians(2 * d_theta)) * Rc
    return float(np.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2
                         + Rt * (dCp / Sc) * (dHp / Sh)))


def delta_e(c1: str, c2: str, vision: str = "normal") -> float:
    """CIEDE2000 between two hex colours as seen with the given vision."""
    return ciede2000(lab(simulate(c1, vision)), lab(simulate(c2, vision)))


# -- contrast ----------------------------------------------------------------------------------

def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance (0 black to 1 white)."""
    r, g, b = srgb_to_linear(hex_to_rgb(color))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast_ratio(fg: str, bg: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- palette reports ------------------------------------------------------------------------------

def adjacent_differences(colors: list[str], vision: str = "normal") -> list[float]:
    """CIEDE2000 between each colour and the next, as seen with the given vision."""
    return [delta_e(a, b, vision) for a, b in zip(colors, colors[1:])]


def pair_differences(colors: list[str], vision: str = "normal") -> dict[tuple[int, int], float]:
    """CIEDE2000 between every pair of colours (by index)."""
    return {(i, j): delta_e(colors[i], colors[j], vision) for i, j in combinations(range(len(colors)), 2)}


def worst_pair(colors: list[str], names: list[str] | None = None, adjacent_only: bool = False) -> dict:
    """The least distinct pair over normal vision and the three simulations."""
    names = names or colors
    worst = None
    for v in VISIONS:
        diffs = ({(i, i + 1): d for i, d in enumerate(adjacent_differences(colors, v))} if adjacent_only
                 else pair_differences(colors, v))
        for (i, j), d in diffs.items():
            if worst is None or d < worst["delta_e"]:
                worst = {"vision": v, "a": names[i], "b": names[j], "delta_e": d}
    return worst


def is_monotonic_lightness(colors: list[str], vision: str = "normal", min_step: float = 0.0) -> bool:
    """True if L* moves one way only along the scale (by more than min_step each step)."""
    L = [lightness(simulate(c, vision)) for c in colors]
    steps = np.diff(L)
    return bool(np.all(steps > min_step) or np.all(steps < -min_step))


def palette_table(colors: list[str], names: list[str] | None = None) -> list[dict]:
    """One row per colour and vision: simulated hex, L*, CIEDE2000 to the next colour."""
    names = names or colors
    rows = []
    for v in VISIONS:
        sims = [simulate(c, v) for c in colors]
        nxt = adjacent_differences(colors, v) + [float("nan")]
        for n, c, s, d in zip(names, colors, sims, nxt):
            rows.append({"vision": v, "name": n, "color": c, "seen_as": s, "L": lightness(s), "to_next": d})
    return rows

"""Rebuild lessons_lib/fonts/NotoSansSC-lessons.otf: Noto Sans CJK SC cut down to the characters the collection uses.

Matplotlib needs a CJK font to draw Chinese in figures, and many machines (minimal Linux, WSL, Docker
images) have none. Shipping the whole Noto Sans CJK (about 16 MB per weight) is wasteful; this keeps the
glyphs of every CJK character and full-width punctuation that appears in the shipped data (Tang quatrains
in both scripts, the Chinese side of the Tatoeba pairs), the notebooks, lessons_lib and GLOSSARY.md, plus
basic Latin so that mixed labels keep one look. Noto Sans CJK has no glyphs beyond the Basic
Multilingual Plane, so 69 rare characters of the poems (CJK Extension B and later) stay uncovered.

Maintainer-only (needs fontTools and Debian's fonts-noto-cjk, or the path of NotoSansCJK-Regular.ttc):

    python tools/make_cjk_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Noto Sans CJK is licensed under the SIL Open Font License 1.1 (lessons_lib/fonts/OFL.txt); the subset
keeps that licence.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lessons_lib" / "fonts" / "NotoSansSC-lessons.otf"
SOURCES = ["data/*.tsv", "notebooks/*.ipynb", "lessons_lib/**/*.py", "GLOSSARY.md", "README*.md"]


def is_cjk(character: str) -> bool:
    code = ord(character)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x3000 <= code <= 0x303F or 0x20000 <= code <= 0x2FA1F)


def characters_used() -> set[str]:
    used = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            used.update(c for c in path.read_text(encoding="utf-8") if is_cjk(c))
    return used


def main(ttc: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(ttc)
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == "Noto Sans CJK SC")
    text = "".join(sorted(characters_used())) + "".join(chr(c) for c in range(0x20, 0x7F))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    # a family name of its own, so that it never shadows a full Noto Sans CJK SC installed on the machine
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "Noto Sans SC (lessons subset)"
        elif record.nameID == 6:
            record.string = "NotoSansSC-LessonsSubset"
    OUT.parent.mkdir(exist_ok=True)
    font.save(OUT)
    print(f"{OUT.relative_to(ROOT)}: {len(text)} characters, {OUT.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(*sys.argv[1:])

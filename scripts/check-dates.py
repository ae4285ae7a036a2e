#!/usr/bin/env python3
"""Compares the shooting dates Hako reads (`hako shooting-dates`, SPEC T3) with exiftool's,
file by file, over a folder of sample photos and videos, and prints what differs.

    scripts/check-dates.py DIR [HAKO_BIN]

exiftool (Debian's libimage-exiftool-perl) is the reference: it is what Immich reads dates
with. Its date is the first of DateTimeOriginal, CreateDate, DateCreated (XMP photoshop),
CreationDate (QuickTime), ModifyDate, in exiftool's own group priority; Hako and exiftool
agree when their local wall-clock times are equal to the second.
"""
import json
import os
import pathlib
import subprocess
import sys

TAGS = ["DateTimeOriginal", "CreateDate", "DateCreated", "CreationDate", "ModifyDate"]
EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".bmp", ".dng",
              ".mp4", ".mov", ".m4v", ".3gp"}


def wall_clock(text):
    """`2021:04:11 15:47:53.054-05:00` → `2021-04-11 15:47:53` (None for placeholders)."""
    text = text.strip()
    if len(text) < 10 or text.startswith("0000"):
        return None
    date = text[:10].replace(":", "-")
    clock = text[11:19] if len(text) >= 19 else "00:00:00"
    return f"{date} {clock}"


def main():
    root = pathlib.Path(sys.argv[1])
    hako = sys.argv[2] if len(sys.argv) > 2 else "target/debug/hako"
    files = sorted(p for p in root.rglob("*")
                   if p.is_file() and p.suffix.lower() in EXTENSIONS and p.stat().st_size > 0)
    ours = {}
    answer = subprocess.run([hako, "shooting-dates", *map(str, files)],
                            capture_output=True, text=True, check=True).stdout
    for line in answer.splitlines():
        name, date = line.rsplit("\t", 1)
        ours[name] = None if date == "-" else date[:19]
    theirs = {}
    exif = json.loads(subprocess.run(
        ["exiftool", "-j", "-q", "-q", "-api", "QuickTimeUTC", *[f"-{t}" for t in TAGS],
         *map(str, files)], capture_output=True, text=True,
        # QuickTime keeps UTC; both sides then say it in Japan time, as Hako does.
        env={**os.environ, "TZ": "Asia/Tokyo"}).stdout or "[]")
    for entry in exif:
        dates = [wall_clock(str(entry[t])) for t in TAGS if t in entry]
        theirs[entry["SourceFile"]] = next((d for d in dates if d), None)
    counts = {"same date": 0, "both undated": 0, "different": 0,
              "only exiftool": 0, "only Hako": 0}
    for name in map(str, files):
        a, b = ours.get(name), theirs.get(name)
        if a == b:
            counts["both undated" if a is None else "same date"] += 1
            continue
        kind = ("only exiftool" if a is None else "only Hako" if b is None
                else "same day" if a[:10] == b[:10] else "different")
        counts[kind] = counts.get(kind, 0) + 1
        print(f"{kind:14} {name}: Hako {a or '-'}, exiftool {b or '-'}")
    print(f"{len(files)} files: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()

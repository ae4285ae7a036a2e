"""Writes docs/PERFORMANCE.md and docs/performance.png from scripts/bench-scale.sh's results.

Usage (from bench-scale.sh): bench-scale-report.py RESULTS.tsv OUT.md OUT.png COMMAND
    ELAPSED_S ITEMS YEARS UPLOAD_MIB PHOTOS WRK_SECS WRK_CONNS LOADAVG_AT_START
"""

import datetime
import os
import platform
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

(results_path, md_path, png_path, command, elapsed, items, years, upload_mib, photos,
 wrk_secs, wrk_conns, loadavg_start) = sys.argv[1:13]

stacks = []
r = {}
with open(results_path, encoding="utf-8") as f:
    for line in f:
        stack, key, value = line.rstrip("\n").split("\t", 2)
        if stack not in r:
            stacks.append(stack)
            r[stack] = {}
        r[stack][key] = value


def num(stack, key):
    try:
        return float(r[stack][key])
    except (KeyError, ValueError):
        return None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, digits=1):
    return "–" if v is None else f"{v:,.{digits}f}"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gib():
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    return 0


def commit():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


measured = [s for s in stacks if "skipped" not in r[s]]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
md = []
w = md.append
w("# Performance")
w("")
w("Measured by `scripts/bench-scale.sh` (generated file: rerun the command below to refresh "
  "it, do not edit by hand).")
w("")
w(f"- Command: `{command}`")
w(f"- Date: {now}, commit {commit()}, whole run {int(elapsed) // 60} min {int(elapsed) % 60} s")
try:
    built = datetime.datetime.fromtimestamp(os.stat("target/release/hako").st_mtime,
                                            datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
except OSError:
    built = "unknown"
w(f"- Binary: `target/release/hako` built {built} (the commit above is the checkout's HEAD; "
  "with `SKIP_BUILD=1` the binary may be older)")
w(f"- Machine: {os.cpu_count()} CPUs (`nproc`), {mem_gib():.1f} GiB RAM, {cpu_model()}, "
  f"{platform.system()} {platform.release()}; load average at the start {loadavg_start} "
  "(other work on the machine lowers every figure)")
w("- Everything on loopback and one disk; the load generator, the server(s), PostgreSQL and "
  "the reference tools share the same CPUs, so figures are lower bounds for a real server.")
w("- MB/s are 10^6 bytes per second. RSS is the peak resident set (`VmHWM` in "
  "`/proc/PID/status`) of each server process, started fresh for each part.")
w("")
w("## Stacks")
w("")
for s in stacks:
    w(f"- **{s}**: {r[s].get('skipped') or r[s].get('note', '')}")
w("")

w("## Summary")
w("")
header = "| Measure | Reference | " + " | ".join(measured) + " |"
w(header)
w("|" + "---|" * (2 + len(measured)))


def versus(s, a, b, digits=1):
    x, y = num(s, a), num(s, b)
    if x is None or y is None:
        return "–"
    return f"{fmt(x, digits)} vs {fmt(y, digits)} = **{fmt(ratio(x, y), 2)}×**"


def row(label, ref_label, fn):
    w(f"| {label} | {ref_label} | " + " | ".join(fn(s) for s in measured) + " |")


row(f"Upload, tus, {upload_mib} MiB file (MB/s)", "`cp` + `sync`",
    lambda s: versus(s, "upload.hako_mbs", "upload.cp_mbs"))
if any(num(s, "upload.put_mbs") for s in measured):
    row(f"Upload into the bucket, {upload_mib} MiB file (MB/s)", "a plain `PUT` with `curl`",
        lambda s: versus(s, "upload.hako_mbs", "upload.put_mbs") if num(s, "upload.put_mbs") else "–")
row("ZIP download (MB/s)", "`cat` of the same files",
    lambda s: versus(s, "zip.hako_mbs", "zip.cat_mbs"))
if any(num(s, "zip.get_mbs") for s in measured):
    row("ZIP download from the bucket (MB/s)", "plain `GET`s of the same objects",
        lambda s: versus(s, "zip.hako_mbs", "zip.get_mbs") if num(s, "zip.get_mbs") else "–")
row(f"Media processing, {photos} photos of 12 MP (photos/s)", "`vipsthumbnail`",
    lambda s: versus(s, "media.hako_pps", "media.vips_pps", 2))
for what, label in (("list", "month list"), ("month", "one month page")):
    row(f"Timeline {label}, 1 instance (req/s)", "–",
        lambda s, what=what: f"**{fmt(num(s, f'timeline.{what}.1.rps'), 0)}**")
    row(f"Timeline {label}, 2 instances (req/s)", "1 instance",
        lambda s, what=what: (
            "– (one instance only)" if num(s, f"timeline.{what}.2.rps") is None else
            f"{fmt(num(s, f'timeline.{what}.2.rps'), 0)} = **"
            f"{fmt(ratio(num(s, f'timeline.{what}.2.rps'), num(s, f'timeline.{what}.1.rps')), 2)}×**"))
writer_shapes = {r[s]["writers.shape"] for s in measured if "writers.shape" in r[s]}
writer_delays = sorted({k.split(".")[1] for s in measured for k in r[s]
                        if k.startswith("writers.") and k.endswith(".files_per_s")}, key=float)
if writer_shapes:
    phones, files, kib = next(iter(writer_shapes)).split()
    for delay in writer_delays:
        where = "" if delay == "0" else f", database {delay} ms away"
        key1, key2 = f"writers.{delay}.1.files_per_s", f"writers.{delay}.2.files_per_s"
        row(f"Backups by {phones} phones of {phones} accounts at once{where}, 1 instance "
            "(files/s)", "–", lambda s, key1=key1: f"**{fmt(num(s, key1))}**")
        row(f"Backups by {phones} phones of {phones} accounts at once{where}, 2 instances "
            "(files/s)", "1 instance",
            lambda s, key1=key1, key2=key2: (
                "– (one instance only)" if num(s, key2) is None else
                f"{fmt(num(s, key2))} = **{fmt(ratio(num(s, key2), num(s, key1)), 2)}×**"))
w("")
w("A ratio is Hako's figure divided by its reference: 1.00× means as fast as the reference "
  "tool, and for the two-instance rows, as fast as one instance.")
w("")

w("## 1. Upload (SPEC D3, T1)")
w("")
w(f"`hako-device backup` of a folder with one {upload_mib} MiB random file: the phone client "
  "hashes the file (SHA-256), creates the tus upload and sends it in 32 MiB chunks with a "
  "per-chunk checksum; the server hashes as it writes and adds the item when the whole-file hash "
  "matches. The reference is `cp` of the same file on the same disk followed by `sync`. Time is "
  "the whole `hako-device backup` command (client hashing included). Into a bucket, a second "
  "reference: one signed `PUT` of the same file to the same bucket with `curl`.")
w("")
w("| Stack | Hako MB/s | cp MB/s | Ratio | PUT MB/s | Ratio | Server peak RSS (MiB) |")
w("|---|---|---|---|---|---|---|")
for s in measured:
    w(f"| {s} | {fmt(num(s, 'upload.hako_mbs'))} | {fmt(num(s, 'upload.cp_mbs'))} | "
      f"{fmt(ratio(num(s, 'upload.hako_mbs'), num(s, 'upload.cp_mbs')), 2)}× | "
      f"{fmt(num(s, 'upload.put_mbs'))} | {fmt(ratio(num(s, 'upload.hako_mbs'), num(s, 'upload.put_mbs')), 2)}× | "
      f"{fmt(num(s, 'upload.rss_mib'))} |")
w("")

w("## 2. ZIP download (SPEC V9)")
w("")
w(f"`POST /api/v1/downloads` with the ids of the {upload_mib} MiB file of part 1 and the "
  "photos of part 3 (signed in with a web session), then `GET` of the ticket URL with curl to `/dev/null`: a stored ZIP streamed by "
  "the server. The reference is `cat` of the same original files to `/dev/null` (warm page "
  "cache for both). From a bucket, a second reference: the same objects fetched one after the "
  "other by one `curl` (signed `GET`s on one connection) to `/dev/null`; the server reads the "
  "next entry's object while it sends the current one. Best of 3 runs each.")
w("")
w("| Stack | Items | ZIP bytes | Hako MB/s | cat MB/s | Ratio | GET MB/s | Ratio | Server peak RSS (MiB) |")
w("|---|---|---|---|---|---|---|---|---|")
for s in measured:
    w(f"| {s} | {r[s].get('zip.items', '–')} | {fmt(num(s, 'zip.bytes'), 0)} | "
      f"{fmt(num(s, 'zip.hako_mbs'))} | {fmt(num(s, 'zip.cat_mbs'))} | "
      f"{fmt(ratio(num(s, 'zip.hako_mbs'), num(s, 'zip.cat_mbs')), 2)}× | "
      f"{fmt(num(s, 'zip.get_mbs'))} | {fmt(ratio(num(s, 'zip.hako_mbs'), num(s, 'zip.get_mbs')), 2)}× | "
      f"{fmt(num(s, 'zip.rss_mib'))} |")
w("")

w("## 3. Media processing (SPEC T3, T4)")
w("")
w(f"{photos} JPEG photos of 4000×3000 (ffmpeg `testsrc2`) uploaded by `hako-device backup`; the "
  "server's media workers (one per core) decode each one (JPEGs at the smallest DCT scale that "
  "covers the preview), read EXIF and write a 256 px thumbnail and a 1440 px preview. The photos "
  "go up with the workers off; Hako's time is the wall-clock time from starting a server with "
  "its workers to no photo pending (server start-up included). The reference is `vipsthumbnail` making the same two sizes (Q=78 and Q=85, one process "
  "per size, as in `scripts/bench-thumbnails.sh`) from the same files, one after the other.")
w("")
w("| Stack | Processed | Hako photos/s | vipsthumbnail photos/s | Ratio | Server peak RSS (MiB) |")
w("|---|---|---|---|---|---|")
for s in measured:
    w(f"| {s} | {r[s].get('media.processed', '–')} | {fmt(num(s, 'media.hako_pps'), 2)} | "
      f"{fmt(num(s, 'media.vips_pps'), 2)} | "
      f"{fmt(ratio(num(s, 'media.hako_pps'), num(s, 'media.vips_pps')), 2)}× | "
      f"{fmt(num(s, 'media.rss_mib'))} |")
w("")

w("## 4. Timeline under load (SPEC V4, X3)")
w("")
w(f"An account made by `hako bench-fixture` with {int(items):,} items over {years} years, "
  f"signed in through the API; `wrk` for {wrk_secs} s with {wrk_conns} connections in total, "
  "with the session cookie, against `GET /api/v1/rooms/1/timeline` (the month list) and "
  "`GET /api/v1/rooms/1/timeline/YYYY-MM` (the first page of the middle month). wrk sends no "
  "`Accept-Encoding`, so answers are uncompressed. With two instances (two `hako serve` "
  "processes on the same database and data folder, different ports) there is no load balancer: "
  "two wrk processes run at the same time, one per instance, each with half the connections "
  "and one thread, and their req/s are summed (latency: the worse of the two). SQLite is "
  "measured with one instance only: it is single-machine by design (SPEC X3), so a second "
  "server on the same file is not a supported set-up.")
w("")
w("Answer sizes (uncompressed): " + "; ".join(
    f"{s}: month list {fmt(num(s, 'timeline.list.bytes'), 0)} B, month page "
    f"{r[s].get('timeline.month', '?')} {fmt(num(s, 'timeline.month.bytes'), 0)} B" for s in measured
    if num(s, "timeline.list.bytes") is not None) + ".")
w("")
w("| Stack | Fixture (s) | Instances | Month list req/s | p50 / p99 ms | Month page req/s | "
  "p50 / p99 ms | Peak RSS per instance (MiB) |")
w("|---|---|---|---|---|---|---|---|")
for s in measured:
    for n in (1, 2):
        if num(s, f"timeline.list.{n}.rps") is None:
            continue
        w(f"| {s} | {fmt(num(s, 'fixture.secs'))} | {n} | "
          f"{fmt(num(s, f'timeline.list.{n}.rps'), 0)} | "
          f"{fmt(num(s, f'timeline.list.{n}.p50_ms'), 2)} / {fmt(num(s, f'timeline.list.{n}.p99_ms'), 2)} | "
          f"{fmt(num(s, f'timeline.month.{n}.rps'), 0)} | "
          f"{fmt(num(s, f'timeline.month.{n}.p50_ms'), 2)} / {fmt(num(s, f'timeline.month.{n}.p99_ms'), 2)} | "
          f"{r[s].get(f'timeline.{n}.rss_mib', '–')} |")
w("")
if (os.cpu_count() or 0) <= 4:
    w(f"On this {os.cpu_count()}-CPU machine wrk, the servers and PostgreSQL compete for the same "
      "cores, so a second instance cannot add capacity here; the two-instance rows show that "
      "instances share one database correctly under load, not how far Hako scales out.")
    w("")

if writer_shapes:
    w("## 5. Writers of different accounts (SPEC X3)")
    w("")
    w(f"{phones} accounts with one phone each; every phone backs up {files} new files of {kib} KiB "
      "(documents: no media job) with `hako-device backup`, all phones at once. With two "
      "instances phone p talks to instance p mod 2. Each file is a tus upload and one write "
      "transaction; on PostgreSQL writers take turns per account (an exclusive advisory lock on "
      "the account under a shared one that writes spanning accounts take exclusively), so the "
      "phones' writes do not wait for each other. Files/s is all files over the wall-clock time "
      "of the slowest phone. On PostgreSQL the part runs twice: with the database on loopback, "
      "and with it \"on another machine\" — every packet to and from PostgreSQL held for the "
      "delay by `scripts/delay-proxy.py` — where a write transaction holds its lock for its round "
      "trips, so one lock for every writer would cap all phones together.")
    w("")
    w("| Stack | Database delay (ms, each way) | Instances | Files/s | Peak RSS per instance (MiB) |")
    w("|---|---|---|---|---|")
    for s in measured:
        for delay in writer_delays:
            for n in (1, 2):
                if num(s, f"writers.{delay}.{n}.files_per_s") is not None:
                    w(f"| {s} | {delay} | {n} | {fmt(num(s, f'writers.{delay}.{n}.files_per_s'))} | "
                      f"{r[s].get(f'writers.{delay}.{n}.rss_mib', '–')} |")
    w("")

# The targets measured by the sibling scripts (long or separate runs): their last results, kept
# in docs/bench/*.tsv, and the app's size from dist/ as it is now.
def sibling(name):
    values = {}
    try:
        with open(f"docs/bench/{name}.tsv", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("\t")
                values[key] = value
    except OSError:
        pass
    return values


def fnum(values, key):
    try:
        return float(values[key])
    except (KeyError, ValueError):
        return None


def shipped():
    """Bytes of the viewer's WASM, JS and CSS as index.html names them, brotli-compressed."""
    import re
    try:
        html = open("dist/index.html", encoding="utf-8").read()
    except OSError:
        return None, []
    files = sorted(set(re.findall(r'(?:href|src)="/([^"]+\.(?:wasm|js|css))"', html)))
    sizes = [(f, os.path.getsize(f"dist/{f}.br")) for f in files if os.path.exists(f"dist/{f}.br")]
    return sum(size for _, size in sizes), sizes


def measured_by(values):
    return f"`{values.get('command', '?')}`, {values.get('date', '?')}, commit {values.get('commit', '?')}"


w("## 6. The viewer at scale, the tus server, the app (sibling scripts)")
w("")
w("Measured by the scripts named in each row, whose last results are kept in `docs/bench/*.tsv` "
  "(a 10-million-item fixture takes minutes, so they are not part of this run); the app's size is "
  "read from `dist/` now. Goals from issue 17.")
w("")
w("| Measure | Goal | Measured | By |")
w("|---|---|---|---|")
for stack in ("sqlite", "postgres"):
    v = sibling(f"viewer-{stack}")
    if not v:
        continue
    items_n = int(fnum(v, "items") or 0)
    by = measured_by(v)
    pages = [fnum(v, k) for k in v if k.startswith("page_ms.")]
    rows_v = [
        (f"`hako bench-fixture`, {items_n:,} items, {stack} (s)", "minutes, not hours",
         fmt(fnum(v, "fixture_s"))),
        (f"Month list, server time, {items_n:,} items, {stack} (ms, brotli)", "≤ 10",
         fmt(fnum(v, "list_ms"))),
        (f"Month list size, {items_n:,} items (KB, brotli / plain)", "≤ 60 compressed",
         f"{fmt((fnum(v, 'list_br_bytes') or 0) / 1000)} / {fmt((fnum(v, 'list_identity_bytes') or 0) / 1000)}"),
        (f"A month's first page, server time, {stack} (ms, slowest of newest, middle, oldest)",
         "≤ 5", fmt(max(pages) if pages else None)),
    ]
    for view in ("pc", "phone"):
        rows_v.append((f"Oldest month's thumbnails after a rail jump, {view}, {stack} (ms)", "≤ 250",
                       fmt(fnum(v, f"{view}.oldest_month_after_release_ms"), 0)))
        rows_v.append((f"Longest main-thread task scrolling and scrubbing, {view}, {stack} (ms)",
                       "≤ 50", fmt(fnum(v, f"{view}.longest_task_scroll_scrub_ms"), 0)))
    for label, goal, value in rows_v:
        w(f"| {label} | {goal} | {value} | {by} |")
t = sibling("tus")
if t:
    w(f"| tus PATCHes of {t.get('chunk_mib')} MiB, {t.get('size_mib')} MiB file (MiB/s): Hako "
      f"(with CRC-32) vs {t.get('versions', '@tus/server')} | ≥ 1.5× | "
      f"{fmt(fnum(t, 'hako_mibs'))} ({fmt(fnum(t, 'hako_crc32_mibs'))}) vs {fmt(fnum(t, 'tus_mibs'))} = "
      f"**{fmt(ratio(fnum(t, 'hako_mibs'), fnum(t, 'tus_mibs')), 2)}×** | {measured_by(t)} |")
total, sizes = shipped()
if total:
    parts = ", ".join(f"{name.split('-')[0]}{os.path.splitext(name)[1]} {size / 1024:.0f}" for name, size in sizes)
    w(f"| The viewer's WASM + JS + CSS, brotli (KiB) | ≤ 250 | **{total / 1024:.0f}** ({parts}) | "
      "`dist/` (`trunk build --release`) |")
lh = sibling("lighthouse")
if lh:
    w(f"| First paint of the sign-in page, {lh.get('version', 'Lighthouse')} (ms): FCP / LCP; score | "
      f"≤ 1,000 | {fmt(fnum(lh, 'fcp'), 0)} / {fmt(fnum(lh, 'lcp'), 0)}; {fmt(fnum(lh, 'score'), 0)} | "
      f"{measured_by(lh)} |")
w("")

w("## What bounds the targets not met (issue 17)")
w("")
w("- **Upload ≥ 0.6× `cp` + `sync`**: every byte is hashed twice with SHA-256 by design — by the "
  "phone before it creates the upload (the duplicate check's key) and by the server before the "
  "item exists — at about 1.9 GB/s (SHA-NI) on the same two cores as the phone, the server and "
  "the disk flush: about 0.55× is the ceiling here with zero other cost.")
w("- **Upload into the bucket ≥ 0.5× a plain PUT**: SeaweedFS runs on the same two cores; the "
  "server hashes and stages each 8 MiB part before sending it (two parts in flight were tried: "
  "no gain while the store itself is CPU-bound).")
w("- **ZIP ≥ 0.9× `cat`**: every byte is copied three times (page cache → server buffer → "
  "loopback socket → curl) against `cat`'s one; hyper's body offers no `sendfile`/`splice`.")
w("- **tus ≥ 1.5× `@tus/server`**: Hako hashes every byte (SHA-256 on a thread of its own) and "
  "`fdatasync`s before it acknowledges an offset (the durability contract); `@tus/file-store` "
  "does neither.")
w("- **10M on PostgreSQL (month list ≤ 10 ms, a page ≤ 5 ms, rail ≤ 250 ms)**: the run was "
  "measured right after inserting 10M rows, with autovacuum on the new table sharing the two "
  "cores (bench-viewer.sh now runs `VACUUM ANALYZE` first); a page is 500 rows through sqlx's "
  "`Any` driver at ~2.5 µs a row plus two `EXISTS` per row for the save status; the rail jump is "
  "that page plus ~20 thumbnails fetched and decoded by Chromium on the server's cores.")
w("- **Two instances faster than one**: on two cores the phones, the servers and PostgreSQL "
  "saturate the CPU (vmstat ≈ 90 % busy); with the database 1 ms away the phones' own round "
  "trips bound it. What changed is that accounts no longer wait for each other's writes: with the "
  "database 1 ms away 8 phones went from 50 files/s (one lock for every writer) to 88–94.")
w("- **The app ≤ 250 KiB**: the WASM is code (tachys 30 %, core 14 %, reactive_graph 11.5 % by "
  "`twiggy`), no debug or name sections; it needs the console split from the viewer and fewer "
  "distinct view types, not a compiler flag.")
w("")

w("## Chart")
w("")
w("![Hako against its references, per stack](performance.png)")
w("")

with open(md_path, "w", encoding="utf-8") as f:
    f.write("\n".join(md))

# The chart: ratios to the references (left) and timeline req/s (right), one bar per stack.
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [3, 4]})
colors = ["#3b6ea8", "#d08b2c", "#5a9e5a", "#a8473b"]
width = 0.8 / max(1, len(measured))
labels = ["Upload\nvs cp", "ZIP download\nvs cat", "Thumbnails\nvs vipsthumbnail"]
keys = [("upload.hako_mbs", "upload.cp_mbs"), ("zip.hako_mbs", "zip.cat_mbs"),
        ("media.hako_pps", "media.vips_pps")]
for i, s in enumerate(measured):
    vals = [ratio(num(s, a), num(s, b)) or 0 for a, b in keys]
    xs = [j + (i - (len(measured) - 1) / 2) * width for j in range(len(keys))]
    bars = left.bar(xs, vals, width, label=s, color=colors[i % len(colors)])
    left.bar_label(bars, labels=[f"{v:.2f}×" if v else "n/a" for v in vals], fontsize=8)
left.axhline(1, color="#444", linewidth=0.8, linestyle="--")
left.set_xticks(range(len(keys)), labels)
left.set_ylabel("Hako / reference (1 = as fast)")
left.set_title("Throughput against plain tools")
if measured:
    left.legend()

tl_labels = ["Month list\n1 instance", "Month list\n2 instances", "Month page\n1 instance",
             "Month page\n2 instances"]
tl_keys = ["timeline.list.1.rps", "timeline.list.2.rps", "timeline.month.1.rps",
           "timeline.month.2.rps"]
for i, s in enumerate(measured):
    vals = [num(s, k) or 0 for k in tl_keys]
    xs = [j + (i - (len(measured) - 1) / 2) * width for j in range(len(tl_keys))]
    bars = right.bar(xs, vals, width, label=s, color=colors[i % len(colors)])
    right.bar_label(bars, labels=[f"{v:,.0f}" if v else "n/a" for v in vals], fontsize=8)
right.set_xticks(range(len(tl_keys)), tl_labels)
right.set_ylabel("requests / s (wrk)")
right.set_title(f"Timeline, {int(items):,}-item ROOM")
if measured:
    right.legend()
fig.suptitle(f"Hako performance — {os.cpu_count()} CPUs, {now}", fontsize=11)
fig.tight_layout()
fig.savefig(png_path, dpi=110)

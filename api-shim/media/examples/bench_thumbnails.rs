//! Times Hako's photo processing (EXIF, decode, 256 px thumbnail, 1440 px preview) over every
//! JPEG in a folder and prints photos per second. Used by scripts/bench-thumbnails.sh.

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Instant,
};

use hako_media as media;
use hako_protocol::ItemKind;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: bench_thumbnails DIR");
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    let scratch = tempfile_dir()?;
    // As the server runs its media workers: one per core, each taking the next photo.
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let name = path.file_name().unwrap().to_string_lossy();
                    let found = media::extract(ItemKind::Photo, &name, path, &scratch)
                        .expect("the photos decode");
                    assert!(found.thumb.is_some() && found.preview.is_some());
                }
            });
        }
    });
    let secs = started.elapsed().as_secs_f64();
    println!(
        "hako (decode + EXIF + thumbnail + preview, {workers} workers): {} photos in {secs:.2} s = {:.2} photos/s",
        files.len(),
        files.len() as f64 / secs
    );
    Ok(())
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("hako-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

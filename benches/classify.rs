//! Classifying replies: a mixed batch from the fixture corpus (plain, HTML,
//! auto-replies, bounces) and one typical plain-text reply. Throughput is
//! set per message, so criterion reports messages per second.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use relance::classify::classify_file_bytes;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replies");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("the corpus directory exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read(&p).expect("readable fixture"))
        })
        .collect();
    files.sort();
    files
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("mixed_corpus_batch", |b| {
        b.iter(|| {
            for (_, raw) in &files {
                black_box(classify_file_bytes(black_box(raw)));
            }
        })
    });
    let typical = files
        .iter()
        .find(|(name, _)| name.starts_with("fr-gmail-plain-promise"))
        .map(|(_, raw)| raw.clone())
        .unwrap_or_default();
    group.throughput(Throughput::Elements(1));
    group.bench_function("typical_plain_reply", |b| {
        b.iter(|| black_box(classify_file_bytes(black_box(&typical))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

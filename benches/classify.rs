//! Classifying replies: one typical plain-text reply, one HTML-only Outlook
//! reply, and mixed batches (plain, HTML, auto-replies, bounces) from both
//! fixture corpora. Throughput is set per message, so criterion reports
//! messages per second and the time per message.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use relance::classify::classify_file_bytes;

fn corpus(name: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
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

fn one(files: &[(String, Vec<u8>)], prefix: &str) -> Vec<u8> {
    files
        .iter()
        .find(|(name, _)| name.starts_with(prefix))
        .map(|(_, raw)| raw.clone())
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let files = corpus("replies");
    let heldout = corpus("replies-heldout");
    let mut group = c.benchmark_group("classify");
    for (name, batch) in [
        ("mixed_corpus_batch", &files),
        ("heldout_corpus_batch", &heldout),
    ] {
        group.throughput(Throughput::Elements(batch.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for (_, raw) in batch.iter() {
                    black_box(classify_file_bytes(black_box(raw)));
                }
            })
        });
    }
    let typical = one(&files, "fr-gmail-plain-promise");
    let html = one(&heldout, "fr-outlook-html-promise-semaine-prochaine");
    group.throughput(Throughput::Elements(1));
    group.bench_function("typical_plain_reply", |b| {
        b.iter(|| black_box(classify_file_bytes(black_box(&typical))))
    });
    group.bench_function("outlook_html_reply", |b| {
        b.iter(|| black_box(classify_file_bytes(black_box(&html))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

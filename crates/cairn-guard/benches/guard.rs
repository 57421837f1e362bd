//! Throughput (messages per second on one core) and incremental-update latency in a long
//! conversation. Synthetic messages only.

use cairn_guard::{Guard, Message};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const LINES: [(&str, &str); 12] = [
    ("a", "hey how was school today"),
    ("b", "boring lol we had a maths test"),
    ("a", "ur so mature for ur age honestly"),
    ("b", "haha thanks i guess"),
    ("a", "are your parents home rn?"),
    ("b", "no they went out"),
    ("a", "dont tell anyone we talk ok, its our secret"),
    ("b", "ok 😅"),
    ("a", "add me on snap its easier there"),
    ("b", "tu viens à l'entraînement demain ?"),
    ("a", "kannst du mir ein foto schicken"),
    ("b", "на колко си години"),
];

fn conversation(n: usize) -> Vec<Message> {
    (0..n)
        .map(|i| {
            let (a, t) = LINES[i % LINES.len()];
            Message::new(a, format!("{t} {}", i % 97))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let guard = Guard::embedded().expect("embedded data");
    let conv = conversation(1000);
    let mut g = c.benchmark_group("guard");
    g.throughput(Throughput::Elements(conv.len() as u64));
    g.bench_function("assess_1000_messages", |b| {
        b.iter(|| black_box(guard.assess(black_box(&conv))))
    });
    g.finish();

    // One more message after 10,000 already in the session.
    let long = conversation(10_000);
    let mut session = guard.session();
    for m in &long {
        session.push(m);
    }
    let next = Message::new("a", "send me a pic, you have 1 hour or i post them");
    c.bench_function("push_one_after_10000", |b| {
        // Only the push is timed: the clone of the 10,000-message session is set up before.
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let mut s = session.clone();
                let t = std::time::Instant::now();
                black_box(s.push(black_box(&next)));
                total += t.elapsed();
            }
            total
        })
    });
    // The session state itself: push into the same growing session (no clone in the loop).
    let mut growing = guard.session();
    for m in &long {
        growing.push(m);
    }
    c.bench_function("push_growing_session", |b| {
        b.iter(|| black_box(growing.push(black_box(&next))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

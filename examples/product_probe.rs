use orderdesk::store::Store;
use orderdesk::tui::worker::find_products;
use std::time::Instant;
fn main() {
    let store = Store::open(std::path::Path::new("target/bench-depot-benchmark.db")).unwrap();
    let qs: Vec<String> = std::env::args().skip(1).collect();
    let qs = if qs.is_empty() {
        vec![
            "b", "bo", "bou", "bout", "bout m", "bout m8", "ve", "ver", "verf", "verf w",
            "verf wi", "koffie", "handsch", "kabel", "xyzq", "M8-BOLT",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    } else {
        qs
    };
    for q in &qs {
        let mut times = Vec::new();
        let mut fts = Vec::new();
        let mut n = 0;
        for _ in 0..11 {
            let t = Instant::now();
            n = find_products(&store, Some("C100001"), q, 8).unwrap().len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let _ = store.search_products(q, 300).unwrap();
            fts.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        fts.sort_by(f64::total_cmp);
        println!(
            "{q:>10}: find_products median {:>6.2} ms (search_products {:>6.2} ms) max {:>6.2} -> {n}",
            times[5], fts[5], times[10]
        );
    }
}

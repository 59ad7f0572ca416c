use orderdesk::domain::search::{CustomerIndex, CustomerRecord};
use orderdesk::store::Store;
use std::time::Instant;
fn main() {
    let store = Store::open(std::path::Path::new("target/bench-depot-benchmark.db")).unwrap();
    let mut index = CustomerIndex::new();
    store
        .for_each_customer_search_row(|r| {
            index.push(CustomerRecord {
                id: r.id,
                number: r.number,
                name: r.name,
                city: r.city,
                postcode: r.postcode,
                contacts: r.contacts,
                phones: r.phones,
                blocked: r.blocked,
                over_limit: false,
            })
        })
        .unwrap();
    index.shrink();
    let qs: Vec<String> = std::env::args().skip(1).collect();
    let qs = if qs.is_empty() {
        vec![
            "j", "ja", "jan", "jansen", "b", "d", "de", "de v", "0", "0201", "xq", "jnsn",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    } else {
        qs
    };
    for q in qs.iter().map(String::as_str) {
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..21 {
            let t = Instant::now();
            n = index.search(q, None, 50).total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{q:>8}: median {:>6.2} ms min {:>6.2} ({n} matches)",
            times[10], times[0]
        );
    }
}

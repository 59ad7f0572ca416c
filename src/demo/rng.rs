//! Seeded randomness. Every part of the depot draws from its own ChaCha stream derived from the
//! seed and a fixed stream number, so the same seed gives the same depot and changing how many
//! orders are made does not reshuffle the customers.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub type DemoRng = ChaCha8Rng;

/// Stream numbers: one per part of the depot, never reused.
pub mod streams {
    pub const SUPPLIERS: u64 = 1;
    pub const PRODUCTS: u64 = 2;
    pub const STOCK: u64 = 3;
    pub const PROMOTIONS: u64 = 4;
    pub const CUSTOMERS: u64 = 5;
    pub const PROFILES: u64 = 6;
    pub const ORDER_TIMES: u64 = 7;
    pub const ORDER_LINES: u64 = 8;
    pub const BUNDLES: u64 = 9;
}

pub fn stream(seed: u64, stream: u64) -> DemoRng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&stream.to_le_bytes());
    key[16..24].copy_from_slice(b"orderdsk");
    ChaCha8Rng::from_seed(key)
}

/// One of `items`, or `None` when there are none.
pub fn pick<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.random_range(0..items.len()))
    }
}

/// One of `items` (which must not be empty: callers pass the embedded word lists, checked at load).
pub fn word(rng: &mut DemoRng, items: &[&'static str]) -> &'static str {
    pick(rng, items).copied().unwrap_or("")
}

/// An index below `n` where index `i` is about `1/(i+1)` as likely as index 0: the few best
/// sellers and the long tail of any assortment.
pub fn zipf(rng: &mut DemoRng, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let u: f64 = rng.random();
    // Inverse of the continuous harmonic distribution on [1, n+1).
    let x = ((n as f64) + 1.0).powf(u) - 1.0;
    (x as usize).min(n - 1)
}

pub fn chance(rng: &mut DemoRng, p: f64) -> bool {
    rng.random_bool(p.clamp(0.0, 1.0))
}

/// A whole number in `lo..=hi`.
pub fn between(rng: &mut DemoRng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// `base × factor` with the factor uniform in `lo..hi`, rounded.
pub fn jitter(rng: &mut DemoRng, base: i64, lo: f64, hi: f64) -> i64 {
    let f: f64 = rng.random_range(lo..hi);
    ((base as f64) * f).round() as i64
}

/// A positive weight from a log-normal-ish distribution (`exp` of a sum of uniforms): most
/// customers are small, a few are large.
pub fn lognormal(rng: &mut DemoRng, spread: f64) -> f64 {
    let s: f64 = (0..4).map(|_| rng.random::<f64>()).sum::<f64>() - 2.0;
    (s * spread).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u32> = (0..5).map(|_| stream(7, 1).random()).collect();
        let mut r1 = stream(7, 1);
        let mut r2 = stream(7, 1);
        let mut r3 = stream(7, 2);
        let x: u64 = r1.random();
        assert_eq!(x, r2.random::<u64>());
        assert_ne!(x, r3.random::<u64>());
        assert_eq!(a.len(), 5);
    }

    #[test]
    fn zipf_favours_the_head() {
        let mut rng = stream(1, 99);
        let mut counts = [0usize; 100];
        for _ in 0..20_000 {
            counts[zipf(&mut rng, 100)] += 1;
        }
        assert!(counts[0] > counts[10] * 4, "{counts:?}");
        assert!(counts[99] > 0);
        assert_eq!(zipf(&mut rng, 1), 0);
        assert_eq!(zipf(&mut rng, 0), 0);
    }

    #[test]
    fn between_handles_empty_ranges() {
        let mut rng = stream(1, 1);
        assert_eq!(between(&mut rng, 5, 5), 5);
        assert_eq!(between(&mut rng, 5, 2), 5);
        assert!(pick::<u8>(&mut rng, &[]).is_none());
    }
}

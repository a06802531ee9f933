//! Random identifiers: request IDs, rule IDs and STS credentials. A splitmix64
//! generator seeded from the OS; unpredictability is not a goal of an emulator, but
//! identifiers must not repeat across restarts.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;

/// A thread-safe pseudo-random source.
#[derive(Debug)]
pub struct Ids {
    state: Mutex<u64>,
    counter: AtomicU64,
}

impl Default for Ids {
    fn default() -> Self {
        Self::new()
    }
}

fn os_seed() -> u64 {
    let mut buf = [0u8; 8];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut buf))
        .is_ok();
    let mut seed = u64::from_le_bytes(buf);
    if !from_os {
        seed = crate::clock::real_now_ms() as u64 ^ u64::from(std::process::id()) << 32;
    }
    seed
}

impl Ids {
    /// Seeded from `/dev/urandom` (or the time and pid where that is missing).
    pub fn new() -> Self {
        Ids {
            state: Mutex::new(os_seed()),
            counter: AtomicU64::new(0),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn bytes(&self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(n);
        out
    }

    /// `n` characters from `alphabet`.
    fn chars(&self, n: usize, alphabet: &[u8]) -> String {
        (0..n)
            .map(|_| alphabet[(self.next_u64() % alphabet.len() as u64) as usize] as char)
            .collect()
    }

    /// A request ID like OSS's: 24 uppercase hex digits, unique within the process.
    pub fn request_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:08X}{:016X}",
            (crate::clock::real_now_ms() / 1000) as u32,
            self.next_u64() ^ n
        )
    }

    /// A UUID-v4-shaped rule ID (`d6a8bfe3-56f6-42dd-9e7f-b4301d99b0ed`).
    pub fn uuid(&self) -> String {
        let b = self.bytes(16);
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-4{}-{}{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            ["8", "9", "a", "b"][(b[8] & 3) as usize],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// An STS AccessKey ID: `STS.` and 28 alphanumerics.
    pub fn sts_access_key_id(&self) -> String {
        format!(
            "STS.{}",
            self.chars(
                28,
                b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789"
            )
        )
    }

    /// An STS AccessKey secret: 44 alphanumerics.
    pub fn sts_secret(&self) -> String {
        self.chars(
            44,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        )
    }

    /// An STS security token: long base64 starting with `CAIS`, always containing `+`, `/` and `=`.
    pub fn sts_token(&self) -> String {
        loop {
            let t = format!(
                "CAIS{}",
                base64::engine::general_purpose::STANDARD.encode(self.bytes(466))
            );
            if t.contains('+') && t.contains('/') && t.ends_with('=') {
                return t;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let ids = Ids::new();
        let r = ids.request_id();
        assert_eq!(r.len(), 24);
        assert_ne!(r, ids.request_id());
        let u = ids.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert!(ids.sts_access_key_id().starts_with("STS."));
        let t = ids.sts_token();
        assert!(t.len() > 600 && t.contains('+') && t.contains('/') && t.ends_with('='));
    }
}

//! Sealing a short value with a key used once: ChaCha20-Poly1305 (ring) under a fresh random
//! key, which the caller hands to someone else than the one keeping the sealed bytes.
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

/// A sealed value and the key that opens it (hex), bound to `context`.
pub struct Sealed {
    pub key: String,
    pub bytes: Vec<u8>,
}

fn cipher(key: &[u8]) -> Option<LessSafeKey> {
    UnboundKey::new(&CHACHA20_POLY1305, key)
        .ok()
        .map(LessSafeKey::new)
}

/// Every key seals one value only, so a fixed nonce never repeats under a key.
fn nonce() -> Nonce {
    Nonce::assume_unique_for_key([0; NONCE_LEN])
}

pub fn seal(plain: &[u8], context: &str) -> Option<Sealed> {
    let mut key = [0u8; 32];
    SystemRandom::new().fill(&mut key).ok()?;
    let mut bytes = plain.to_vec();
    cipher(&key)?
        .seal_in_place_append_tag(nonce(), Aad::from(context.as_bytes()), &mut bytes)
        .ok()?;
    Some(Sealed {
        key: hex::encode(key),
        bytes,
    })
}

/// The value, when `key` opens `bytes` sealed for `context` (else none: wrong key, another
/// context or altered bytes).
pub fn open(key: &str, mut bytes: Vec<u8>, context: &str) -> Option<Vec<u8>> {
    let key = hex::decode(key).ok()?;
    let plain = cipher(&key)?
        .open_in_place(nonce(), Aad::from(context.as_bytes()), &mut bytes)
        .ok()?;
    Some(plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_its_own_key_and_context_open_a_sealed_value() {
        let s = seal(b"\"esk_secret\"", "/api/add_ingest_key").unwrap();
        assert!(!s.bytes.windows(10).any(|w| w == b"esk_secret"));
        assert_eq!(
            open(&s.key, s.bytes.clone(), "/api/add_ingest_key").unwrap(),
            b"\"esk_secret\""
        );
        assert!(open(&s.key, s.bytes.clone(), "/api/other").is_none());
        let other = seal(b"x", "/api/add_ingest_key").unwrap();
        assert_ne!(other.key, s.key, "a fresh key each time");
        assert!(open(&other.key, s.bytes.clone(), "/api/add_ingest_key").is_none());
        let mut altered = s.bytes.clone();
        altered[0] ^= 1;
        assert!(open(&s.key, altered, "/api/add_ingest_key").is_none());
        assert!(open("not hex", s.bytes, "/api/add_ingest_key").is_none());
    }
}

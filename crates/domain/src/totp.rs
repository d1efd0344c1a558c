//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): SHA-1, 6 digits, 30-second steps,
//! accepting one step either side for clock drift. A code is accepted at most once: callers store
//! the last accepted step and pass it in.

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Step length in seconds.
pub const STEP: i64 = 30;

/// A new 160-bit secret, base32 without padding (what authenticator apps expect).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

/// The `otpauth://` URI for enrolment (shown as a QR code and as text).
pub fn provisioning_uri(secret: &str, account: &str, issuer: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        url_escape(issuer),
        url_escape(account),
        url_escape(issuer)
    )
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// HOTP value for a key and counter (RFC 4226 section 5.3), as `digits` decimal digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let bin = ((u32::from(h[offset]) & 0x7f) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    bin % 10u32.pow(digits)
}

/// The time step of an instant.
pub fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP)
}

/// The 6-digit code for a secret at an instant (for tests and for showing in the demo).
pub fn code_at(secret_b32: &str, at: DateTime<Utc>) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret_b32.as_bytes()).ok()?;
    Some(format!(
        "{:06}",
        hotp(&key, u64::try_from(step_of(at)).ok()?, 6)
    ))
}

/// Checks a code. Returns the matched step when the code is right for the current step or one either
/// side and that step is later than `last_used_step` (so a code cannot be replayed).
pub fn verify(
    secret_b32: &str,
    code: &str,
    at: DateTime<Utc>,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let key = BASE32_NOPAD.decode(secret_b32.as_bytes()).ok()?;
    let now = step_of(at);
    let mut matched = None;
    for s in [now - 1, now, now + 1] {
        let Ok(counter) = u64::try_from(s) else {
            continue;
        };
        let expected = format!("{:06}", hotp(&key, counter, 6));
        if crate::secret::ct_eq(&expected, &code) {
            matched = Some(s);
        }
    }
    match (matched, last_used_step) {
        (Some(s), Some(last)) if s <= last => None,
        (m, _) => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 8 digits.
    #[test]
    fn rfc6238_test_vectors() {
        let key = b"12345678901234567890";
        for (t, expected) in [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(key, (t / 30) as u64, 8), expected, "t={t}");
        }
    }

    // RFC 4226 appendix D.
    #[test]
    fn rfc4226_test_vectors() {
        let key = b"12345678901234567890";
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(hotp(key, i as u64, 6), *e);
        }
    }

    #[test]
    fn verify_accepts_adjacent_steps_and_refuses_replay() {
        let secret = new_secret();
        let t = Utc
            .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
            .single()
            .unwrap();
        let code = code_at(&secret, t).unwrap();
        let step = verify(&secret, &code, t, None).unwrap();
        assert_eq!(
            verify(&secret, &code, t + chrono::Duration::seconds(30), None),
            Some(step)
        );
        assert_eq!(
            verify(&secret, &code, t + chrono::Duration::seconds(90), None),
            None
        );
        assert_eq!(
            verify(&secret, &code, t, Some(step)),
            None,
            "replay refused"
        );
        assert_eq!(verify(&secret, "12345", t, None), None);
        assert_eq!(verify(&secret, "abcdef", t, None), None);
    }
}

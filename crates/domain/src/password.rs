//! The password policy (ASVS 5.0 6.2; SECURITY.md R-AUTHN-3): 12 to 1,024 characters, any Unicode, no
//! composition rules, no expiry, and not a common password (a bundled list of 30,000) nor a common
//! password padded with digits or symbols, nor one built from context words such as the person's email.
//!
//! The upper bound is 1,024 rather than ASVS 4.0.3's "at least 128 allowed, more refused": long
//! passphrases are welcome, and the bound only stops hashing megabytes on every sign-in attempt.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Minimum length in characters (Unicode scalar values).
pub const MIN_CHARS: usize = 12;
/// Maximum length in characters.
pub const MAX_CHARS: usize = 1024;

static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();

fn common() -> &'static HashSet<&'static str> {
    COMMON.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Checks a new password. `context` holds words that must not make up the password (the email's
/// local part, the person's name, the service name). Returns the message to show, or `None` if the
/// password is acceptable.
pub fn check(password: &str, context: &[&str]) -> Option<&'static str> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Some("Password must be 12 characters or more");
    }
    if n > MAX_CHARS {
        return Some("Password must be 1,024 characters or fewer");
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Some(
            "Password is too common: choose one that is harder to guess, such as three random words",
        );
    }
    let distinct: HashSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Some(
            "Password repeats too few different characters: choose one that is harder to guess",
        );
    }
    for word in context {
        let w = word.trim().to_lowercase();
        if w.chars().count() >= 3 && strip_padding(&lower.replace(&w, "")).is_empty() {
            return Some(
                "Password must not be made from your name, email address or the service name",
            );
        }
    }
    None
}

fn is_common(lower: &str) -> bool {
    let set = common();
    if set.contains(lower) {
        return true;
    }
    // "dragon1234567", "!!password2024!!": a common word padded with digits and symbols.
    let core = strip_padding(lower);
    if core.chars().count() >= 4 && set.contains(core) {
        return true;
    }
    // "passwordpassword": one common word repeated.
    for rep in 2..=4 {
        if lower.len().is_multiple_of(rep) {
            let part = &lower[..lower.len() / rep];
            if lower.is_char_boundary(lower.len() / rep)
                && part.repeat(rep) == lower
                && set.contains(part)
            {
                return true;
            }
        }
    }
    false
}

fn strip_padding(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_boundaries_are_exact() {
        assert!(
            check("correct hors", &[]).is_none(),
            "12 characters is allowed"
        );
        assert!(
            check("correct hor", &[]).is_some(),
            "11 characters is refused"
        );
        let max: String = "abcdefgh".repeat(128);
        assert_eq!(max.chars().count(), 1024);
        assert!(check(&max, &[]).is_none());
        assert!(check(&format!("{max}x"), &[]).is_some());
    }

    #[test]
    fn unicode_counts_characters_not_bytes() {
        assert!(
            check("éèêëüûùúñńň", &[]).is_some(),
            "11 characters, 22 bytes"
        );
        assert!(check("éèêëüûùúñńňņ", &[]).is_none());
    }

    #[test]
    fn every_long_entry_of_the_bundled_list_is_refused() {
        let long: Vec<&str> = common()
            .iter()
            .copied()
            .filter(|p| p.chars().count() >= 12)
            .collect();
        assert!(long.len() > 100);
        for p in long {
            assert!(check(p, &[]).is_some(), "{p}");
        }
    }

    #[test]
    fn padded_and_repeated_common_words_are_refused() {
        assert!(check("password123456", &[]).is_some());
        assert!(check("Dragon12345678!", &[]).is_some());
        assert!(check("monkeymonkey", &[]).is_some());
        assert!(check("aaaaaaaaaaaaaaaa", &[]).is_some());
    }

    #[test]
    fn context_words_are_refused() {
        assert!(check("jsmith2024!!!!", &["jsmith"]).is_some());
        assert!(check("purple tractor sunrise", &["jsmith"]).is_none());
    }
}

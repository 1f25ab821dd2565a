use serde::{Deserialize, Serialize};

/// One status code (`429`) or a class (`5xx`, `52x`) as an inclusive range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRange {
    pub lo: u16,
    pub hi: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum StatusParseError {
    #[error("“{0}” is not a status code: use a code such as 429, a list such as 429,502, or a class such as 5xx")]
    Invalid(String),
    #[error("too many status codes (at most 20)")]
    TooMany,
}

impl StatusRange {
    pub fn exact(code: u16) -> Self {
        StatusRange { lo: code, hi: code }
    }

    pub fn contains(self, code: u16) -> bool {
        (self.lo..=self.hi).contains(&code)
    }

    pub fn is_exact(self) -> bool {
        self.lo == self.hi
    }

    /// Parses `429`, `5xx` or `52x` (case-insensitive).
    pub fn parse(token: &str) -> Result<Self, StatusParseError> {
        let t = token.trim().to_ascii_lowercase();
        let bad = || StatusParseError::Invalid(token.trim().to_string());
        if t.len() != 3 || !t.starts_with(|c: char| ('1'..='5').contains(&c)) {
            return Err(bad());
        }
        let digits = t.trim_end_matches('x');
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let wild = 3 - digits.len() as u32;
        let base: u16 = digits.parse::<u16>().map_err(|_| bad())? * 10u16.pow(wild);
        Ok(StatusRange {
            lo: base,
            hi: base + 10u16.pow(wild) - 1,
        })
    }

    pub fn label(self) -> String {
        if self.is_exact() {
            self.lo.to_string()
        } else {
            let span = (self.hi - self.lo + 1).ilog10() as usize;
            let digits = self.lo.to_string();
            format!("{}{}", &digits[..3 - span], "x".repeat(span))
        }
    }
}

/// Parses a status filter: `429`, `429,502`, `5xx`, `4xx, 502`.
pub fn parse_status_list(input: &str) -> Result<Vec<StatusRange>, StatusParseError> {
    let ranges = input
        .split([',', ' ', '，'])
        .filter(|t| !t.trim().is_empty())
        .map(StatusRange::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if ranges.len() > 20 {
        return Err(StatusParseError::TooMany);
    }
    Ok(ranges)
}

/// The colour class of a status code, for display.
pub fn status_class(code: u16) -> &'static str {
    match code {
        200..=299 => "2xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_lists_and_classes() {
        assert_eq!(
            parse_status_list("429").unwrap(),
            vec![StatusRange::exact(429)]
        );
        assert_eq!(
            parse_status_list("429, 502").unwrap(),
            vec![StatusRange::exact(429), StatusRange::exact(502)]
        );
        assert_eq!(
            parse_status_list("5xx").unwrap(),
            vec![StatusRange { lo: 500, hi: 599 }]
        );
        assert_eq!(
            parse_status_list("52X").unwrap(),
            vec![StatusRange { lo: 520, hi: 529 }]
        );
        assert_eq!(StatusRange::parse("5xx").unwrap().label(), "5xx");
        assert_eq!(StatusRange::parse("52x").unwrap().label(), "52x");
        assert_eq!(StatusRange::parse("429").unwrap().label(), "429");
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["42", "4290", "abc", "x5x", "999", "0xx", "5x5"] {
            assert!(parse_status_list(bad).is_err(), "{bad} should be rejected");
        }
        assert!(parse_status_list(&"500,".repeat(21)).is_err());
    }
}

//! Times for the viewer: stored as UTC milliseconds, shown and read in the viewer's zone
//! (`?tz=`, else the account's setting, else the `errscope_tz` cookie the browser sets, else
//! UTC), with the offset shown.
use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::prefs::ZONE_COOKIE;

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The viewer's time zone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zone(pub Tz);

impl Default for Zone {
    fn default() -> Self {
        Zone(Tz::UTC)
    }
}

impl Zone {
    /// The first valid IANA name of the candidates, else UTC.
    pub fn pick<'a>(candidates: impl IntoIterator<Item = Option<&'a str>>) -> Zone {
        candidates
            .into_iter()
            .flatten()
            .find_map(|name| name.trim().parse::<Tz>().ok())
            .map(Zone)
            .unwrap_or_default()
    }

    /// Whether `name` is an IANA zone this server knows.
    pub fn is_known(name: &str) -> bool {
        name.trim().parse::<Tz>().is_ok()
    }

    /// The zone named in a `Cookie` header, if any.
    pub fn from_cookie_header(header: &str) -> Option<String> {
        crate::domain::prefs::cookie_value(header, ZONE_COOKIE).map(|v| v.replace("%2F", "/"))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// "Asia/Shanghai (UTC+08:00)", with the offset in force at `at_ms`.
    pub fn label(&self, at_ms: i64) -> String {
        let offset = self
            .0
            .offset_from_utc_datetime(&utc(at_ms).naive_utc())
            .fix();
        let secs = offset.local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.abs();
        format!(
            "{} (UTC{sign}{:02}:{:02})",
            self.name(),
            secs / 3600,
            secs % 3600 / 60
        )
    }

    pub fn format_ms(&self, ms: i64) -> String {
        utc(ms)
            .with_timezone(&self.0)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// `YYYY-MM-DDTHH:MM` as an `<input type=datetime-local>` shows it, in this zone.
    pub fn input_value(&self, ms: i64) -> String {
        utc(ms)
            .with_timezone(&self.0)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }

    /// `YYYY-MM-DDTHH:MM:SS` in this zone: a link's exact bound (the form reads seconds too).
    pub fn input_value_seconds(&self, ms: i64) -> String {
        utc(ms)
            .with_timezone(&self.0)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmm`: the last millisecond before an exclusive end, so a link's
    /// inclusive `to` covers exactly a half-open window.
    pub fn input_value_before(&self, end_ms: i64) -> String {
        utc(end_ms - 1)
            .with_timezone(&self.0)
            .format("%Y-%m-%dT%H:%M:%S%.3f")
            .to_string()
    }

    /// Midnight of the day of `ms` in this zone (1 am where the clocks skip midnight).
    pub fn today_start(&self, ms: i64) -> i64 {
        let midnight = self.span_start(ms, crate::domain::plain_words::Span::Today);
        self.parse_local(&midnight)
            .or_else(|| self.parse_local(&midnight.replace("T00:00", "T01:00")))
            .unwrap_or(ms)
    }

    /// Midnight of the day of `ms` (`Span::Today`) or of the Monday of its week
    /// (`Span::Week`), in this zone, as `input_value` writes it.
    pub fn span_start(&self, ms: i64, span: crate::domain::plain_words::Span) -> String {
        use chrono::Datelike;
        let day = utc(ms).with_timezone(&self.0).date_naive();
        let day = match span {
            crate::domain::plain_words::Span::Today => day,
            crate::domain::plain_words::Span::Week => {
                day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
            }
        };
        format!("{}T00:00", day.format("%Y-%m-%d"))
    }

    /// Reads `YYYY-MM-DDTHH:MM[:SS]` or `YYYY-MM-DD` in this zone. A time that falls in a
    /// daylight-saving gap does not exist and is refused; one that occurs twice reads as the earlier.
    pub fn parse_local(&self, s: &str) -> Option<i64> {
        let s = s.trim().replace('T', " ");
        let naive = [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
        match self.0.from_local_datetime(&naive) {
            LocalResult::Single(t) => Some(t.timestamp_millis()),
            LocalResult::Ambiguous(earlier, _) => Some(earlier.timestamp_millis()),
            LocalResult::None => None,
        }
    }
}

fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_and_reads_times_in_the_viewers_zone() {
        let z = Zone::pick([Some("nonsense"), Some("Asia/Shanghai")]);
        let ms = 1_795_256_403_000; // 2026-11-21T10:20:03Z
        assert_eq!(z.format_ms(ms), "2026-11-21 18:20:03");
        assert_eq!(z.label(ms), "Asia/Shanghai (UTC+08:00)");
        assert_eq!(z.parse_local("2026-11-21T18:20"), Some(ms - 3_000));
        assert_eq!(Zone::pick([None, Some("")]).name(), "UTC");
    }

    #[test]
    fn a_half_open_window_reads_back_exactly() {
        let z = Zone::pick([Some("Asia/Shanghai")]);
        let end = 1_795_256_400_000; // 2026-11-21T10:20:00Z
        assert_eq!(z.input_value_before(end), "2026-11-21T18:19:59.999");
        assert_eq!(z.parse_local(&z.input_value_before(end)), Some(end - 1));
        assert_eq!(z.parse_local("2026-11-21T18:20:00"), Some(end));
        assert!(Zone::is_known(" Asia/Shanghai") && !Zone::is_known("Mars/Base"));
    }

    #[test]
    fn daylight_saving_boundaries() {
        let ny = Zone::pick([Some("America/New_York")]);
        // 2026-03-08 02:30 does not exist in New York (clocks jump 02:00 -> 03:00).
        assert_eq!(ny.parse_local("2026-03-08T02:30"), None);
        // 2026-11-01 01:30 happens twice; the earlier one (EDT, UTC-4) is taken.
        let t = ny.parse_local("2026-11-01T01:30").unwrap();
        assert_eq!(ny.label(t), "America/New_York (UTC-04:00)");
        assert_eq!(ny.label(t + 3_600_000), "America/New_York (UTC-05:00)");
    }

    #[test]
    fn today_and_this_week_start_at_local_midnight() {
        use crate::domain::plain_words::Span;
        let z = Zone::pick([Some("Asia/Shanghai")]);
        let ms = 1_795_256_403_000; // Saturday 2026-11-21 18:20:03 in Shanghai
        assert_eq!(z.span_start(ms, Span::Today), "2026-11-21T00:00");
        assert_eq!(z.span_start(ms, Span::Week), "2026-11-16T00:00");
        // 02:20 on Saturday in Shanghai is still Friday the 20th in New York.
        let ny = Zone::pick([Some("America/New_York")]);
        assert_eq!(
            ny.span_start(ms - 16 * 3_600_000, Span::Today),
            "2026-11-20T00:00"
        );
    }

    #[test]
    fn reads_the_zone_cookie() {
        assert_eq!(
            Zone::from_cookie_header("a=1; errscope_tz=Europe%2FBerlin; b=2").as_deref(),
            Some("Europe/Berlin")
        );
    }
}

//! Bounded property runs over everything that takes untrusted text: ingest records, masking,
//! filters and keyword highlighting, the catalogue matcher and the CSV reader. Each must
//! answer (accept or refuse) without panicking, and keep its promises about the text.
//! `PROPTEST_CASES` sets the cases per target (256 unless set).
use proptest::prelude::*;

use errscope::domain::catalogue::Catalogue;
use errscope::domain::filter::{highlight, LogQuery};
use errscope::domain::mask::{
    mask_secrets, sanitize_content, sanitize_field, MAX_CONTENT_BYTES, TRUNCATION_MARKER,
};
use errscope::domain::signal::Signal;
use errscope::server::csv_format::{check_header, header, to_ingest_value};
use errscope::server::ingest::prepare_value;

/// Text that looks like what arrives: any characters, and error-message pieces that exercise
/// the parsers (JSON, status prefixes, secrets, wide and case-changing characters).
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        Just("status_code=502, ".to_string()),
        Just("请求失败 [429]: {\"error\":{\"message\":\"x\",\"code\":".to_string()),
        Just("sk-proj-".to_string()),
        Just("api_key%3D".to_string()),
        Just("\u{0130}\u{212a}ß\u{202e}\u{0}\r\n".to_string()),
        Just("{\"error\":".to_string()),
        "[a-zA-Z0-9 _=:\\-]{0,40}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

/// Every key of the Usage Logs query.
const FIELDS: &[&str] = &LogQuery::KEYS;

proptest! {
    #[test]
    fn masking_never_panics_and_keeps_its_bounds(s in text()) {
        let content = sanitize_content(&s);
        prop_assert!(content.len() <= MAX_CONTENT_BYTES + TRUNCATION_MARKER.len());
        prop_assert!(!content.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        let field = sanitize_field(&s);
        prop_assert!(!field.chars().any(char::is_control));
        let _ = mask_secrets(&s);
    }

    #[test]
    fn highlighting_gives_back_exactly_the_text(text in text(), keyword in text()) {
        let parts = highlight(&text, &keyword);
        let joined: String = parts.iter().map(|(p, _)| p.as_str()).collect();
        prop_assert_eq!(joined, text);
    }

    #[test]
    fn any_filter_is_a_filter_or_field_messages(pairs in prop::collection::vec((0..FIELDS.len(), text()), 0..8)) {
        let object: serde_json::Map<String, serde_json::Value> = pairs
            .into_iter()
            .map(|(i, v)| (FIELDS[i].to_string(), serde_json::Value::String(v)))
            .collect();
        let query: LogQuery = serde_json::from_value(object.into()).expect("strings fit every field");
        let (filter, _errors) = query.validate(1_763_700_000_000, |_| None);
        if let Some(k) = &filter.keyword {
            prop_assert!(!k.chars().any(char::is_control));
        }
        let _ = query.to_query_string();
    }

    #[test]
    fn the_catalogue_answers_any_error(status in proptest::option::of(0u16..1000), code in proptest::option::of(text()), message in text()) {
        let e = Catalogue::builtin().explain(&Signal { status, code, message });
        let _ = e.base();
        let _ = e.possible();
    }

    #[test]
    fn any_ingest_record_is_accepted_or_refused(fields in prop::collection::vec((0..8usize, text()), 0..10), user in any::<i64>(), time in any::<i64>()) {
        let names = ["content", "token_name", "group", "model", "request_id", "error_code", "channel", "type"];
        let mut object = serde_json::Map::new();
        object.insert("user_id".into(), user.into());
        object.insert("time".into(), time.into());
        for (i, v) in fields {
            object.insert(names[i].into(), v.into());
        }
        if let Ok(row) = prepare_value(object.into()) {
            prop_assert!(row.user_id > 0);
            prop_assert!(!row.request_id.is_empty());
        }
    }

    #[test]
    fn the_csv_reader_reads_any_bytes(body in prop::collection::vec(any::<u8>(), 0..600), rows in prop::collection::vec(text(), 0..4)) {
        for input in [body, format!("{}\n{}", header(false).join(","), rows.join("\n")).into_bytes()] {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input.as_slice());
            let Ok(names) = reader.headers().map(|h| h.iter().map(str::to_string).collect::<Vec<_>>()) else {
                continue;
            };
            if check_header(&names).is_err() {
                continue;
            }
            for record in reader.records().flatten() {
                if let Ok(value) = to_ingest_value(&names, &record) {
                    let _ = prepare_value(value);
                }
            }
        }
    }
}

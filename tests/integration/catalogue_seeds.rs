//! Every row of every seed table runs through the engine. Expectations are written here from the
//! seeds, not read from the catalogue, and the catalogue's English texts are checked verbatim
//! against the seed documents, kept in tests/seeds/.
use errscope::domain::attribution::Attribution::{self, *};
use errscope::domain::catalogue::{Catalogue, MatchKind};
use errscope::domain::scope::{resolve, ImpactScope, Rule};
use errscope::domain::signal::Signal;

fn sig(status: Option<u16>, code: Option<&str>, message: &str) -> Signal {
    Signal {
        status,
        code: code.map(str::to_string),
        message: message.to_string(),
    }
}

/// (status, business code, message, expected entry, expected base attribution)
type Row = (
    Option<u16>,
    Option<&'static str>,
    &'static str,
    &'static str,
    Attribution,
);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // seed 000, Status Code Categories
    (Some(400), None, "", "000-status-400", Usage),
    (Some(401), None, "", "000-status-401", Usage),
    (Some(403), None, "", "000-status-403", NeedsContext),
    (Some(413), None, "", "000-status-413", Usage),
    (Some(429), None, "", "000-status-429", NeedsContext),
    (Some(500), None, "", "000-status-500", NeedsContext),
    (Some(502), None, "", "000-status-502", NeedsContext),
    (Some(503), None, "", "000-status-503", NeedsContext),
    (Some(504), None, "", "000-status-504-52x", NeedsContext),
    (Some(521), None, "", "000-status-504-52x", NeedsContext),
    (Some(522), None, "", "000-status-504-52x", NeedsContext),
    (Some(524), None, "", "000-status-504-52x", NeedsContext),
    // seed 000, Common Error Messages
    (Some(401), None, "Invalid token", "000-msg-invalid-token", Usage),
    (Some(401), None, "Invalid API key or key is pending admin approval", "000-msg-invalid-api-key-pending", Usage),
    (Some(403), None, "bad response status code 403", "000-msg-403-bad-response", NeedsContext),
    (Some(413), None, "openai_error", "000-msg-413", Usage),
    (Some(413), None, "bad response status code 413", "000-msg-413", Usage),
    (Some(429), None, "Account RPM limit exceeded", "000-msg-429-rpm", NeedsContext),
    (Some(429), None, "Account daily limit exceeded", "000-msg-429-daily", Upstream),
    (Some(429), None, "All credentials for model gpt-4o are cooling down", "000-msg-429-cooling-down", Upstream),
    (Some(500), None, r#"请求失败 [429]: {"message":"Too many requests, please wait before trying again."}"#, "000-msg-500-wrapped-429", NeedsContext),
    (Some(500), None, "auth_unavailable: no auth available", "000-msg-500-auth-unavailable", Platform),
    (Some(502), None, "Upstream request failed", "000-msg-502-upstream-failed", Upstream),
    (Some(502), None, "bad response status code 502", "000-msg-502-upstream-failed", Upstream),
    (Some(502), None, "all upstreams failed", "000-msg-502-upstream-failed", Upstream),
    (Some(502), None, "openai_error", "000-msg-502-openai-error", Upstream),
    (Some(502), None, "The origin web server returned an invalid or incomplete response to Cloudflare", "000-msg-502-cloudflare-origin", Upstream),
    (Some(500), None, "upstream error: do request failed", "000-msg-500-do-request-failed", NeedsContext),
    (Some(520), None, "bad response status code 520", "000-msg-520", NeedsContext),
    (Some(524), None, "bad response status code 524", "000-msg-gateway-timeout", NeedsContext),
    (Some(504), None, "upstream timed out", "000-msg-gateway-timeout", NeedsContext),
    (Some(503), None, "Service Unavailable", "000-msg-503-service-unavailable", NeedsContext),
    (Some(503), None, "system disk overloaded", "000-msg-503-disk-overloaded", Platform),
    (Some(503), None, "No available accounts: no available accounts", "000-msg-503-no-accounts", Platform),
    (Some(503), None, "No available channel for model gpt-5 under group vip", "000-msg-503-no-channel", NeedsContext),
    (Some(503), None, "model gpt-image-2 is only supported on /v1/images/generations and /v1/images/edits", "000-msg-503-image-endpoint", Usage),
    (Some(500), None, "Image source is a local path that is not readable from this server", "000-msg-500-local-image-path", Usage),
    (Some(500), None, "failed to parse multipart form", "000-msg-500-multipart", Usage),
    (Some(400), None, "Invalid request: prompt is required", "000-msg-400-prompt-required", Usage),
    (Some(400), None, "解析 Images 请求失败: prompt 不能为空", "000-msg-400-prompt-required", Usage),
    (Some(400), None, "Unsupported parameter: messages", "000-msg-400-unsupported-messages", Usage),
    (Some(400), None, "messages.3: tool_use ids were found without tool_result blocks immediately after: toolu_01", "000-msg-tool-use-without-result", Usage),
    (Some(400), None, "Invalid schema for function search: None is not of type 'array'", "000-msg-invalid-function-schema", Usage),
    (Some(500), None, "not implemented", "000-msg-500-not-implemented", NeedsContext),
    // seed 001, HTTP status codes (only 404 and 5xx classes are not shadowed by seed 000's categories)
    (Some(404), None, "", "001-http-404", Usage),
    (Some(507), None, "", "001-http-5xx", NeedsContext),
    // seed 001, business error codes
    (Some(400), Some("invalid_request"), "x", "001-code-invalid_request", Usage),
    (Some(400), Some("bad_request_body"), "x", "001-code-bad_request_body", Usage),
    (Some(400), Some("read_request_body_failed"), "x", "001-code-read_request_body_failed", Usage),
    (Some(400), Some("convert_request_failed"), "x", "001-code-convert_request_failed", Usage),
    (Some(400), Some("sensitive_words_detected"), "x", "001-code-sensitive_words_detected", Usage),
    (Some(400), Some("prompt_blocked"), "x", "001-code-prompt_blocked", Usage),
    (Some(403), Some("access_denied"), "x", "001-code-access_denied", Usage),
    (Some(404), Some("model_not_found"), "model not found", "001-code-model_not_found", Usage),
    (Some(400), Some("invalid_api_type"), "x", "001-code-invalid_api_type", Usage),
    (Some(503), Some("get_channel_failed"), "x", "001-code-get_channel_failed", Platform),
    (Some(503), Some("channel:no_available_key"), "x", "001-code-channel-no_available_key", Platform),
    (Some(500), Some("channel:invalid_key"), "x", "001-code-channel-invalid_key", Platform),
    (Some(500), Some("channel:model_mapped_error"), "x", "001-code-channel-model_mapped_error", Platform),
    (Some(504), Some("channel:response_time_exceeded"), "x", "001-code-channel-response_time_exceeded", Upstream),
    (Some(403), Some("insufficient_user_quota"), "x", "001-code-insufficient_user_quota", Usage),
    (Some(403), Some("pre_consume_token_quota_failed"), "x", "001-code-pre_consume_token_quota_failed", Usage),
    (Some(500), Some("model_price_error"), "x", "001-code-model_price_error", Platform),
    (Some(500), Some("count_token_failed"), "x", "001-code-count_token_failed", Usage),
    (Some(500), Some("do_request_failed"), "x", "001-code-do_request_failed", NeedsContext),
    (Some(502), Some("bad_response"), "x", "001-code-bad_response", Upstream),
    (Some(502), Some("bad_response_status_code"), "x", "001-code-bad_response_status_code", Upstream),
    (Some(502), Some("empty_response"), "x", "001-code-empty_response", Upstream),
    (Some(502), Some("read_response_body_failed"), "x", "001-code-read_response_body_failed", Upstream),
    (Some(500), Some("json_marshal_failed"), "x", "001-code-json_marshal_failed", Platform),
    (Some(500), Some("query_data_error"), "x", "001-code-query_data_error", Platform),
    (Some(500), Some("update_data_error"), "x", "001-code-update_data_error", Platform),
    // seed 003, error codes (inside the {"error": {...}} body, as relays pass them on)
    (Some(401), None, r#"{"error":{"message":"bad key","type":"auth","code":"invalid_api_key","param":null}}"#, "003-code-invalid_api_key", Usage),
    (Some(401), Some("expired_api_key"), "x", "003-code-expired_api_key", Usage),
    (Some(401), Some("revoked_api_key"), "x", "003-code-revoked_api_key", Usage),
    (Some(400), Some("missing_required_field"), "x", "003-code-missing_required_field", Usage),
    (Some(400), Some("invalid_value"), "x", "003-code-invalid_value", Usage),
    (Some(400), Some("model_not_supported"), "x", "003-code-model_not_supported", Usage),
    (Some(400), Some("context_length_exceeded"), "x", "003-code-context_length_exceeded", Usage),
    (Some(429), Some("rate_limit_exceeded"), "x", "003-code-rate_limit_exceeded", NeedsContext),
    (Some(429), Some("insufficient_quota"), "x", "003-code-insufficient_quota", Usage),
    (Some(429), Some("concurrent_limit_exceeded"), "x", "003-code-concurrent_limit_exceeded", Usage),
    (Some(500), Some("internal_error"), "x", "003-code-internal_error", NeedsContext),
    (Some(503), Some("service_unavailable"), "x", "003-code-service_unavailable", NeedsContext),
    // seed 004 (Chinese relay)
    (Some(500), Some("-1"), "Unknown Error.", "004--1-unknown", NeedsContext),
    (Some(500), Some("500"), "Internal Error.", "004-500-internal", NeedsContext),
    (Some(503), Some("503"), "Service Unavailable.", "004-503-service-paused", Platform),
    (Some(500), Some("fastapi_error"), "No available key.", "004-fastapi-no-available-key", Platform),
    (Some(500), Some("fastapi_error"), "All key error.", "004-fastapi-all-key-error", Upstream),
    (Some(500), Some("fastapi_error"), "No available model agent.", "004-fastapi-no-available-model-agent", Platform),
    (Some(500), Some("fastapi_error"), "All model agent error.", "004-fastapi-all-model-agent-error", Upstream),
    (Some(500), Some("fastapi_error"), "Model agent has been disabled.", "004-fastapi-model-agent-disabled", Platform),
    (Some(500), Some("fastapi_error"), "No available model agent key.", "004-fastapi-no-available-model-agent-key", Platform),
    (Some(500), Some("fastapi_error"), "All model agent key error.", "004-fastapi-all-model-agent-key-error", Upstream),
    (Some(500), Some("fastapi_error"), "Model has been disabled.", "004-fastapi-model-disabled", Platform),
    (Some(400), Some("invalid_parameter"), "Invalid Parameter.", "004-invalid_parameter", Usage),
    (Some(400), Some("unsupported_file_format"), "Unsupported file format.", "004-unsupported_file_format", Usage),
    (Some(401), Some("invalid_request_error"), "You didn't provide an API key.", "004-invalid_request_error-no-key", Usage),
    (Some(401), Some("invalid_api_key"), "Incorrect API key provided or has been disabled.", "004-invalid_api_key", Usage),
    (Some(401), Some("api_key_disabled"), "Key has been disabled.", "004-api_key_disabled", Usage),
    (Some(403), Some("invalid_reseller"), "Reseller does not exist or has been disabled.", "004-invalid_reseller", Usage),
    (Some(403), Some("reseller_disabled"), "Reseller has been disabled.", "004-reseller_disabled", Usage),
    (Some(403), Some("invalid_user"), "User does not exist or has been disabled.", "004-invalid_user", Usage),
    (Some(403), Some("user_disabled"), "User has been disabled.", "004-user_disabled", Usage),
    (Some(403), Some("invalid_app"), "App does not exist or has been disabled.", "004-invalid_app", Usage),
    (Some(403), Some("app_disabled"), "App has been disabled.", "004-app_disabled", Usage),
    (Some(403), Some("model_disabled"), "Model has been disabled.", "004-model_disabled", Platform),
    (Some(403), Some("group_disabled"), "Group has been disabled.", "004-group_disabled", Platform),
    (Some(403), Some("group_expired"), "Group has expired.", "004-group_expired", Usage),
    (Some(403), Some("forbidden"), "Forbidden.", "004-forbidden", Usage),
    (Some(404), Some("unknown_url"), "Unknown request URL.", "004-unknown_url", Usage),
    (Some(404), Some("model_not_found"), "The model does not exist or you do not have access to it.", "004-model_not_found", Usage),
    (Some(404), Some("path_not_found"), "The path does not exist or you do not have access to it.", "004-path_not_found", Usage),
    (Some(403), Some("group_not_found"), "The group does not exist or you do not have access to it.", "004-group_not_found", Usage),
    (Some(429), Some("reseller_insufficient_quota"), "You reseller exceeded current quota.", "004-reseller_insufficient_quota", Usage),
    (Some(429), Some("reseller_quota_expired"), "You reseller quota has expired.", "004-reseller_quota_expired", Usage),
    (Some(429), Some("insufficient_quota"), "You exceeded your current quota.", "004-insufficient_quota", Usage),
    (Some(429), Some("account_quota_expired"), "You account quota has expired.", "004-account_quota_expired", Usage),
    (Some(429), Some("app_quota_expired"), "You app quota has expired.", "004-app_quota_expired", Usage),
    (Some(429), Some("key_quota_expired"), "You key quota has expired.", "004-key_quota_expired", Usage),
    (Some(429), Some("group_insufficient_quota"), "Group exceeded current quota.", "004-group_insufficient_quota", Usage),
];

#[test]
fn every_seed_row_is_classified_as_the_seed_says() {
    let catalogue = Catalogue::builtin();
    let mut failures = Vec::new();
    for (status, code, message, id, attribution) in ROWS {
        let e = catalogue.explain(&sig(*status, *code, message));
        let got = e.entry.as_ref().map(|x| x.id.as_str()).unwrap_or("<none>");
        if got != *id || e.base() != *attribution {
            failures.push(format!(
                "{status:?} {code:?} {message:?}: got {got} {:?}, want {id} {attribution:?}",
                e.base()
            ));
        }
        if message.is_empty() {
            assert_eq!(e.kind, MatchKind::CategoryFallback, "{id}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows misclassified:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_catalogue_entry_is_exercised_or_documents_a_status_row() {
    // Status-only rows that another seed's category shadows are still known: explain lists them.
    let catalogue = Catalogue::builtin();
    for entry in catalogue.entries() {
        // The entries beyond the seeds are exercised by the real-message corpus.
        if ROWS.iter().any(|r| r.3 == entry.id) || !entry.from_seed() {
            continue;
        }
        assert!(entry.is_category(), "{} has no test row", entry.id);
        let status: u16 = entry.status[0].replace('x', "0").parse().unwrap();
        let e = catalogue.explain(&sig(Some(status), None, ""));
        let matched = e.entry.as_ref().is_some_and(|m| m.id == entry.id);
        assert!(
            matched || e.related.contains(&entry.id),
            "{} not listed for {status}",
            entry.id
        );
    }
}

#[test]
fn entries_carry_the_seed_text_verbatim() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seeds");
    let Ok(files) = std::fs::read_dir(dir) else {
        panic!("the seed documents are expected at {dir}");
    };
    let mut seeds = std::collections::BTreeMap::new();
    for f in files.flatten() {
        let name = f.file_name().to_string_lossy().to_string();
        if !name.ends_with(".txt") {
            continue;
        }
        seeds.insert(
            name[..3].to_string(),
            std::fs::read_to_string(f.path()).unwrap(),
        );
    }
    let catalogue = Catalogue::builtin();
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    for entry in catalogue.entries() {
        assert!(
            !entry.zh.meaning.is_empty() && !entry.zh.action.is_empty(),
            "{}",
            entry.id
        );
        if !entry.from_seed() {
            // new-api's messages and the providers' errors: their sources are named in the files.
            continue;
        }
        let text = squash(&seeds[&entry.seed]);
        // Seed 000 and 001 texts are verbatim; 004 keeps the English message and the Chinese action.
        let verbatim: Vec<&str> = match entry.seed.as_str() {
            "000" => vec![&entry.en.meaning, &entry.en.action],
            "001" if entry.id.starts_with("001-code") => vec![&entry.en.meaning, &entry.en.action],
            "003" => vec![&entry.en.meaning],
            "004" => vec![&entry.en.meaning, &entry.zh.action],
            _ => vec![],
        };
        for t in verbatim {
            assert!(
                text.contains(&squash(t)),
                "{}: {t:?} is not in seed {}",
                entry.id,
                entry.seed
            );
        }
        assert!(
            !entry.zh.meaning.is_empty() && !entry.zh.action.is_empty(),
            "{}",
            entry.id
        );
        if let Some(label) = &entry.seed_label {
            assert!(
                text.contains(&squash(label)),
                "{}: label {label:?}",
                entry.id
            );
        }
    }
    // Seed 000's attribution table.
    for a in Attribution::ALL {
        let class = catalogue.class(a).expect("class");
        for t in [&class.en.identify, &class.en.signs, &class.en.action] {
            assert!(squash(&seeds["000"]).contains(&squash(t)), "{a:?}: {t}");
        }
    }
}

#[test]
fn typical_signs_of_the_attribution_table_classify_as_that_attribution() {
    let c = Catalogue::builtin();
    let base = |s, m: &str| c.explain(&sig(Some(s), None, m)).base();
    assert_eq!(base(400, "Unsupported parameter: messages"), Usage);
    assert_eq!(base(413, "bad response status code 413"), Usage);
    assert_eq!(base(502, "all upstreams failed"), Upstream);
    assert_eq!(base(429, "Account daily limit exceeded"), Upstream);
    assert_eq!(base(503, "system disk overloaded"), Platform);
    assert_eq!(
        base(503, "No available accounts: no available accounts"),
        Platform
    );
}

#[test]
fn wrapped_errors_are_seen_through() {
    let c = Catalogue::builtin();
    // A relay's 500 that is really an upstream 503 "system disk overloaded".
    let e = c.explain(&sig(
        Some(500),
        None,
        r#"请求失败 [503]: {"message":"system disk overloaded"}"#,
    ));
    assert_eq!(e.entry.unwrap().id, "000-msg-503-disk-overloaded");
    assert!(e.via_inner_status);
    // Cloudflare 520 behind a 500.
    let e = c.explain(&sig(
        Some(500),
        None,
        "upstream: bad response status code 520",
    ));
    assert_eq!(e.entry.unwrap().id, "000-msg-520");
    // An escaped JSON body carrying a business code.
    let e = c.explain(&sig(
        Some(500),
        None,
        r#"{\"error\":{\"message\":\"x\",\"code\":\"do_request_failed\"}}"#,
    ));
    assert_eq!(e.entry.unwrap().id, "001-code-do_request_failed");
    // An unknown error is honest about it.
    let e = c.explain(&sig(Some(418), None, "I'm a teapot"));
    assert_eq!(e.kind, MatchKind::Unrecognised);
    assert!(e.entry.is_none());
}

fn scope(in_group: u64, tokens: u64, users: u64, other_groups: u64) -> ImpactScope {
    ImpactScope {
        window_minutes: 10,
        in_group,
        tokens,
        users,
        models: 1,
        same_token: in_group,
        other_groups,
        other_group_failures: other_groups * 5,
        ..ImpactScope::default()
    }
}

#[test]
fn scope_rules_resolve_ambiguous_errors() {
    let c = Catalogue::builtin();
    let bare502 = c.explain(&sig(Some(502), None, ""));
    // A lone 502 is never blamed on anyone.
    let r = resolve(&bare502, &scope(1, 1, 1, 0));
    assert_eq!((r.attribution, r.rule), (NeedsContext, Rule::LoneFailure));
    // Many tokens of one group: upstream.
    let r = resolve(&bare502, &scope(40, 14, 9, 0));
    assert_eq!(
        (r.attribution, r.rule),
        (Upstream, Rule::OneGroupManyTokens)
    );
    // Several groups at once: platform.
    let r = resolve(
        &c.explain(&sig(Some(503), None, "Service Unavailable")),
        &scope(20, 8, 6, 4),
    );
    assert_eq!((r.attribution, r.rule), (Platform, Rule::ManyGroups));
    // 429 from one token only: usage.
    let r = resolve(
        &c.explain(&sig(Some(429), None, "Account RPM limit exceeded")),
        &scope(30, 1, 1, 0),
    );
    assert_eq!((r.attribution, r.rule), (Usage, Rule::OneToken));
    // 429 across groups: upstream (platform is not a cause the entry allows).
    let r = resolve(&c.explain(&sig(Some(429), None, "")), &scope(30, 5, 5, 3));
    assert_eq!((r.attribution, r.rule), (Upstream, Rule::ManyGroups));
    // A definite entry ignores the scope.
    let r = resolve(
        &c.explain(&sig(Some(503), None, "system disk overloaded")),
        &scope(1, 1, 1, 0),
    );
    assert_eq!((r.attribution, r.rule), (Platform, Rule::Definite));
    // Unrecognised stays undecided.
    let r = resolve(
        &c.explain(&sig(Some(418), None, "teapot")),
        &scope(50, 9, 9, 3),
    );
    assert_eq!((r.attribution, r.rule), (NeedsContext, Rule::Unrecognised));
}

#[test]
fn the_seeds_two_way_answers_stay_two_way_until_the_scope_narrows_them() {
    use errscope::domain::attribution::TwoWay::*;
    let c = Catalogue::builtin();
    let one = |status, message: &str| {
        resolve(
            &c.explain(&sig(Some(status), None, message)),
            &scope(1, 1, 1, 0),
        )
    };
    // Seed 000's single-row answers, written from its tables.
    for (status, message, pair) in [
        (
            500,
            "upstream error: do request failed: EOF",
            UpstreamOrNetwork,
        ),
        (520, "bad response status code 520", UpstreamOrNetwork),
        (524, "", UpstreamOrNetwork),
        (403, "", UsageOrUpstream),
        (403, "bad response status code 403", UsageOrUpstream),
        (429, "Account RPM limit exceeded", UsageOrUpstream),
        (
            503,
            "No available channel for model gpt-5 under group vip",
            UsageOrPlatform,
        ),
        (500, "not implemented", UsageOrPlatform),
    ] {
        let r = one(status, message);
        assert_eq!(
            (r.attribution, r.rule, r.two_way),
            (NeedsContext, Rule::LoneFailure, Some(pair)),
            "{status} {message:?}"
        );
    }
    // A lone 502 or 503 is never blamed on anyone, not even on a pair.
    for status in [502, 503] {
        assert_eq!(one(status, "").two_way, None, "{status}");
    }
    // The scope narrows a pair to one side, and then the pair is gone.
    let do_request = c.explain(&sig(Some(500), None, "upstream error: do request failed"));
    let r = resolve(&do_request, &scope(20, 8, 6, 4));
    assert_eq!((r.attribution, r.two_way), (Platform, None));
    let r = resolve(&c.explain(&sig(Some(403), None, "")), &scope(30, 1, 1, 0));
    assert_eq!((r.attribution, r.two_way), (Usage, None));
}

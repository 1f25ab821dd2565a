//! Fetches one of the console's pages and parses it, for in-place navigation and live tail.
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, DomParser, Headers, RequestInit, Response, SupportedType};

pub struct FetchedPage {
    pub document: Document,
    /// Where the answer came from, after redirects (a sign-in page when the session ended).
    pub url: String,
}

/// The page at `url`, or the page a form `posted` there leads to; None when the answer is not
/// an HTML page or the server was not reached (the caller then lets the browser do it the
/// ordinary way).
pub async fn fetch_page(url: &str, posted: Option<&str>) -> Option<FetchedPage> {
    let window = web_sys::window()?;
    let headers = Headers::new().ok()?;
    headers.set("Accept", "text/html").ok()?;
    let init = RequestInit::new();
    if let Some(form) = posted {
        headers
            .set("Content-Type", "application/x-www-form-urlencoded")
            .ok()?;
        init.set_method("POST");
        init.set_body(&form.into());
    }
    init.set_headers(&headers);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let is_html = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    let document = DomParser::new()
        .ok()?
        .parse_from_string(&text, SupportedType::TextHtml)
        .ok()?;
    Some(FetchedPage {
        document,
        url: response.url(),
    })
}

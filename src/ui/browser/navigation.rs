//! In-place navigation: a click on one of the console's links, a GET form sent (the filters)
//! or an admin form posted to its server function fetches the next page and swaps its
//! `<body>` into this document, so the wasm, the stylesheet and the document-wide listeners
//! stay; back and forward do the same. A refused form keeps what was typed in it. Everything
//! else (downloads, other origins, sign-in, the preference switches, the API) loads the
//! ordinary way, and before the wasm has loaded every link and form works without it.
use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlAnchorElement, HtmlFormElement, MouseEvent};

use super::islands_runtime::hydrate_new_islands;
use super::page_fetch::{fetch_page, FetchedPage};
use super::{elements, listen};

thread_local! {
    /// The latest navigation: an answer to an older one is dropped.
    static LATEST: Cell<u64> = const { Cell::new(0) };
}

#[derive(Clone, Copy, PartialEq)]
enum History {
    Push,
    /// Back or forward: the browser has already moved.
    Keep,
}

/// A form posted in place: what was sent, and which form it was (the `index`th of the forms
/// posting to `action`), to give its values back if it is refused.
struct Posted {
    form: HtmlFormElement,
    body: String,
    action: String,
    index: u32,
    values: Vec<(String, String)>,
}

pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    listen(&document, "click", |ev: MouseEvent| on_click(&ev));
    listen(&document, "submit", |ev: Event| on_submit(&ev));
    listen(&window, "popstate", |_: Event| {
        if let Some(href) = web_sys::window().and_then(|w| w.location().href().ok()) {
            go(href, History::Keep, None);
        }
    });
}

fn on_click(ev: &MouseEvent) {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return;
    }
    let Some(link) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("a[href]").ok().flatten())
        .and_then(|el| el.dyn_into::<HtmlAnchorElement>().ok())
    else {
        return;
    };
    let external = link.has_attribute("download")
        || !link.target().is_empty()
        || link.rel().split_whitespace().any(|r| r == "external");
    if external {
        return;
    }
    if let Some(href) = console_page(&link.href()) {
        ev.prevent_default();
        go(href, History::Push, None);
    }
}

fn on_submit(ev: &Event) {
    if ev.default_prevented() {
        return;
    }
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    if !form.target().is_empty() {
        return;
    }
    if form.method().eq_ignore_ascii_case("post") {
        if let Some(posted) = posted(&form, ev) {
            ev.prevent_default();
            go(posted.action.clone(), History::Push, Some(posted));
        }
        return;
    }
    if !form.method().eq_ignore_ascii_case("get") {
        return;
    }
    let (Ok(url), Some(query)) = (web_sys::Url::new(&form.action()), fields(&form)) else {
        return;
    };
    url.set_search(&String::from(query.to_string()));
    if let Some(href) = console_page(&url.href()) {
        ev.prevent_default();
        go(href, History::Push, None);
    }
}

/// A form posted to a server function (`/api/…`, not the JSON API), with its fields and the
/// button that sent it.
fn posted(form: &HtmlFormElement, ev: &Event) -> Option<Posted> {
    let path = on_this_site(&form.action())?.pathname();
    if !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return None;
    }
    let query = fields(form)?;
    let submitter = ev
        .dyn_ref::<web_sys::SubmitEvent>()
        .and_then(|e| e.submitter())
        .and_then(|b| {
            Some((
                b.get_attribute("name")?,
                b.get_attribute("value").unwrap_or_default(),
            ))
        });
    if let Some((name, value)) = submitter {
        query.append(&name, &value);
    }
    let values = typed_values(form);
    let action = form.action();
    let index = forms_posting_to(&action)
        .iter()
        .position(|f| f == form)
        .unwrap_or_default() as u32;
    Some(Posted {
        form: form.clone(),
        body: String::from(query.to_string()),
        action,
        index,
        values,
    })
}

/// A form's fields as its submission sends them.
fn fields(form: &HtmlFormElement) -> Option<web_sys::UrlSearchParams> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()
}

/// The forms of this page that post to `action`, in order.
fn forms_posting_to(action: &str) -> Vec<HtmlFormElement> {
    let Some(forms) = super::document().and_then(|d| d.query_selector_all("form").ok()) else {
        return vec![];
    };
    elements::<HtmlFormElement>(&forms)
        .filter(|f| f.action() == action)
        .collect()
}

/// What the reader typed or picked in a form (not hidden fields, which the page renders, and
/// not passwords, which are typed again).
fn typed_values(form: &HtmlFormElement) -> Vec<(String, String)> {
    let Ok(fields) = form.query_selector_all("input[name], select[name], textarea[name]") else {
        return vec![];
    };
    elements::<Element>(&fields)
        .filter_map(|field| {
            let kind = field.get_attribute("type").unwrap_or_default();
            if matches!(
                kind.as_str(),
                "hidden" | "password" | "checkbox" | "radio" | "submit"
            ) {
                return None;
            }
            let name = field.get_attribute("name")?;
            let value = js_sys::Reflect::get(&field, &"value".into())
                .ok()?
                .as_string()?;
            Some((name, value))
        })
        .collect()
}

/// Puts back what was typed in a refused form, on the page that says why.
fn give_back(posted: &Posted) {
    let Some(form) = forms_posting_to(&posted.action)
        .into_iter()
        .nth(posted.index as usize)
    else {
        return;
    };
    for (name, value) in &posted.values {
        let selector = format!("[name=\"{name}\"]");
        if let Ok(Some(field)) = form.query_selector(&selector) {
            let _ = js_sys::Reflect::set(&field, &"value".into(), &value.into());
        }
    }
}

fn next_navigation() -> u64 {
    LATEST.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}

/// `href` parsed, when it is on this origin.
fn on_this_site(href: &str) -> Option<web_sys::Url> {
    let url = web_sys::Url::new(href).ok()?;
    (url.origin() == web_sys::window()?.location().origin().ok()?).then_some(url)
}

/// `href` when it is one of the console's pages on this origin (not the API, an asset, or a
/// jump within this page).
fn console_page(href: &str) -> Option<String> {
    let url = on_this_site(href)?;
    let location = web_sys::window()?.location();
    let path = url.pathname();
    let not_a_page = ["/api/", "/pkg/", "/prefs/", "/logout", "/metrics"];
    if not_a_page.iter().any(|p| path.starts_with(p)) || path.ends_with(".csv") {
        return None;
    }
    let same_page = path == location.pathname().ok()?
        && url.search() == location.search().ok()?
        && !url.hash().is_empty();
    (!same_page).then(|| url.href())
}

/// Fetches `href` (posting the form when there is one) and shows the page it answers. When
/// that is not a page or the server is not reached, the browser does it the ordinary way.
fn go(href: String, history: History, posted: Option<Posted>) {
    let this = next_navigation();
    leptos::task::spawn_local(async move {
        let page = fetch_page(&href, posted.as_ref().map(|p| p.body.as_str())).await;
        if LATEST.with(Cell::get) != this {
            return;
        }
        match (page, posted) {
            (Some(page), posted) => {
                let refused = page.url.contains("__err=");
                show(page, history);
                if let Some(posted) = posted.filter(|_| refused) {
                    give_back(&posted);
                }
            }
            (None, Some(posted)) => {
                let _ = posted.form.submit();
            }
            (None, None) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().assign(&href);
                }
            }
        }
    });
}

/// Puts the fetched page in place of this one: title, body, address, scroll and focus.
fn show(page: FetchedPage, history: History) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let Some(body) = page.document.body() else {
        return;
    };
    // The control that sent a form keeps the focus when the next page has it too.
    let focused = document
        .active_element()
        .map(|el| el.id())
        .filter(|id| !id.is_empty());
    document.set_title(&page.document.title());
    let Ok(body) = document
        .adopt_node(&body)
        .map(|b| b.unchecked_into::<web_sys::HtmlElement>())
    else {
        return;
    };
    document.set_body(Some(&body));
    if history == History::Push {
        if let Ok(h) = window.history() {
            let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&page.url));
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    let focus = focused
        .and_then(|id| document.get_element_by_id(&id))
        .or_else(|| document.get_element_by_id("main"))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = focus {
        let _ = el.focus();
    }
    hydrate_new_islands();
}

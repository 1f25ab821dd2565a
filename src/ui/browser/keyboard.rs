//! Keyboard shortcuts: `/` focuses the keyword filter, `j`/`k` move between rows, `o` opens the
//! selected row's details, `c` copies the support message on a details page.
use wasm_bindgen::JsCast;

/// One listener on the document, for every page this document shows.
pub fn install() {
    if let Some(document) = super::document() {
        super::listen(&document, "keydown", on_key);
    }
}

fn on_key(e: web_sys::KeyboardEvent) {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return;
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
        .unwrap_or(false);
    if typing {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let html = |sel: &str| {
        doc.query_selector(sel)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    };
    match e.key().as_str() {
        "/" => {
            if let Some(input) = html("#f-q") {
                e.prevent_default();
                let _ = input.focus();
            }
        }
        "j" | "k" => {
            let Ok(rows) = doc.query_selector_all("tbody tr[data-row-id]") else {
                return;
            };
            let rows: Vec<web_sys::Element> = super::elements(&rows).collect();
            if rows.is_empty() {
                return;
            }
            let current = rows.iter().position(|el| el.has_attribute("data-selected"));
            let next = match (current, e.key().as_str()) {
                (None, _) => 0,
                (Some(i), "j") => (i + 1).min(rows.len() - 1),
                (Some(i), _) => i.saturating_sub(1),
            };
            for (i, el) in rows.iter().enumerate() {
                let _ = el.remove_attribute("data-selected");
                if i == next {
                    let _ = el.set_attribute("data-selected", "true");
                    if let Ok(Some(link)) = el.query_selector("a") {
                        if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
                            let _ = link.focus();
                        }
                    }
                }
            }
        }
        "o" => {
            if let Some(link) = html("tbody tr[data-selected] td a") {
                link.click();
            }
        }
        "c" => {
            if let Some(button) = html("[data-testid=copy-support]") {
                button.click();
            }
        }
        _ => {}
    }
}

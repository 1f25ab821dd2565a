//! Copy buttons (`ui::components::copy_button`): one listener on the document copies a
//! button's `data-copy` text, shows its `data-copied` word and announces `data-announce`.
//! The Clipboard API in a secure context, else a hidden textarea and `execCommand("copy")`,
//! which also works over plain http.
use wasm_bindgen::JsCast;
use web_sys::Element;

pub fn install() {
    if let Some(document) = super::document() {
        super::listen(&document, "click", |ev: web_sys::Event| {
            let button = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("button[data-copy]").ok().flatten());
            if let Some(button) = button {
                copy_from(&button);
            }
        });
    }
}

fn copy_from(button: &Element) {
    let text = button.get_attribute("data-copy").unwrap_or_default();
    if !copy_to_clipboard(&text) {
        return;
    }
    if let (Ok(Some(label)), Some(word)) = (
        button.query_selector("[data-copy-label]"),
        button.get_attribute("data-copied"),
    ) {
        label.set_text_content(Some(&word));
    }
    if let (Some(status), Some(announce)) = (
        button.next_element_sibling(),
        button.get_attribute("data-announce"),
    ) {
        status.set_text_content(Some(&announce));
    }
}

fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    if window.is_secure_context() {
        let _promise = window.navigator().clipboard().write_text(text);
        return true;
    }
    let Some(document) = window.document() else {
        return false;
    };
    let Ok(area) = document.create_element("textarea") else {
        return false;
    };
    let Ok(area) = area.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("style", "position:fixed;opacity:0");
    let Some(body) = document.body() else {
        return false;
    };
    let _ = body.append_child(&area);
    area.select();
    let ok = document
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    area.remove();
    ok
}

//! Live tail's refresh: the same page fetched again, its results put in place of the ones
//! shown, rows that were not shown before marked `data-new`.
use std::collections::HashSet;

use web_sys::{Document, Element};

use super::page_fetch::fetch_page;
use crate::shared::live_tail::RESULTS_ID;

const COUNT: &str = "[data-testid=result-count]";

/// The tab is visible, the page is at its top and no row is selected.
pub fn reader_is_watching() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(document) = window.document() else {
        return false;
    };
    let at_top = window.scroll_y().map(|y| y < 1.0).unwrap_or(true);
    let selected = document
        .query_selector("tbody tr[data-selected]")
        .ok()
        .flatten()
        .is_some();
    !document.hidden() && at_top && !selected
}

pub async fn refresh_results() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let Some(page) = fetch_page(&href, None).await else {
        return;
    };
    // The reader may have moved on while the answer was on its way.
    if window.location().href().ok().as_deref() != Some(href.as_str()) {
        return;
    }
    let Some(document) = window.document() else {
        return;
    };
    let (Some(shown), Some(fresh)) = (
        document.get_element_by_id(RESULTS_ID),
        page.document.get_element_by_id(RESULTS_ID),
    ) else {
        return;
    };
    let before: HashSet<String> = row_ids(&shown).into_iter().map(|(id, _)| id).collect();
    for (id, row) in row_ids(&fresh) {
        if !before.contains(&id) {
            let _ = row.set_attribute("data-new", "true");
        }
    }
    if let Ok(fresh) = document.adopt_node(&fresh) {
        let _ = shown.replace_with_with_node_1(&fresh);
    }
    if let (Some(count), Some(new_count)) = (first(&document, COUNT), first(&page.document, COUNT))
    {
        count.set_text_content(new_count.text_content().as_deref());
    }
}

fn first(document: &Document, selector: &str) -> Option<Element> {
    document.query_selector(selector).ok().flatten()
}

fn row_ids(results: &Element) -> Vec<(String, Element)> {
    let Ok(rows) = results.query_selector_all("tbody tr[data-row-id]") else {
        return vec![];
    };
    super::elements::<Element>(&rows)
        .filter_map(|row| Some((row.get_attribute("data-row-id")?, row)))
        .collect()
}

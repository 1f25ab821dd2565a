//! The CSV export link (an island). Without JavaScript it is a plain download; once
//! hydrated, the export is fetched as a stream so the page can say how many rows have arrived
//! (out of how many, when the count is exact), then saved as the same file.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::digits::group_digits as group;

/// The link's words in the page language; `{rows}` and `{error}` are filled in as it runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportWords {
    pub label: String,
    pub running: String,
    pub done: String,
    pub failed: String,
}

// Only the browser half starts exports; the server renders the idle link.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    Running(u64),
    Done(u64),
    Failed(String),
}

#[island]
pub fn ExportLink(href: String, words: ExportWords, expected: Option<u64>) -> impl IntoView {
    let (progress, set_progress) = signal(Progress::Idle);
    let target = href.clone();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if matches!(progress.get_untracked(), Progress::Running(_)) {
            ev.prevent_default();
            return;
        }
        if start_streamed_export(&target, set_progress) {
            ev.prevent_default();
        }
    };
    let label = words.label.clone();
    let text = move || match progress.get() {
        Progress::Idle => String::new(),
        Progress::Running(rows) => words.running.replace("{rows}", &group(rows)),
        Progress::Done(rows) => words.done.replace("{rows}", &group(rows)),
        Progress::Failed(error) => words.failed.replace("{error}", &error),
    };
    let bar = move || {
        match (progress.get(), expected) {
        (Progress::Running(rows), Some(max)) => Some(
            view! { <progress class="w-24" max=max.max(1).to_string() value=rows.min(max).to_string()></progress> }
                .into_any(),
        ),
        (Progress::Running(_), None) => Some(view! { <progress class="w-24"></progress> }.into_any()),
        _ => None,
    }
    };
    view! {
        <a href=href class="text-sm underline" download="" data-testid="export-csv" rel="external"
            on:click=on_click aria-busy=move || matches!(progress.get(), Progress::Running(_)).to_string()>
            {label}
        </a>
        {bar}
        <span class="text-xs text-slate-600 dark:text-slate-300" role="status" aria-live="polite" data-testid="export-progress">
            {text}
        </span>
    }
}

/// Counts CSV records as bytes arrive: a newline ends a record unless it is inside quotes
/// (error text may hold newlines). A quote inside a quoted field is doubled, which toggles
/// twice and so leaves the state as it was.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Default)]
pub struct RecordCounter {
    in_quotes: bool,
    records: u64,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl RecordCounter {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => self.records += 1,
                _ => {}
            }
        }
    }

    /// Data rows so far (the first record is the header).
    pub fn rows(&self) -> u64 {
        self.records.saturating_sub(1)
    }
}

/// Starts the streamed export; false when the browser cannot (the link then downloads as is).
#[cfg(feature = "hydrate")]
fn start_streamed_export(href: &str, set_progress: WriteSignal<Progress>) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let href = href.to_string();
    set_progress.set(Progress::Running(0));
    leptos::task::spawn_local(async move {
        let mut counter = RecordCounter::default();
        let outcome = crate::ui::browser::csv_download::stream_export(
            &window,
            &href,
            |rows| set_progress.set(Progress::Running(rows)),
            &mut counter,
        )
        .await;
        set_progress.set(match outcome {
            Ok(rows) => Progress::Done(rows),
            Err(e) => Progress::Failed(e),
        });
    });
    true
}

#[cfg(not(feature = "hydrate"))]
fn start_streamed_export(_href: &str, _set_progress: WriteSignal<Progress>) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::RecordCounter;

    #[test]
    fn counts_records_across_chunks_and_quoted_newlines() {
        let csv = "time,content\n1,\"two\nlines, \"\"quoted\"\"\"\n2,plain\n";
        let mut whole = RecordCounter::default();
        whole.feed(csv.as_bytes());
        assert_eq!(whole.rows(), 2);
        let mut split = RecordCounter::default();
        for piece in csv.as_bytes().chunks(3) {
            split.feed(piece);
        }
        assert_eq!(split.rows(), 2);
        let mut header_only = RecordCounter::default();
        header_only.feed(b"time,content\n");
        assert_eq!(header_only.rows(), 0);
    }
}

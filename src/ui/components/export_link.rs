//! The CSV export link. Without JavaScript it is a plain download; once hydrated, the export is
//! fetched as a stream so the page can say how many rows have arrived (out of how many, when
//! the count is exact), then saved as the same file.
use leptos::prelude::*;

use crate::domain::digits::group_digits as group;
use crate::i18n::{t, use_i18n};

// Only the browser half starts exports; the server renders the idle link.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    Running(u64),
    Done(u64),
    Failed(String),
}

#[component]
pub fn ExportLink(
    href: String,
    #[prop(into)] label: String,
    expected: Option<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
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
    let text = move || match progress.get() {
        Progress::Idle => ().into_any(),
        Progress::Running(rows) => {
            let rows = group(rows);
            t!(i18n, logs.exporting, rows).into_any()
        }
        Progress::Done(rows) => {
            let rows = group(rows);
            t!(i18n, logs.exported, rows).into_any()
        }
        Progress::Failed(error) => t!(i18n, logs.export_failed, error).into_any(),
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
struct RecordCounter {
    in_quotes: bool,
    records: u64,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl RecordCounter {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => self.records += 1,
                _ => {}
            }
        }
    }

    /// Data rows so far (the first record is the header).
    fn rows(&self) -> u64 {
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
        let outcome = stream_export(&window, &href, |rows| {
            set_progress.set(Progress::Running(rows))
        })
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

#[cfg(feature = "hydrate")]
async fn stream_export(
    window: &web_sys::Window,
    href: &str,
    on_rows: impl Fn(u64),
) -> Result<u64, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let js_err = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));

    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(href))
        .await
        .map_err(js_err)?
        .unchecked_into();
    if !response.ok() {
        let body = JsFuture::from(response.text().map_err(js_err)?)
            .await
            .map_err(js_err)?;
        return Err(body
            .as_string()
            .unwrap_or_else(|| response.status().to_string()));
    }
    let body = response.body().ok_or("the export came back empty")?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let chunks = js_sys::Array::new();
    let mut counter = RecordCounter::default();
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(js_err)?;
        let done = js_sys::Reflect::get(&step, &"done".into()).map_err(js_err)?;
        if done.as_bool().unwrap_or(true) {
            break;
        }
        let chunk: js_sys::Uint8Array = js_sys::Reflect::get(&step, &"value".into())
            .map_err(js_err)?
            .unchecked_into();
        counter.feed(&chunk.to_vec());
        chunks.push(&chunk);
        on_rows(counter.rows());
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&chunks, &options).map_err(js_err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_err)?;
    let document = window.document().ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js_err)?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download("errscope-logs.csv");
    anchor.click();
    // The browser reads the blob after the click returns: release it a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(counter.rows())
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

//! The streamed CSV export: fetched chunk by chunk so the page can count rows as they arrive,
//! then saved as the same file.
use leptos::prelude::set_timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::ui::islands::export_link::RecordCounter;

pub async fn stream_export(
    window: &web_sys::Window,
    href: &str,
    on_rows: impl Fn(u64),
    counter: &mut RecordCounter,
) -> Result<u64, String> {
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

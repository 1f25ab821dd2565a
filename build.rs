//! Generates the stylesheet from the Tailwind classes used in `src/` with encre-css (pure Rust,
//! Tailwind v4 compatible), so neither Node nor the Tailwind CLI is needed to build or run.
use std::path::Path;

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            println!("cargo:rerun-if-changed={}", path.display());
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(text);
            }
        }
    }
}

fn main() {
    let mut sources = Vec::new();
    collect(Path::new("src/ui"), &mut sources);
    println!("cargo:rerun-if-changed=style/base.css");
    // sqlx::migrate! embeds the migrations at compile time; a new file must rebuild the crate.
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src/ui");
    let base = std::fs::read_to_string("style/base.css").unwrap_or_default();
    let mut config = encre_css::Config::default();
    // `dark:` follows a class on <html> (set from the theme cookie, or by the head script when
    // the theme is "system"), so users can switch.
    config.theme.dark_mode = encre_css::config::DarkMode::new_class("html.dark");
    let generated = encre_css::generate(sources.iter().map(String::as_str), &config);
    let css = format!("{generated}\n{base}");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).to_path_buf();
    std::fs::write(out.join("app.css"), &css).expect("write app.css");
    // The stylesheet's address names its contents, so browsers may keep it for good.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&css, &mut hasher);
    let href = format!("\"/app.{:016x}.css\"", std::hash::Hasher::finish(&hasher));
    std::fs::write(out.join("app_css_href.rs"), href).expect("write app_css_href.rs");
}

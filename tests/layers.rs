//! The layers depend one way: `ui` on `shared`, `server` and `domain`; `server` on `shared` and
//! `domain`; `shared` on `domain`; `domain` on nothing of ours. The binary wires the UI into the
//! server (`ui::frontend`), so nothing under `server/` names the UI.
use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("source folder") {
            let path = entry.expect("source entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no sources under {}", dir.display());
    files
}

/// Every line of `layer` that reaches into one of `above`.
fn reaches_up(layer: &str, above: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(layer);
    let mut found = Vec::new();
    for file in sources(&root) {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            for up in above {
                if line.contains(&format!("crate::{up}::")) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_server_never_imports_the_ui() {
    assert_eq!(reaches_up("server", &["ui"]), Vec::<String>::new());
}

#[test]
fn shared_types_import_only_the_domain() {
    assert_eq!(
        reaches_up("shared", &["ui", "server"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_domain_imports_nothing_of_ours() {
    assert_eq!(
        reaches_up("domain", &["ui", "server", "shared"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_check_sees_an_import_when_there_is_one() {
    // The UI does call the server (server-function bodies): the scan must find those lines.
    assert!(!reaches_up("ui", &["server"]).is_empty());
}

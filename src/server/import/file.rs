//! `errscope import file <path>`: NDJSON (one ingest record per line) or CSV (the export's
//! columns, so an export imports again). Streams the file in batches; every rejected line is
//! reported with its line number, field and reason. Re-running it stores nothing twice
//! (rows are unique on request ID and attempt).
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::server::csv_format;
use crate::server::ingest::{prepare_value, Rejection};
use crate::server::store::{NewLog, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum FileImportError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Format { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Ndjson,
    Csv,
}

impl FileFormat {
    /// From the extension (`.csv`; `.ndjson`, `.jsonl`, `.json`), else from the first byte.
    pub fn detect(path: &Path, first_byte: Option<u8>) -> FileFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => FileFormat::Csv,
            Some(e) if ["ndjson", "jsonl", "json"].contains(&e.to_ascii_lowercase().as_str()) => {
                FileFormat::Ndjson
            }
            _ if first_byte == Some(b'{') => FileFormat::Ndjson,
            _ => FileFormat::Csv,
        }
    }
}

/// One rejected line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRejection {
    pub line: u64,
    pub why: Rejection,
}

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    pub read: u64,
    pub inserted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// The first rejections (at most `MAX_EXAMPLES`).
    pub examples: Vec<LineRejection>,
}

pub const MAX_EXAMPLES: usize = 1_000;

impl FileReport {
    fn reject(&mut self, line: u64, why: Rejection) {
        self.rejected += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(LineRejection { line, why });
        }
    }
}

/// Counts the bytes the parser has taken, for the progress bar.
struct Counted<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Records of the file in order: (line number, the record as JSON, or why it is unreadable).
type Records = Box<dyn Iterator<Item = Result<(u64, Result<Value, Rejection>), String>> + Send>;

fn ndjson_records<R: BufRead + Send + 'static>(reader: R) -> Records {
    Box::new(
        reader
            .lines()
            .enumerate()
            .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
            .map(|(i, l)| {
                let line = i as u64 + 1;
                let l = l.map_err(|e| format!("line {line}: {e}"))?;
                let l = if line == 1 {
                    l.trim_start_matches('\u{feff}').to_string()
                } else {
                    l
                };
                Ok((
                    line,
                    serde_json::from_str(&l).map_err(|e| Rejection {
                        field: "record",
                        reason: e.to_string(),
                    }),
                ))
            }),
    )
}

fn csv_records<R: Read + Send + 'static>(reader: R) -> Result<Records, String> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let names: Vec<String> = csv
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    csv_format::check_header(&names)?;
    Ok(Box::new(csv.into_records().map(move |r| {
        let r = r.map_err(|e| e.to_string())?;
        let line = r.position().map_or(0, |p| p.line());
        let value = if r.len() != names.len() {
            Err(Rejection {
                field: "record",
                reason: format!("{} fields where the header has {}", r.len(), names.len()),
            })
        } else {
            csv_format::to_ingest_value(&names, &r)
        };
        Ok((line, value))
    })))
}

/// Imports `path` in transactions of `batch` rows; `progress(bytes read, file size)`.
pub async fn import(
    store: &Store,
    path: &Path,
    batch: usize,
    mut progress: impl FnMut(u64, u64),
) -> Result<FileReport, FileImportError> {
    let shown = path.display().to_string();
    let io = |source| FileImportError::Io {
        path: shown.clone(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let bytes = Arc::new(AtomicU64::new(0));
    let mut reader = BufReader::new(Counted {
        inner: file,
        bytes: bytes.clone(),
    });
    let first = reader.fill_buf().map_err(io)?.first().copied();
    let format_error = |reason| FileImportError::Format {
        path: shown.clone(),
        reason,
    };
    let records = match FileFormat::detect(path, first) {
        FileFormat::Ndjson => ndjson_records(reader),
        FileFormat::Csv => csv_records(reader).map_err(format_error)?,
    };
    let mut report = FileReport::default();
    let mut rows: Vec<NewLog> = Vec::with_capacity(batch);
    for record in records {
        let (line, value) = record.map_err(format_error)?;
        report.read += 1;
        match value.and_then(prepare_value) {
            Ok(row) => rows.push(row),
            Err(why) => report.reject(line, why),
        }
        if rows.len() >= batch.max(1) {
            flush(store, &mut rows, &mut report).await?;
            progress(bytes.load(Ordering::Relaxed), size);
        }
    }
    flush(store, &mut rows, &mut report).await?;
    progress(size, size);
    Ok(report)
}

async fn flush(
    store: &Store,
    rows: &mut Vec<NewLog>,
    report: &mut FileReport,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let outcome = store.insert_batch(rows).await?;
    report.inserted += outcome.inserted;
    report.duplicates += outcome.duplicates;
    rows.clear();
    Ok(())
}

//! Latency summaries, the brief's targets, and the printed table.
use crate::server::store::Backend;
use std::io::Write;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct Measure {
    pub median_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

impl Measure {
    pub fn of(samples: &[Duration]) -> Measure {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| {
            if ms.is_empty() {
                return f64::NAN;
            }
            let i = ((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1;
            ms[i]
        };
        Measure {
            median_ms: at(0.5),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    P95Ms(f64),
    P99Ms(f64),
}

impl Target {
    fn check(self, m: &Measure) -> Option<(String, bool)> {
        match self {
            Target::None => None,
            Target::P95Ms(t) => Some((format!("p95 < {t} ms"), m.p95_ms < t)),
            Target::P99Ms(t) => Some((format!("p99 < {t} ms"), m.p99_ms < t)),
        }
    }
}

/// The faster-than-new-api factor the brief asks for on deep pages and keyword search.
const RATIO_TARGET: f64 = 50.0;

pub enum Outcome {
    Latency {
        name: &'static str,
        ours: Measure,
        theirs: Option<Measure>,
        target: Target,
        ratio_target: bool,
    },
    /// A value with a floor or a ceiling: throughput, bytes.
    Value {
        name: &'static str,
        value: f64,
        unit: &'static str,
        limit: f64,
        higher_is_better: bool,
    },
}

impl Outcome {
    pub fn compare(
        name: &'static str,
        ours: Measure,
        theirs: Option<Measure>,
        target: Target,
        ratio_target: bool,
    ) -> Outcome {
        Outcome::Latency {
            name,
            ours,
            theirs,
            target,
            ratio_target,
        }
    }

    /// Timings of errscope alone (no new-api strategy to compare with).
    pub fn timed(name: &'static str, samples: &[Duration], target: Target) -> Outcome {
        Outcome::compare(name, Measure::of(samples), None, target, false)
    }

    pub fn throughput(name: &'static str, rows_per_s: f64, floor: f64) -> Outcome {
        Outcome::Value {
            name,
            value: rows_per_s,
            unit: "rows/s",
            limit: floor,
            higher_is_better: true,
        }
    }

    /// (what was checked, passed) for each target that applies.
    fn checks(&self) -> Vec<(String, bool)> {
        match self {
            Outcome::Latency {
                ours,
                theirs,
                target,
                ratio_target,
                ..
            } => {
                let mut c: Vec<_> = target.check(ours).into_iter().collect();
                if let (true, Some(t)) = (ratio_target, theirs) {
                    let ratio = t.median_ms / ours.median_ms;
                    c.push((format!("≥ {RATIO_TARGET}x new-api"), ratio >= RATIO_TARGET));
                }
                c
            }
            Outcome::Value {
                value,
                unit,
                limit,
                higher_is_better,
                ..
            } => {
                let (sign, ok) = if *higher_is_better {
                    (">", value > limit)
                } else {
                    ("<", value < limit)
                };
                vec![(format!("{sign} {limit:.0} {unit}"), ok)]
            }
        }
    }
}

/// Compressed sizes of the wasm and the stylesheet, as a browser downloads them.
pub fn page_weight(site_root: &str) -> Vec<Outcome> {
    let gz = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(bytes);
        e.finish().map(|v| v.len()).unwrap_or(0) as f64 / 1024.0
    };
    let mut out = Vec::new();
    let wasm = std::fs::read(format!("{site_root}/pkg/errscope.wasm"))
        .or_else(|_| std::fs::read(format!("{site_root}/pkg/errscope_bg.wasm")));
    match wasm {
        Ok(w) => out.push(Outcome::Value {
            name: "page weight: wasm, gzip",
            value: gz(&w),
            unit: "KB",
            limit: 300.0,
            higher_is_better: false,
        }),
        Err(_) => eprintln!(
            "no wasm under {site_root}/pkg: build the site first (cargo leptos build --release)"
        ),
    }
    // What a browser that takes brotli downloads: the copy `--precompress` made.
    if let Ok(br) = std::fs::metadata(format!("{site_root}/pkg/errscope.wasm.br")) {
        out.push(Outcome::Value {
            name: "page weight: wasm, brotli",
            value: br.len() as f64 / 1024.0,
            unit: "KB",
            limit: 300.0,
            higher_is_better: false,
        });
    }
    out.push(Outcome::Value {
        name: "page weight: CSS, gzip",
        value: gz(crate::server::http::assets::APP_CSS.as_bytes()),
        unit: "KB",
        limit: 50.0,
        higher_is_better: false,
    });
    out
}

/// Prints the table; true when every target is met.
pub fn print(outcomes: &[Outcome], rows: usize, backend: Backend) -> bool {
    let backend = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!("\nerrscope bench: {rows} rows, {backend} (times in ms: median / p95 / p99)\n");
    println!(
        "{:<34} {:>24} {:>22} {:>9}  targets",
        "query", "errscope", "new-api strategy", "ratio"
    );
    let mut all_ok = true;
    for o in outcomes {
        let checks = o.checks();
        all_ok &= checks.iter().all(|c| c.1);
        let verdict = checks
            .iter()
            .map(|(what, ok)| format!("{} {what}", if *ok { "ok" } else { "MISSED" }))
            .collect::<Vec<_>>()
            .join(", ");
        match o {
            Outcome::Latency {
                name, ours, theirs, ..
            } => {
                let t = theirs
                    .map(|t| format!("{:.1} / {:.1}", t.median_ms, t.p95_ms))
                    .unwrap_or_else(|| "-".into());
                let ratio = theirs
                    .map(|t| format!("{:.0}x", t.median_ms / ours.median_ms))
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{name:<34} {:>24} {t:>22} {ratio:>9}  {verdict}",
                    format!(
                        "{:.2} / {:.2} / {:.2}",
                        ours.median_ms, ours.p95_ms, ours.p99_ms
                    )
                );
            }
            Outcome::Value {
                name, value, unit, ..
            } => {
                println!(
                    "{name:<34} {:>24} {:>22} {:>9}  {verdict}",
                    format!("{value:.0} {unit}"),
                    "",
                    ""
                );
            }
        }
    }
    println!(
        "\n{}",
        if all_ok {
            "every target met"
        } else {
            "some targets MISSED"
        }
    );
    all_ok
}

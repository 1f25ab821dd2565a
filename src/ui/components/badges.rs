use leptos::prelude::*;

use crate::ui::lang::use_lang;

use crate::domain::attribution::{Attribution, TwoWay};
use crate::domain::status::status_class;

/// A status code coloured by class (the code itself is the label, so colour is not the only cue).
#[component]
pub fn StatusBadge(code: Option<u16>) -> impl IntoView {
    let class = match code.map(status_class) {
        Some("2xx") => "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
        Some("4xx") => "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
        Some("5xx") => "bg-rose-100 text-rose-900 dark:bg-rose-900 dark:text-rose-100",
        _ => "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100",
    };
    view! {
        <span class=format!("inline-block rounded px-1.5 py-0.5 font-mono text-xs font-semibold {class}")>
            {code.map(|c| c.to_string()).unwrap_or_else(|| "-".into())}
        </span>
    }
}

/// An attribution with a shape and a label, not colour alone; an undecided row with the
/// seed's two-way answer shows the pair ("Usage or upstream issue").
#[component]
pub fn AttributionBadge(
    attribution: Attribution,
    #[prop(optional_no_strip)] two_way: Option<TwoWay>,
) -> impl IntoView {
    let lang = use_lang();
    let label = two_way.map_or(attribution.name(lang), |p| p.name(lang));
    let class = match attribution {
        Attribution::Usage => "text-sky-800 border-sky-300 dark:text-sky-200 dark:border-sky-700",
        Attribution::Upstream => {
            "text-violet-800 border-violet-300 dark:text-violet-200 dark:border-violet-700"
        }
        Attribution::Platform => {
            "text-rose-800 border-rose-300 dark:text-rose-200 dark:border-rose-700"
        }
        Attribution::NeedsContext => {
            "text-slate-700 border-slate-300 dark:text-slate-200 dark:border-slate-600"
        }
    };
    view! {
        <span class=format!("inline-flex items-center gap-1 whitespace-nowrap rounded border px-1.5 py-0.5 text-xs {class}")
            data-attribution=attribution.as_str() data-two-way=two_way.map(TwoWay::as_str)>
            <span aria-hidden="true">{attribution.glyph()}</span>
            {label}
        </span>
    }
}

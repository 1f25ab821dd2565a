//! What a page shows while its data loads after hydration: grey bars in the shape of the rows
//! to come (so nothing jumps when they arrive), announced once to screen readers.
use leptos::prelude::*;

#[component]
pub fn Skeleton(
    /// What is loading, for screen readers ("Loading logs…").
    label: String,
    /// Placeholder rows.
    #[prop(default = 8)]
    rows: usize,
) -> impl IntoView {
    view! {
        <div aria-busy="true" data-testid="skeleton" class="animate-pulse space-y-2">
            <span class="sr-only" role="status">{label}</span>
            {(0..rows)
                .map(|i| {
                    // Uneven widths read as text, not as a progress bar.
                    let width = ["w-full", "w-11/12", "w-10/12", "w-9/12"][i % 4];
                    view! {
                        <div aria-hidden="true" class=format!("h-6 rounded bg-slate-200 dark:bg-slate-700 {width}")></div>
                    }
                })
                .collect_view()}
        </div>
    }
}

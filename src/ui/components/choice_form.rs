//! A row of buttons that posts one choice to a `/prefs/...` endpoint and comes back to this
//! page: the header's theme and language switches. A plain form, so it works without JavaScript.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// One button of a `ChoiceForm`.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
    /// The language the label is written in, when it is not the page's.
    pub lang: Option<&'static str>,
}

#[component]
pub fn ChoiceForm(
    /// Where the choice is posted (`/prefs/theme`).
    action: &'static str,
    /// The form field the chosen value is sent as.
    name: &'static str,
    /// What is being chosen, for screen readers.
    label: String,
    choices: Vec<Choice>,
    current: &'static str,
) -> impl IntoView {
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        let sep = if search.is_empty() || search.starts_with('?') {
            ""
        } else {
            "?"
        };
        format!("{}{sep}{search}", location.pathname.get())
    };
    view! {
        <form method="post" action=action class="flex items-center rounded border border-slate-300 dark:border-slate-700 text-xs" aria-label=label>
            <input type="hidden" name="back" value=back/>
            {choices.into_iter().map(|c| {
                let on = c.value == current;
                view! {
                    <button type="submit" name=name value=c.value aria-pressed=on.to_string() lang=c.lang
                        class=if on { "px-2 py-0.5 bg-slate-200 dark:bg-slate-700" } else { "px-2 py-0.5" }>{c.label}</button>
                }
            }).collect_view()}
        </form>
    }
}

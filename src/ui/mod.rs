//! The UI: the app shell and routes, pages, components, and the server functions they call.
pub mod api;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod components;
pub mod islands;
pub mod lang;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::i18n::{t, t_string, use_i18n, I18nContextProvider};

use pages::{
    account::AccountPage, alerts::AlertsPage, audit::AuditPage, channels::ChannelsPage,
    details::DetailsPage, health::HealthPage, keys::KeysPage, login::LoginPage, logs::LogsPage,
    reference::ReferencePage, retention::RetentionPage, sources::SourcesPage, users::UsersPage,
};

/// What the server mounts of the UI: its routes and the document around them.
#[cfg(feature = "ssr")]
pub fn frontend() -> crate::server::http::router::Frontend {
    crate::server::http::router::Frontend {
        routes: || leptos_axum::generate_route_list(App),
        shell: |options| shell(options).into_any(),
    }
}

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use components::theme_switch::{current_theme, Theme, SYSTEM_THEME_SCRIPT};
    let theme = current_theme();
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang=lang::page_lang().code() class=(theme == Theme::Dark).then_some("dark") data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content=theme.color_scheme()/>
                {(theme == Theme::System).then(|| view! { <script nonce=nonce>{SYSTEM_THEME_SCRIPT}</script> })}
                <HydrationScripts options islands=true/>
                <leptos_meta::MetaTags/>
            </head>
            <body class="bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The server settles the language (server::http::lang): leptos_i18n takes it instead of
    // reading cookies and headers itself, and the browser half reads it from <html lang>.
    let settled = leptos_i18n::context::UseLocalesOptions::default()
        .ssr_lang_header_getter(|| Some(lang::page_lang().code().to_string()));
    view! {
        <I18nContextProvider enable_cookie=false ssr_lang_header_getter=settled
            set_lang_attr_on_html=false set_dir_attr_on_html=false>
            <Shell/>
        </I18nContextProvider>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let account = Resource::new(|| (), |_| crate::ui::api::current_account());
    view! {
        <Link rel="stylesheet" href=crate::shared::assets::APP_CSS_HREF/>
        <Link rel="icon" href="/favicon.svg"/>
        <Meta name="description" content=t_string!(i18n, nav.description)/>
        <Title formatter=|t: String| if t.is_empty() { "errscope".to_string() } else { format!("{t} · errscope") }/>
        <Router>
            <components::keyboard::KeyboardShortcuts/>
            <a href="#main" class="sr-only focus:not-sr-only">{t!(i18n, nav.skip)}</a>
            <header class="border-b border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900">
                <nav class="max-w-screen-2xl mx-auto px-4 min-h-12 py-2 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" aria-label=move || t_string!(i18n, nav.main)>
                    <a href="/logs" class="font-semibold text-base tracking-tight">"errscope"</a>
                    <A href="/logs" attr:class="hover:underline">{t!(i18n, nav.usage_logs)}</A>
                    <A href="/health" attr:class="hover:underline">{t!(i18n, nav.group_health)}</A>
                    <A href="/reference" attr:class="hover:underline">{t!(i18n, nav.reference)}</A>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let a = account.await.ok().flatten();
                            let admin = a.as_ref().is_some_and(|a| a.role.manages_accounts());
                            view! {
                                <Show when=move || admin>
                                    <A href="/admin/users" attr:class="hover:underline">{t!(i18n, nav.users)}</A>
                                    <A href="/admin/audit" attr:class="hover:underline">{t!(i18n, nav.audit)}</A>
                                    <A href="/admin/retention" attr:class="hover:underline">{t!(i18n, nav.retention)}</A>
                                    <A href="/admin/keys" attr:class="hover:underline">{t!(i18n, nav.keys)}</A>
                                    <A href="/admin/sources" attr:class="hover:underline">{t!(i18n, nav.sources)}</A>
                                    <A href="/admin/alerts" attr:class="hover:underline">{t!(i18n, nav.alerts)}</A>
                                </Show>
                                <div class="ml-auto flex flex-wrap items-center gap-x-3 gap-y-1" data-testid="header-tools">
                                    <components::account_menu::AccountMenu account=a/>
                                    <lang::LanguageSwitch/>
                                    <components::theme_switch::ThemeSwitch/>
                                </div>
                            }
                        })}
                    </Suspense>
                </nav>
            </header>
            <main id="main" tabindex="-1" class="max-w-screen-2xl mx-auto px-4 py-4 focus:outline-none">
                <Routes fallback=move || view! { <p class="p-8">{t!(i18n, nav.not_found)}</p> }>
                    <Route path=path!("/logs") view=LogsPage ssr=SsrMode::Async/>
                    <Route path=path!("/logs/:id") view=DetailsPage ssr=SsrMode::Async/>
                    <Route path=path!("/health") view=HealthPage ssr=SsrMode::Async/>
                    <Route path=path!("/health/channels") view=ChannelsPage ssr=SsrMode::Async/>
                    <Route path=path!("/reference") view=ReferencePage ssr=SsrMode::Async/>
                    <Route path=path!("/reference/api") view=crate::ui::pages::api_reference::ApiReferencePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/retention") view=RetentionPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/keys") view=KeysPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/sources") view=SourcesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/alerts") view=AlertsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

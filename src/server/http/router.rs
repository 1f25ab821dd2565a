//! Builds and runs the axum app.
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{handle_server_fns_with_context, AxumRouteListing, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

use crate::server::auth::guard::same_origin;
use crate::server::auth::login::{login, logout, LoginLimits};
use crate::server::auth::session::{resolve_viewer, session_layer, SessionSettings, SessionState};
use crate::server::cli::ServeArgs;
use crate::server::http::assets::{self, Pkg};
use crate::server::http::client::{client_layer, Network};
use crate::server::http::explain_api::{explain_api, ExplainLimits};
use crate::server::http::ingest_api::{post_logs, IngestGate};
use crate::server::http::metrics::MetricsAccess;
use crate::server::http::page_policy::{content_security_policy, page_nonce};
use crate::server::http::read_api::{self, ReadLimits};
use crate::server::store::{Store, StoreError};
use crate::shared::assets::APP_CSS_HREF;

#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub ingest_gate: IngestGate,
    pub login_limits: LoginLimits,
    pub explain_limits: ExplainLimits,
    pub read_limits: ReadLimits,
    pub pkg: Pkg,
}

pub fn leptos_options(args: &ServeArgs) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(assets::output_name(&args.site_root))
        .site_root(args.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(
            args.addr
                .parse::<std::net::SocketAddr>()
                .unwrap_or_else(|_| ([127, 0, 0, 1], 3000).into()),
        )
        .build()
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed by a process-wide flag (leptos_server's `SuppressResourceLoad`), and a
/// page whose resource is first polled on another thread meanwhile waits forever
/// (leptos-rs/leptos#4773): a second `app()` in a running process, as tests and tools build,
/// must not generate them again.
fn route_list(frontend: Frontend) -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(frontend.routes).clone()
}

/// The pages the server renders: the UI's routes and the HTML document around them. The UI
/// builds it (`ui::frontend`) and the binary hands it over, so the server never imports the UI.
#[derive(Clone, Copy)]
pub struct Frontend {
    /// The route list (leptos_axum's `generate_route_list` of the app).
    pub routes: fn() -> Vec<AxumRouteListing>,
    /// The whole document of a page.
    pub shell: fn(LeptosOptions) -> AnyView,
}

pub async fn app(
    frontend: Frontend,
    store: Store,
    leptos_options: LeptosOptions,
    sessions: SessionSettings,
) -> Result<Router, StoreError> {
    app_on(
        frontend,
        store,
        leptos_options,
        sessions,
        Network::default(),
    )
    .await
}

/// The app as reached over `network` (its trusted proxies, https or not).
pub async fn app_on(
    frontend: Frontend,
    store: Store,
    leptos_options: LeptosOptions,
    sessions: SessionSettings,
    network: Network,
) -> Result<Router, StoreError> {
    let routes = route_list(frontend);
    let shell = frontend.shell;
    let state = AppState {
        leptos_options: leptos_options.clone(),
        store: store.clone(),
        ingest_gate: IngestGate::default(),
        login_limits: LoginLimits::default(),
        explain_limits: ExplainLimits::default(),
        read_limits: ReadLimits::default(),
        pkg: Pkg::new(&leptos_options.site_root, &leptos_options.output_name),
    };
    let session_state = SessionState {
        store: store.clone(),
        settings: sessions,
    };
    let session_layer = session_layer(&store, sessions).await?;
    let context = move || {
        provide_context(store.clone());
        if let Some(nonce) = page_nonce() {
            provide_context(nonce);
        }
    };
    Ok(Router::new()
        .route("/", get(|| async { axum::response::Redirect::to("/logs") }))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/prefs/theme", post(crate::server::http::prefs::set_theme))
        .route("/prefs/lang", post(crate::server::http::lang::set_lang))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::server::http::metrics::metrics_text))
        // Browsers and crawlers ask for it whatever the page links to.
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/favicon.svg") }),
        )
        .route(APP_CSS_HREF, get(assets::versioned_css))
        .route("/app.css", get(assets::plain_css))
        .route("/pkg/{*file}", get(assets::pkg_file))
        .route("/logs.csv", get(crate::server::http::export::logs_csv))
        .route(
            "/api/v1/openapi.json",
            get(crate::server::http::openapi::openapi_json),
        )
        .route("/api/v1/explain", post(explain_api))
        .route("/api/v1/logs", post(post_logs).get(read_api::get_logs))
        .route("/api/v1/logs/{request_id}", get(read_api::get_request))
        .route("/api/v1/health", get(read_api::get_health))
        .route(
            "/api/{*fn_name}",
            post({
                let context = context.clone();
                move |req: Request<Body>| handle_server_fns_with_context(context.clone(), req)
            }),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(
            crate::server::http::metrics::track,
        ))
        .layer(axum::middleware::map_response(
            arguments_are_the_clients_fault,
        ))
        .layer(axum::middleware::from_fn(
            crate::server::http::form_answer::keep_form_answers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            session_state,
            resolve_viewer,
        ))
        .layer(session_layer)
        .layer(axum::middleware::from_fn(same_origin))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(network),
            client_layer,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(content_security_policy))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(request_spans())
        .with_state(state))
}

type HttpClassifier =
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>;
type MakeSpan = fn(&Request<Body>) -> tracing::Span;

/// One span per request (method and path, never the query string, which can hold what a user
/// searched for), so every log line of a request carries them; one line per answer at debug
/// level (`RUST_LOG=tower_http=debug`).
fn request_spans() -> TraceLayer<HttpClassifier, MakeSpan, DefaultOnRequest, DefaultOnResponse> {
    fn span(req: &Request<Body>) -> tracing::Span {
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
    }
    TraceLayer::new_for_http()
        .make_span_with(span as MakeSpan)
        .on_request(DefaultOnRequest::new().level(tracing::Level::DEBUG))
        .on_response(
            DefaultOnResponse::new()
                .level(tracing::Level::DEBUG)
                .latency_unit(LatencyUnit::Millis),
        )
}

/// A server function called with arguments it cannot read answers 400, not leptos' 500.
async fn arguments_are_the_clients_fault(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let failure = serde_json::from_slice::<crate::shared::failure::Failure>(&bytes).ok();
    if failure.is_some_and(|f| f.kind == crate::shared::failure::FailureKind::Invalid) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn healthz(State(store): State<Store>) -> Response {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}")).into_response(),
    }
}

/// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
pub async fn serve(
    frontend: Frontend,
    store: Store,
    args: &ServeArgs,
) -> Result<(), Box<dyn std::error::Error>> {
    let options = leptos_options(args);
    let app = app_on(
        frontend,
        store,
        options,
        args.session_settings(),
        args.network()?,
    )
    .await?
    .layer(axum::Extension(MetricsAccess::token(
        args.metrics_token.as_deref(),
    )));
    let listener = tokio::net::TcpListener::bind(&args.addr).await?;
    tracing::info!("errscope listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

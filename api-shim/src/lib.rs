//! The Hako server: one binary that serves the web viewer and the JSON API.
//!
//! The route table is [`router`]; each area is a module with its own `router()`.

pub mod accounts;
pub mod app_data;
pub mod clock;
pub mod config;
pub mod corp;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub(crate) mod http;
pub mod jobs;
pub mod library;
pub mod mail;
pub mod media;
pub(crate) mod phones;
pub mod store;
pub mod uploads;

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use axum::{
    Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderValue, Method, header},
    response::IntoResponse,
    routing::{any, get},
};
use hako_protocol::{ErrorBody, ErrorCode, Health, TimelineFilter, TimelineSort};
use tower_http::{
    compression::{CompressionLayer, Predicate, predicate::DefaultPredicate},
    csrf::CsrfLayer,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        Content, Ref, RefOr, Response,
        path::{Operation, ParameterIn, PathItem},
        security::{
            ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
        },
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    clock::Clock,
    config::Config,
    http::error::{ApiError, ApiJson, ApiResult},
    mail::{Mail, Mailer},
    store::db::Db,
};

/// JSON bodies are small; anything bigger is refused before it is read.
const API_BODY_LIMIT: usize = 16 * 1024;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub mailer: Mailer,
    /// Mails handed to the background and not sent yet (tests wait for none).
    pub mails_in_flight: Arc<AtomicUsize>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    /// Key of the HMAC that emailed codes and license keys are stored under.
    pub code_key: Arc<[u8]>,
    pub blobs: store::blobs::BlobStore,
    pub uploads_busy: uploads::Busy,
    /// Wakes the media worker when files arrive.
    pub media: jobs::Wake,
    /// Wakes the console's operation worker when an admin's operation is accepted.
    pub corp_jobs: jobs::Wake,
    /// Google and Apple sign-in (SPEC V1, V2).
    pub oidc: Arc<accounts::OidcProviders>,
}

impl AppState {
    /// Opens (and on first start creates) the data folder, database and outbox.
    pub async fn open(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = store::db::open(&config.data_dir, config.database_url.as_deref()).await?;
        let mailer = Mailer::new(config.smtp.as_ref(), &config.data_dir)?;
        let blobs = store::blobs::BlobStore::open(&config.data_dir, config.s3.as_ref())?;
        let code_key = store::db::server_secret(&db, "email_code_hmac")
            .await?
            .into();
        let oidc = Arc::new(accounts::OidcProviders::new(&config.oidc)?);
        Ok(Self {
            db,
            mailer,
            mails_in_flight: Arc::default(),
            clock,
            config: Arc::new(config),
            code_key,
            blobs,
            uploads_busy: uploads::Busy::default(),
            media: jobs::Wake::default(),
            corp_jobs: jobs::Wake::default(),
            oidc,
        })
    }

    /// Mails without making the request wait, so answers take the same time whether or not
    /// a mail goes out, and a slow SMTP server does not hold the user up.
    pub fn mail_in_background(&self, to: String, mail: Mail) {
        let mailer = self.mailer.clone();
        let in_flight = self.mails_in_flight.clone();
        in_flight.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(async move {
            if let Err(error) = mailer.send(&to, &mail).await {
                tracing::error!(%to, "sending mail failed: {error:#}");
            }
            in_flight.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Hako API", description = "Backup cloud for smartphones: web viewer, devices and accounts."),
    modifiers(&SessionCookie),
    // Types that only query parameters name: nothing else brings them into the document.
    components(schemas(TimelineFilter, TimelineSort)),
    tags((name = "accounts", description = "Sign-up, sign-in (email, Google, Apple), password reset, the signed-in account and its license key (SPEC V1, V2, V17, A2–A5)"),
         (name = "phones", description = "Phones: sign-in, ROOMs, what to upload (SPEC D1–D3, D7)"),
         (name = "library", description = "A ROOM's stored files and backups: lists, originals, pictures, the timeline, item details, music, documents, contacts, calendar, calls, and downloads of one file or a ZIP of up to 50 (SPEC D3, D4, V3–V14, L3)"),
         (name = "uploads", description = "tus 1.0 resumable uploads (SPEC D3, T1, L1, L2)"),
         (name = "app_data", description = "App data backup (SPEC P1–P7): apps keep their data under the account, behind ETag preconditions, with the last five versions kept; each phone's two switches decide whether it saves and restores. A phone abroad sends `Hako-Abroad: 1` on every request."),
         (name = "corp", description = "The corporate console (SPEC C1–C10): a company's admins set, per phone line, the backup and phonebook migration functions, in bulk, as operations with a reception number and a history; a line's phone signs in with a code from a password notice"),
         (name = "system", description = "Health and this document")),
)]
struct ApiDoc;

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_default()
            .add_security_scheme(
                "session_cookie",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(accounts::SESSION_COOKIE))),
            );
        openapi
            .components
            .get_or_insert_default()
            .add_security_scheme(
                "device_token",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
    }
}

/// `(status, name under components/responses, description)` of the answers [`SharedAnswers`]
/// adds; each body is an `ErrorBody`.
const SHARED_ANSWERS: [(&str, &str, &str); 6] = [
    (
        "400",
        "BadRequest",
        "A path segment, query or JSON body that cannot be read (`invalid_query`, `invalid_json`)",
    ),
    (
        "401",
        "Unauthenticated",
        "No valid session cookie or device token (`unauthenticated`, `device_token_invalid`)",
    ),
    (
        "403",
        "CrossSiteRequest",
        "Sent from a page of another site (`cross_site_request`)",
    ),
    (
        "413",
        "PayloadTooLarge",
        "A body over the route's size limit (`payload_too_large`)",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "A body that is not `application/json` (`unsupported_media_type`)",
    ),
    (
        "500",
        "Internal",
        "The server failed; the cause is in its log (`internal`)",
    ),
];

/// The answers every operation of a kind can give, documented once, from what the document
/// already says about the operation (credentials, parameters, a JSON body, its method); the
/// operation's own answers are in its `#[utoipa::path]`. Each rule names the shared code that
/// gives the answer, so the document promises only what can happen. Applied in [`api`], to the
/// document the routes make.
struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_default();
        for (_, name, description) in SHARED_ANSWERS {
            let mut response = Response::new(description);
            response.content.insert(
                "application/json".to_owned(),
                Content::new(Some(Ref::from_schema_name("ErrorBody"))).into(),
            );
            components
                .responses
                .insert(name.to_owned(), RefOr::T(response));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                let mut statuses = Vec::new();
                // `CurrentUser`, `CurrentDevice` and `Caller` refuse requests without valid
                // credentials, which they look up in the database.
                let guarded = operation
                    .security
                    .iter()
                    .flatten()
                    .any(|requirement| *requirement != SecurityRequirement::default());
                if guarded {
                    statuses.extend(["401", "500"]);
                }
                // `ApiPath` and `ApiQuery`.
                if operation.parameters.iter().flatten().any(|parameter| {
                    matches!(parameter, RefOr::T(p)
                        if matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query))
                }) {
                    statuses.push("400");
                }
                // `ApiJson`, under the `DefaultBodyLimit`s of `api()`; every such handler
                // then reads or writes the database.
                if matches!(&operation.request_body, Some(RefOr::T(body))
                    if body.content.contains_key("application/json"))
                {
                    statuses.extend(["400", "413", "415", "500"]);
                }
                // The `CsrfLayer` of `router()`.
                if csrf_checked(&method, path) {
                    statuses.push("403");
                }
                for status in statuses {
                    add_shared_answer(operation, status);
                }
            }
        }
    }
}

/// The operations of a path, with their methods.
fn operations(item: &mut PathItem) -> impl Iterator<Item = (Method, &mut Operation)> {
    [
        (Method::GET, &mut item.get),
        (Method::PUT, &mut item.put),
        (Method::POST, &mut item.post),
        (Method::DELETE, &mut item.delete),
        (Method::OPTIONS, &mut item.options),
        (Method::HEAD, &mut item.head),
        (Method::PATCH, &mut item.patch),
        (Method::TRACE, &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_mut().map(|op| (method, op)))
}

/// Refers to the shared answer for `status`; an answer the operation documents itself keeps
/// its own description, with the shared cause added.
fn add_shared_answer(operation: &mut Operation, status: &str) {
    let (_, name, description) = SHARED_ANSWERS
        .into_iter()
        .find(|(shared, ..)| *shared == status)
        .expect("a shared answer for every status the rules add");
    match operation.responses.responses.get_mut(status) {
        None => {
            operation
                .responses
                .responses
                .insert(status.to_owned(), Ref::from_response_name(name).into());
        }
        Some(RefOr::T(own)) if !own.description.contains(description) => {
            own.description = if own.description.is_empty() {
                description.to_owned()
            } else {
                format!("{}; or: {description}", own.description)
            };
        }
        Some(_) => {}
    }
}

/// Requests the cross-site check never refuses: Apple posts its sign-in answer from
/// appleid.apple.com. That post changes nothing by itself: it only redirects, and the sign-in
/// needs a `state` this server issued.
fn csrf_exempt(method: &Method, path: &str) -> bool {
    method == Method::POST && path.starts_with("/api/v1/auth/oidc/") && path.ends_with("/callback")
}

/// Whether the `CsrfLayer` looks at a request: not at safe methods, nor at the exempt ones.
fn csrf_checked(method: &Method, path: &str) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) && !csrf_exempt(method, path)
}

/// The API's routes and their OpenAPI document, generated from the same handlers.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .merge(accounts::http::router())
        .merge(phones::router().layer(DefaultBodyLimit::max(phones::MISSING_BODY_LIMIT)))
        .merge(uploads::router())
        .merge(app_data::router())
        .merge(corp::router())
        .merge(library::http::router())
        .split_for_parts();
    SharedAnswers.modify(&mut openapi);
    (routes, openapi)
}

pub fn router(state: AppState) -> Router {
    let (api, openapi) = api();
    let openapi = Arc::new(openapi);
    let api = api
        .route(
            "/api/openapi.json",
            get(move || async move { ApiJson(openapi.clone()) }),
        )
        .route(
            "/api/{*rest}",
            any(|| async { ApiError::new(ErrorCode::NotFound) }),
        )
        .method_not_allowed_fallback(|| async { ApiError::new(ErrorCode::MethodNotAllowed) })
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        // API answers are not cached unless a handler says otherwise (pictures are immutable).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let csrf = CsrfLayer::new()
        .with_insecure_bypass(|method, uri| csrf_exempt(method, uri.path()))
        .with_rejection_response(|_| ApiError::new(ErrorCode::CrossSiteRequest).into_response());
    api.with_state(state.clone())
        .merge(http::web::router(&state.config.dist_dir))
        .layer(csrf)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_, _, _: &_, extensions: &axum::http::Extensions| {
                    extensions.get::<http::files::StoredBytes>().is_none()
                },
            )),
        )
        .layer(TraceLayer::new_for_http())
}

/// Answers 200 when the database answers.
#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn health(State(state): State<AppState>) -> ApiResult<ApiJson<Health>> {
    store::db::ping(&state.db).await.map_err(|error| {
        tracing::error!("health check: database unreachable: {error}");
        ApiError::new(ErrorCode::Unavailable)
    })?;
    Ok(ApiJson(Health {
        status: "ok".to_owned(),
    }))
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    jobs::janitor::spawn(state.clone(), JANITOR);
    if state.config.media_worker {
        // Pictures are made on every core: one photo each (SPEC T4).
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        jobs::spawn_worker::<media::MediaJob>(state.clone(), state.media.clone(), cores);
    }
    // A company's operations run one after the other, in the order they were received.
    jobs::spawn_worker::<corp::OperationJob>(state.clone(), state.corp_jobs.clone(), 1);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// The license life cycle (SPEC A4) and the deletion of data it ends in: accounts decides
/// whose data is due, the phones area deletes it. Joined here, so neither calls the other.
pub async fn run_license_lifecycle(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now();
    accounts::license::run_lifecycle(&state.db, &state.blobs, now, phones::wipe_room).await?;
    Ok(())
}

/// What the janitor runs every few minutes (`jobs::janitor`): each area's clean-up.
const JANITOR: &[(&str, jobs::janitor::Task)] = &[
    ("accounts", |state, now| {
        Box::pin(async move { Ok(accounts::prune(&state.db, now, &state.config).await?) })
    }),
    ("license life cycle", |state, _| {
        Box::pin(run_license_lifecycle(state))
    }),
    ("uploads", |state, _| {
        Box::pin(async move { Ok(uploads::prune(state).await?) })
    }),
    ("downloads", |state, now| {
        Box::pin(library::downloads::prune(&state.db, now))
    }),
];

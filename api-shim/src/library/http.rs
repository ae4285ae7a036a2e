//! The library area's routes, part by part.

use utoipa_axum::router::OpenApiRouter;

use super::{backups, downloads, items, timeline};
use crate::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(backups::http::router())
        .merge(items::http::router())
        .merge(timeline::http::router())
        .merge(downloads::http::router())
}

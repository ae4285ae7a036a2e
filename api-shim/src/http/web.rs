//! Serves the built web viewer: hashed assets cached for a year, `index.html` for every
//! other path (the SPA's router decides), and a Content-Security-Policy that lets only
//! our own scripts run.

use std::path::Path;

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

pub fn router(dist: &Path) -> Router {
    let index = dist.join("index.html");
    let index_html = std::fs::read_to_string(&index).unwrap_or_else(|_| {
        tracing::warn!(
            "{} is missing: the web viewer is not built (scripts/run.sh builds it); the API still works",
            index.display()
        );
        String::new()
    });
    let csp = content_security_policy(&index_html);
    Router::new()
        .fallback_service(
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(ServeFile::new(index)),
        )
        .layer(middleware::from_fn(cache_control))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&csp).expect("CSP is ASCII"),
        ))
}

/// Trunk names built files `name-<16 hex digits>[_bg].ext`: their content never changes.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Allows the inline start-up script trunk writes into `index.html` by its hash, and
/// nothing else that is inline.
fn content_security_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            format!(
                " 'sha256-{}'",
                STANDARD.encode(Sha256::digest(script.as_bytes()))
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (open_tag, after) = rest.split_once('>')?;
        let (body, _) = after.split_once("</script>")?;
        (!open_tag.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_recognized() {
        assert!(is_hashed_asset("/hako-app-5f3a9c0d12ab34ef.js"));
        assert!(is_hashed_asset("/hako-app-5f3a9c0d12ab34ef_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/signin"));
        assert!(!is_hashed_asset("/favicon.svg"));
    }

    #[test]
    fn the_policy_names_each_inline_script_by_hash() {
        let html =
            r#"<head><script src="/a.js"></script><script type="module">go()</script></head>"#;
        let expected = STANDARD.encode(Sha256::digest(b"go()"));
        let csp = content_security_policy(html);
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert_eq!(csp.matches("sha256-").count(), 1);
    }
}

//! The server as a whole: health, the OpenAPI document, bad input, the web viewer's files.

use hako_protocol::ErrorCode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/api/health")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    app.state.db.close().await;
    let response = reqwest::get(app.url("/api/health")).await.unwrap();
    expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
    )
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/health", "get"),
        ("/api/v1/auth/signup", "post"),
        ("/api/v1/auth/signup/verify", "post"),
        ("/api/v1/auth/signin", "post"),
        ("/api/v1/auth/signout", "post"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/verify", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/downloads", "post"),
        ("/api/v1/downloads/{token}", "get"),
        ("/api/v1/items/{id}", "get"),
        ("/api/v1/items/{id}", "delete"),
        ("/api/v1/items/{id}/stream", "get"),
        ("/api/v1/items/{id}/view", "get"),
        ("/api/v1/rooms/{room}/music", "get"),
        ("/api/v1/rooms/{room}/documents", "get"),
        ("/api/v1/rooms/{room}/contacts", "get"),
        ("/api/v1/rooms/{room}/calendar", "get"),
        ("/api/v1/rooms/{room}/calls", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorCode"].is_object());
}

/// Every `$ref` in `value` (anywhere below it), with where it was found.
fn refs<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push((at.clone(), target)),
                    _ => {
                        let key = key.replace('~', "~0").replace('/', "~1");
                        refs(inner, format!("{at}/{key}"), out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                refs(inner, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// What a JSON pointer (`#/components/schemas/X`) names in the document, if anything.
fn resolve<'a>(doc: &'a Value, target: &str) -> Option<&'a Value> {
    doc.pointer(target.strip_prefix('#')?)
}

#[tokio::test]
async fn every_ref_in_the_openapi_document_resolves() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    let mut found = Vec::new();
    refs(&doc, "#".to_owned(), &mut found);
    assert!(
        found
            .iter()
            .any(|(_, target)| *target == "#/components/schemas/TimelineFilter"),
        "the timeline's filter is described once, in components"
    );
    let dangling: Vec<String> = found
        .iter()
        .filter(|(_, target)| resolve(&doc, target).is_none())
        .map(|(at, target)| format!("{at} -> {target}"))
        .collect();
    assert!(
        dangling.is_empty(),
        "unresolved $refs:\n{}",
        dangling.join("\n")
    );
}

/// The answers clients can trust: every refusal is an `ErrorBody`, and every operation that
/// needs credentials says it answers 401, and every one that reads JSON says 400, 413 and 415.
#[tokio::test]
async fn the_openapi_document_describes_every_refusal() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let what = format!("{} {path}", method.to_uppercase());
            let responses = operation["responses"].as_object().unwrap();
            let response = |status: &str| {
                let answer = responses.get(status)?;
                match answer["$ref"].as_str() {
                    Some(target) => resolve(&doc, target),
                    None => Some(answer),
                }
            };
            for (status, _) in responses {
                let code: u16 = status.parse().unwrap();
                // Ranges and conditional requests for stored files answer without a body.
                if code < 400 || code == 416 || (code == 412 && !path.contains("/uploads")) {
                    continue;
                }
                let answer = response(status).unwrap();
                assert_eq!(
                    answer["content"]["application/json"]["schema"], error_body,
                    "{what} answers {status} with an ErrorBody"
                );
            }
            let guarded = operation["security"].as_array().is_some_and(|schemes| {
                schemes
                    .iter()
                    .any(|s| s.as_object().is_some_and(|s| !s.is_empty()))
            });
            if guarded {
                assert!(response("401").is_some(), "{what} documents 401");
            }
            if operation["requestBody"]["content"]["application/json"].is_object() {
                for status in ["400", "413", "415"] {
                    assert!(response(status).is_some(), "{what} documents {status}");
                }
            }
            if !matches!(method.as_str(), "get" | "head" | "options") && !path.contains("/oidc/") {
                assert!(
                    response("403").is_some(),
                    "{what} documents the cross-site 403"
                );
            }
        }
    }
}

/// A path or query the route cannot read is refused in the API's shape, like a bad body.
#[tokio::test]
async fn bad_paths_and_queries_get_clear_errors() {
    let app = spawn_app().await;
    let phone = app.registered_phone("paths@example.jp").await;
    for path in [
        "/api/v1/rooms/first/music",
        "/api/v1/rooms/300/timeline",
        "/api/v1/items/not-a-number",
        "/api/v1/rooms/1/items?cursor=soon",
        "/api/v1/rooms/1/timeline?filter=everything",
        "/api/v1/rooms/1/timeline/2024-08?limit=-1",
    ] {
        let response = phone.get(path).await;
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        let body = expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery).await;
        assert!(
            body.message.contains('('),
            "{path}: axum's explanation: {}",
            body.message
        );
    }
}

#[tokio::test]
async fn bad_bodies_get_clear_errors() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/auth/signin");
    let broken = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    expect_error(broken, StatusCode::BAD_REQUEST, ErrorCode::InvalidJson).await;
    let missing_field = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"email\": \"a@example.jp\"}")
        .send()
        .await
        .unwrap();
    let body = expect_error(
        missing_field,
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidJson,
    )
    .await;
    assert!(body.message.contains("password"), "{}", body.message);
    let form = client.post(&url).body("email=a").send().await.unwrap();
    expect_error(
        form,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::UnsupportedMediaType,
    )
    .await;
    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(64 * 1024)
    );
    let oversize = client
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    expect_error(
        oversize,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    let unknown = client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    expect_error(unknown, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let wrong_method = client.get(&url).send().await.unwrap();
    expect_error(
        wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
    )
    .await;
}

#[tokio::test]
async fn the_web_viewer_is_served_with_fallback_caching_and_a_strict_policy() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><script type=\"module\">start()</script><body>Hako</body></html>",
    )
    .unwrap();
    let wasm_js = "export function start() {}\n".repeat(200);
    std::fs::write(dist.path().join("hako-app-0123456789abcdef.js"), &wasm_js).unwrap();
    let dist_dir = dist.path().to_owned();
    let app = spawn_app_with(move |c| c.dist_dir = dist_dir).await;

    // Any page path gets the app, which routes it.
    let page = reqwest::get(app.url("/signup/verify")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("'sha256-") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.text().await.unwrap().contains("Hako"));

    let asset = reqwest::Client::new()
        .get(app.url("/hako-app-0123456789abcdef.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(asset.headers()["content-encoding"], "gzip");

    // The build's pre-compressed copy is sent as it is when the browser takes brotli.
    std::fs::write(
        dist.path().join("hako-app-0123456789abcdef.js.br"),
        b"pre-made br",
    )
    .unwrap();
    let asset = reqwest::Client::new()
        .get(app.url("/hako-app-0123456789abcdef.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(asset.headers()["content-encoding"], "br");
    assert_eq!(asset.bytes().await.unwrap().as_ref(), b"pre-made br");
}

/// Tags aside (they follow the code's areas), the document's paths, bodies and answers.
fn without_tags(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("tags");
    for item in doc["paths"].as_object_mut().unwrap().values_mut() {
        for operation in item.as_object_mut().unwrap().values_mut() {
            if let Some(operation) = operation.as_object_mut() {
                operation.remove("tags");
            }
        }
    }
    doc
}

/// The API is public: the document stays as recorded in `openapi.json` beside this file,
/// tags aside (restructuring may regroup them). A change that means to alter it records it
/// again with `HAKO_UPDATE_OPENAPI=1 cargo test -p hako-api-shim --test api
/// the_openapi_document_is_as_recorded`, and the diff shows what clients will see.
#[tokio::test]
async fn the_openapi_document_is_as_recorded() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    let record = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/openapi.json");
    if std::env::var_os("HAKO_UPDATE_OPENAPI").is_some() {
        std::fs::write(&record, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    }
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert!(
        without_tags(doc) == without_tags(recorded),
        "the OpenAPI document differs from {}: record it again if that is meant (see this test)",
        record.display()
    );
}

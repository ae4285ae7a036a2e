//! The authorization sweep (issue 5): for every endpoint in the OpenAPI document, account B can
//! neither read, change nor delete anything of account A, and calls without credentials are
//! refused. Each endpoint needs an entry in `cases`; a new endpoint without one fails the sweep.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// In A's file names, phone name, contacts, events and calls; never in an answer to B.
const SECRET: &str = "alpha-secret";

/// An app of the catalog that A keeps data of.
const APP_ID: &str = "jp.example.secret";
const APP_PATH: &str = "/api/v1/app-data/jp.example.secret";

/// How an endpoint is guarded.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Guard {
    /// Open to everyone: signing in, health, tus discovery.
    Public,
    /// Names one of A's things in its URL or body: B is answered 404 (or 403).
    Foreign,
    /// Acts on the caller's own account or phone: B gets its own (empty) data, never A's.
    OwnScope,
}

struct Case {
    method: Method,
    /// As in the OpenAPI document.
    template: &'static str,
    /// With A's ids filled in.
    path: String,
    body: Option<Value>,
    guard: Guard,
}

fn case(
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    guard: Guard,
) -> Case {
    Case {
        method,
        template,
        path,
        body,
        guard,
    }
}

/// Everything A owns that the sweep aims at.
struct Owned {
    photo: i64,
    song: i64,
    document: i64,
    photo_sha: String,
    upload: String,
    ticket: String,
    /// A's oldest kept version of its app data.
    app_version: i64,
    /// A is the main admin of a company with this line and this operation.
    line: i64,
    reception: String,
    admin: i64,
}

#[rustfmt::skip]
fn cases(a: &Owned) -> Vec<Case> {
    use Guard::*;
    use Method as M;
    let p = |s: &str| s.to_owned();
    let item = |suffix: &str, id: i64| format!("/api/v1/items/{id}{suffix}");
    vec![
        case(M::GET, "/api/health", p("/api/health"), None, Public),
        case(
            M::POST,
            "/api/v1/auth/signin",
            p("/api/v1/auth/signin"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/auth/signout",
            p("/api/v1/auth/signout"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/auth/signup",
            p("/api/v1/auth/signup"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/auth/signup/verify",
            p("/api/v1/auth/signup/verify"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/auth/password-reset",
            p("/api/v1/auth/password-reset"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/auth/password-reset/verify",
            p("/api/v1/auth/password-reset/verify"),
            None,
            Public,
        ),
        case(
            M::GET,
            "/api/v1/auth/providers",
            p("/api/v1/auth/providers"),
            None,
            Public,
        ),
        case(
            M::GET,
            "/api/v1/auth/oidc/{provider}/start",
            p("/api/v1/auth/oidc/google/start"),
            None,
            Public,
        ),
        case(
            M::GET,
            "/api/v1/auth/oidc/{provider}/callback",
            p("/api/v1/auth/oidc/google/callback"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/auth/oidc/{provider}/callback",
            p("/api/v1/auth/oidc/apple/callback"),
            None,
            Public,
        ),
        case(
            M::POST,
            "/api/v1/devices/login",
            p("/api/v1/devices/login"),
            None,
            Public,
        ),
        case(
            M::OPTIONS,
            "/api/v1/uploads",
            p("/api/v1/uploads"),
            None,
            Public,
        ),
        // A's things, named by id, hash, ticket or upload URL.
        case(
            M::GET,
            "/api/v1/items/{id}",
            item("", a.photo),
            None,
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/items/{id}/original",
            item("/original", a.photo),
            None,
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/items/{id}/preview",
            item("/preview", a.photo),
            None,
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/items/{id}/thumbnail",
            item("/thumbnail", a.photo),
            None,
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/items/{id}/stream",
            item("/stream", a.song),
            None,
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/items/{id}/view",
            item("/view", a.document),
            None,
            Foreign,
        ),
        case(
            M::DELETE,
            "/api/v1/items/{id}",
            item("", a.photo),
            None,
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/pictures/{sha256}/{size}",
            format!("/api/v1/pictures/{}/thumb", a.photo_sha),
            None,
            Foreign,
        ),
        case(
            M::POST,
            "/api/v1/downloads",
            p("/api/v1/downloads"),
            Some(json!({"item_ids": [a.photo, a.song]})),
            Foreign,
        ),
        case(
            M::GET,
            "/api/v1/downloads/{token}",
            a.ticket.clone(),
            None,
            Foreign,
        ),
        case(
            M::HEAD,
            "/api/v1/uploads/{id}",
            a.upload.clone(),
            None,
            Foreign,
        ),
        case(
            M::PATCH,
            "/api/v1/uploads/{id}",
            a.upload.clone(),
            None,
            Foreign,
        ),
        case(
            M::DELETE,
            "/api/v1/uploads/{id}",
            a.upload.clone(),
            None,
            Foreign,
        ),
        // The caller's own account, ROOMs and phone.
        case(M::GET, "/api/v1/me", p("/api/v1/me"), None, OwnScope),
        case(M::GET, "/api/v1/account/setup", p("/api/v1/account/setup"), None, OwnScope),
        case(M::GET, "/api/v1/account/setup/qr.svg", p("/api/v1/account/setup/qr.svg"), None, OwnScope),
        case(M::GET, "/api/v1/rooms", p("/api/v1/rooms"), None, OwnScope),
        case(
            M::GET,
            "/api/v1/rooms/{room}/items",
            p("/api/v1/rooms/1/items"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/timeline",
            p("/api/v1/rooms/1/timeline"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/timeline/{month}",
            p("/api/v1/rooms/1/timeline/2023-11"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/music",
            p("/api/v1/rooms/1/music"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/documents",
            p("/api/v1/rooms/1/documents"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/contacts",
            p("/api/v1/rooms/1/contacts"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/calendar",
            p("/api/v1/rooms/1/calendar"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/calls",
            p("/api/v1/rooms/1/calls"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/rooms/{room}/backups/{kind}/latest",
            p("/api/v1/rooms/1/backups/contacts/latest"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/device/rooms",
            p("/api/v1/device/rooms"),
            None,
            OwnScope,
        ),
        case(
            M::POST,
            "/api/v1/device/register",
            p("/api/v1/device/register"),
            Some(json!({"room": 1})),
            OwnScope,
        ),
        case(
            M::POST,
            "/api/v1/device/missing",
            p("/api/v1/device/missing"),
            Some(json!({"sha256": [a.photo_sha]})),
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/device/exclusions",
            p("/api/v1/device/exclusions"),
            None,
            OwnScope,
        ),
        case(
            M::PUT,
            "/api/v1/device/exclusions",
            p("/api/v1/device/exclusions"),
            Some(json!({"sha256": [a.photo_sha], "excluded": true})),
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/device/settings",
            p("/api/v1/device/settings"),
            None,
            OwnScope,
        ),
        case(
            M::PUT,
            "/api/v1/device/settings",
            p("/api/v1/device/settings"),
            None,
            OwnScope,
        ),
        case(
            M::GET,
            "/api/v1/device/app-data-switches",
            p("/api/v1/device/app-data-switches"),
            None,
            OwnScope,
        ),
        case(
            M::PUT,
            "/api/v1/device/app-data-switches",
            p("/api/v1/device/app-data-switches"),
            Some(json!({"use": false, "abroad": true})),
            OwnScope,
        ),
        // App data is the caller's own: the same app id names B's data for B.
        case(M::GET, "/api/v1/app-data", p("/api/v1/app-data"), None, OwnScope),
        case(M::POST, "/api/v1/app-data", p("/api/v1/app-data"), None, OwnScope),
        case(M::PUT, "/api/v1/app-data/{app_id}", p(APP_PATH), None, OwnScope),
        case(M::GET, "/api/v1/app-data/{app_id}", p(APP_PATH), None, OwnScope),
        case(M::GET, "/api/v1/app-data/{app_id}/versions", format!("{APP_PATH}/versions"), None, OwnScope),
        case(M::POST, "/api/v1/app-data/{app_id}/versions/{version}/restore", format!("{APP_PATH}/versions/{}/restore", a.app_version), None, Foreign),
        case(M::DELETE, "/api/v1/app-data/{app_id}", p(APP_PATH), None, OwnScope),
        case(M::DELETE, "/api/v1/app-data", p("/api/v1/app-data"), None, OwnScope),
        // The console: B is the admin of another company.
        case(M::GET, "/api/v1/corp", p("/api/v1/corp"), None, OwnScope),
        case(M::GET, "/api/v1/corp/lines", p("/api/v1/corp/lines"), None, OwnScope),
        case(M::GET, "/api/v1/corp/groups", p("/api/v1/corp/groups"), None, OwnScope),
        case(M::GET, "/api/v1/corp/history", p("/api/v1/corp/history"), None, OwnScope),
        case(M::GET, "/api/v1/corp/admins", p("/api/v1/corp/admins"), None, OwnScope),
        case(M::POST, "/api/v1/corp/admins", p("/api/v1/corp/admins"), Some(json!({"email": "b-sub@example.jp", "name": "B sub"})), OwnScope),
        case(M::POST, "/api/v1/corp/permission-changes", p("/api/v1/corp/permission-changes"), Some(json!({"line_ids": [a.line], "backup": true, "migration": true})), Foreign),
        case(M::POST, "/api/v1/corp/mails/password-notice", p("/api/v1/corp/mails/password-notice"), Some(json!({"line_ids": [a.line]})), Foreign),
        case(M::POST, "/api/v1/corp/mails/app-download", p("/api/v1/corp/mails/app-download"), Some(json!({"line_ids": [a.line]})), Foreign),
        case(M::POST, "/api/v1/corp/history/{reception_number}/resend", format!("/api/v1/corp/history/{}/resend", a.reception), Some(json!({"line_ids": [a.line]})), Foreign),
        case(M::GET, "/api/v1/corp/history/{reception_number}", format!("/api/v1/corp/history/{}", a.reception), None, Foreign),
        case(M::DELETE, "/api/v1/corp/admins/{user_id}", format!("/api/v1/corp/admins/{}", a.admin), None, Foreign),
        case(M::GET, "/api/v1/corp/lines.csv", p("/api/v1/corp/lines.csv"), None, OwnScope),
        case(M::GET, "/api/v1/corp/history.csv", p("/api/v1/corp/history.csv"), None, OwnScope),
        case(M::GET, "/api/v1/corp/history/{reception_number}.csv", format!("/api/v1/corp/history/{}.csv", a.reception), None, Foreign),
        case(M::POST, "/api/v1/corp/lines/import", p("/api/v1/corp/lines/import?dry_run=true"), None, OwnScope),
        case(M::POST, "/api/v1/devices/line-login", p("/api/v1/devices/line-login"), None, Public),
        case(M::PUT, "/api/v1/device/contacts-migration", p("/api/v1/device/contacts-migration"), None, OwnScope),
        case(M::GET, "/api/v1/device/contacts-migration", p("/api/v1/device/contacts-migration"), None, OwnScope),
        case(M::GET, "/api/v1/app-data-switches", p("/api/v1/app-data-switches"), None, OwnScope),
        case(M::PUT, "/api/v1/rooms/{room}/app-data-switches", p("/api/v1/rooms/1/app-data-switches"), Some(json!({"use": false, "abroad": false})), OwnScope),
        case(
            M::POST,
            "/api/v1/device/report",
            p("/api/v1/device/report"),
            Some(
                json!({"name": "b", "model": "m", "free_bytes": 1, "total_bytes": 2, "inventory": [a.photo_sha]}),
            ),
            OwnScope,
        ),
        case(
            M::PUT,
            "/api/v1/device/backups/{kind}",
            p("/api/v1/device/backups/contacts"),
            None,
            OwnScope,
        ),
        case(
            M::POST,
            "/api/v1/uploads",
            p("/api/v1/uploads"),
            None,
            OwnScope,
        ),
        case(M::POST, "/api/v1/account/license", p("/api/v1/account/license"), Some(json!({"key": "1234-5678-9012-3456"})), OwnScope),
        // B aims at A's address: a code goes to it, and a guessed code changes nothing.
        case(M::POST, "/api/v1/account/password", p("/api/v1/account/password"), Some(json!({"current_password": "not b's password", "new_password": "a new long password"})), OwnScope),
        case(M::POST, "/api/v1/account/email", p("/api/v1/account/email"), Some(json!({"new_email": "a@example.jp", "password": PASSWORD})), OwnScope),
        case(M::POST, "/api/v1/account/email/verify", p("/api/v1/account/email/verify"), Some(json!({"new_email": "a@example.jp", "code": "123456"})), OwnScope),
        case(M::GET, "/api/v1/rooms/{room}/summary", p("/api/v1/rooms/1/summary"), None, OwnScope),
        case(M::PATCH, "/api/v1/rooms/{room}", p("/api/v1/rooms/1"), Some(json!({"name": "B's phone"})), OwnScope),
        // Late: they end B's own ROOM and device session.
        case(M::DELETE, "/api/v1/rooms/{room}", p("/api/v1/rooms/1"), None, OwnScope),
        case(
            M::POST,
            "/api/v1/device/logout",
            p("/api/v1/device/logout"),
            None,
            OwnScope,
        ),
    ]
}

/// The endpoints the OpenAPI document lists, as "METHOD /path", with the credentials each
/// accepts (`session_cookie`, `device_token`).
async fn documented(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let doc: Value = app.openapi().await;
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let schemes = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_object()?.keys().next().cloned())
                .collect();
            out.push((format!("{} {path}", method.to_uppercase()), schemes));
        }
    }
    out
}

/// Sends a case's request with web-session cookies (`web`), a device token, or nothing.
async fn send(
    app: &TestApp,
    case: &Case,
    web: Option<&reqwest::Client>,
    token: Option<&str>,
) -> (StatusCode, String) {
    let client = web.cloned().unwrap_or_default();
    let mut request = client
        .request(case.method.clone(), app.url(&case.path))
        .header("tus-resumable", "1.0.0");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match (&case.body, case.method.as_str()) {
        (Some(body), _) => request.json(body),
        (None, "PATCH") => request
            .header("upload-offset", "0")
            .header("content-type", "application/offset+octet-stream")
            .body(vec![0u8; 8]),
        (None, "PUT") if case.template.contains("backups") => {
            request.body("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nN:B;;;;\r\nEND:VCARD\r\n")
        }
        (None, "PUT") => request.json(&json!({})),
        (None, "POST") if case.template == "/api/v1/uploads" => {
            request.header("upload-length", "4").header(
                "upload-metadata",
                "filename Yi5qcGc=,sha256 ZmFrZQ==,created_at MTcwMDAwMDAwMA==",
            )
        }
        _ => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn x4_account_b_can_touch_nothing_of_account_a_through_any_endpoint() {
    let app = spawn_app().await;
    // Account A: files, backups, an upload half done and a download ticket.
    let a_phone = app.registered_phone("a@example.jp").await;
    let image = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 8, 90]));
    let mut photo = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut photo, 85)
        .encode_image(&image)
        .unwrap();
    for (name, bytes) in [
        (format!("{SECRET}.jpg"), photo.clone()),
        (format!("{SECRET}.mp3"), b"ID3 not really a song".to_vec()),
        (
            format!("{SECRET}.txt"),
            format!("{SECRET} notes").into_bytes(),
        ),
    ] {
        assert_eq!(
            a_phone.upload(&name, &bytes).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    process_all(&app).await;
    let contacts =
        format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{SECRET}\r\nN:{SECRET};;;;\r\nEND:VCARD\r\n");
    let stored = a_phone
        .request(Method::PUT, "/api/v1/device/backups/contacts")
        .body(contacts)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::CREATED);
    let half = a_phone
        .create_upload("half.jpg", 100, &sha256_hex(&[1; 100]))
        .await;
    let upload = half.headers()["location"].to_str().unwrap().to_owned();
    let upload = upload.strip_prefix(&app.base).unwrap_or(&upload).to_owned();
    hako_api_shim::app_data::add_app(
        &app.state.db,
        app.state.clock.now(),
        hako_api_shim::app_data::NewApp {
            app_id: APP_ID,
            name_ja: "秘密",
            name_en: "Secret",
            max_bytes: None,
        },
    )
    .await
    .unwrap();
    let mut app_versions = Vec::new();
    for (n, precondition) in [
        ("If-None-Match", "*".to_owned()),
        ("If-Match", "*".to_owned()),
    ]
    .into_iter()
    .enumerate()
    {
        let saved = a_phone
            .request(Method::PUT, APP_PATH)
            .header(precondition.0, precondition.1)
            .body(format!("{SECRET} settings {n}"))
            .send()
            .await
            .unwrap();
        assert!(saved.status().is_success(), "{}", saved.status());
    }
    let versions: Vec<hako_protocol::AppDataVersion> = a_phone
        .get(&format!("{APP_PATH}/versions"))
        .await
        .json()
        .await
        .unwrap();
    app_versions.extend(versions.iter().map(|v| v.version));
    let company = hako_api_shim::corp::create_company(&app.state, "A社", "a@example.jp", "A 管理")
        .await
        .unwrap();
    let lines = format!(
        "number,name,reading,group,department,device_kind,contract_date,email,status\n\
         090-1234-0001,{SECRET},アルファ,{SECRET},,smartphone,2020-01-01,line@example.jp,in_service\n"
    );
    hako_api_shim::corp::import_lines(
        &app.state.db,
        company,
        lines.as_bytes(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let ids = app.item_ids(&a_phone).await;
    let a_web = app.signed_in("a@example.jp").await;
    let a_lines: hako_protocol::CorpLinePage = a_web
        .get(app.url("/api/v1/corp/lines"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let notice: hako_protocol::Reception = app
        .post(
            &a_web,
            "/api/v1/corp/mails/password-notice",
            json!({"line_ids": [a_lines.lines[0].id]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let a_admins: Vec<hako_protocol::CorpAdmin> = a_web
        .get(app.url("/api/v1/corp/admins"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ticket: hako_protocol::DownloadTicket = app
        .post(
            &a_web,
            "/api/v1/downloads",
            json!({"item_ids": [ids[0], ids[1]]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let owned = Owned {
        photo: ids[0],
        song: ids[1],
        document: ids[2],
        photo_sha: sha256_hex(&photo),
        upload,
        ticket: ticket.url,
        app_version: *app_versions.last().unwrap(),
        line: a_lines.lines[0].id,
        reception: notice.reception_number,
        admin: a_admins[0].user_id,
    };

    // Every documented endpoint has an entry, and every entry is documented.
    let cases = cases(&owned);
    let listed: Vec<String> = cases
        .iter()
        .map(|c| format!("{} {}", c.method, c.template))
        .collect();
    let documented = documented(&app).await;
    for (endpoint, _) in &documented {
        assert!(
            listed.contains(endpoint),
            "{endpoint} has no entry in the authorization sweep"
        );
    }
    assert_eq!(
        listed.len(),
        documented.len(),
        "entries for endpoints that no longer exist"
    );
    let accepts = |case: &Case, scheme: &str| {
        let key = format!("{} {}", case.method, case.template);
        documented
            .iter()
            .any(|(e, schemes)| *e == key && schemes.iter().any(|s| s == scheme))
    };

    // Account B, with a browser session and a phone of its own.
    let b_phone = app.registered_phone("b@example.jp").await;
    hako_api_shim::corp::create_company(&app.state, "B社", "b@example.jp", "B 管理")
        .await
        .unwrap();
    let b_web = app.signed_in("b@example.jp").await;
    for case in cases.iter().filter(|c| c.guard != Guard::Public) {
        let what = format!("{} {}", case.method, case.path);
        let (status, _) = send(&app, case, None, None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{what} without credentials"
        );
        for (web, token) in [(Some(&b_web), None), (None, Some(b_phone.token.as_str()))] {
            let (status, body) = send(&app, case, web, token).await;
            let (who, scheme) = if web.is_some() {
                ("B's session", "session_cookie")
            } else {
                ("B's phone", "device_token")
            };
            assert!(
                !body.contains(SECRET),
                "{what} as {who} showed A's data: {body}"
            );
            if !accepts(case, scheme) {
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{what} does not take {scheme}"
                );
                continue;
            }
            match case.guard {
                Guard::Foreign => assert!(
                    matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                    "{what} as {who}: {status}"
                ),
                Guard::OwnScope => assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{what} as {who}: {status}"
                ),
                Guard::Public => unreachable!(),
            }
        }
    }

    // A's things are all still there and unchanged, and A can reach each of them.
    let a_me: hako_protocol::Me = a_web
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(a_me.email, "a@example.jp");
    assert_eq!(app.item_ids(&a_phone).await, ids);
    assert_eq!(a_phone.offset(&owned.upload).await, Some(0));
    let rooms: hako_protocol::Rooms = a_phone.get("/api/v1/rooms").await.json().await.unwrap();
    assert_eq!(rooms.rooms[0].item_count, 3);
    assert_eq!(
        rooms.rooms[0].phone.as_ref().map(|p| p.name.as_str()),
        Some("android phone")
    );
    let excluded: Value = a_phone
        .get("/api/v1/device/exclusions")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !excluded.to_string().contains(&owned.photo_sha),
        "B's exclusion reached A: {excluded}"
    );
    let a_contacts = a_phone
        .get("/api/v1/rooms/1/contacts")
        .await
        .text()
        .await
        .unwrap();
    assert!(a_contacts.contains(SECRET));
    let a_app_data = a_phone.get(APP_PATH).await.text().await.unwrap();
    assert_eq!(a_app_data, format!("{SECRET} settings 1"));
    let a_versions: Vec<hako_protocol::AppDataVersion> = a_phone
        .get(&format!("{APP_PATH}/versions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        a_versions.len(),
        2,
        "B's saves, restores and deletes left A's alone"
    );
    for case in cases
        .iter()
        .filter(|c| c.guard == Guard::Foreign && c.method == Method::GET)
    {
        // Download tickets and the console are the browser's.
        let token = ["/api/v1/downloads", "/api/v1/corp"]
            .iter()
            .any(|web_only| case.template.starts_with(web_only))
            .then_some(())
            .map_or(Some(a_phone.token.as_str()), |_| None);
        let web = token.is_none().then_some(&a_web);
        let (status, _) = send(&app, case, web, token).await;
        assert!(
            status.is_success(),
            "A's own {} {}: {status}",
            case.method,
            case.path
        );
    }
}

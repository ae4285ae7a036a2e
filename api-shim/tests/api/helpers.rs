//! `spawn_app`: a fresh server with its own data folder and a clock the test moves.

use std::{
    collections::HashSet,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use hako_api_shim::{AppState, clock::ManualClock, config::Config};
use hako_protocol::{ErrorBody, ErrorCode};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub state: AppState,
    outbox: PathBuf,
    /// Mails a test has already read, so `next_code` returns only a newer one.
    read_mails: Arc<Mutex<HashSet<PathBuf>>>,
    _data: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let mut config = Config::for_data_dir(data.path().to_owned());
    config.dist_dir = data.path().join("dist");
    config.database_url = fresh_postgres_database().await;
    config.s3 = fresh_bucket_prefix();
    adjust(&mut config);
    let clock = ManualClock::starting_at(1_790_000_000);
    let state = AppState::open(config, Arc::new(clock.clone()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(hako_api_shim::serve(
        state.clone(),
        listener,
        std::future::pending(),
    ));
    TestApp {
        base,
        clock,
        outbox: data.path().join("outbox"),
        state,
        read_mails: Arc::default(),
        _data: data,
    }
}

/// With `HAKO_TEST_POSTGRES` (the URL of a PostgreSQL database the tests may create databases
/// from), each test server gets a new, empty database there; without it, SQLite as usual.
/// `scripts/test.sh` runs the suite both ways.
pub async fn fresh_postgres_database() -> Option<String> {
    use sqlx::Connection;
    let admin = std::env::var("HAKO_TEST_POSTGRES").ok()?;
    let name = format!("hako_test_{}", hex::encode(rand::random::<[u8; 8]>()));
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connecting to HAKO_TEST_POSTGRES");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    Some(url.to_string())
}

/// With `HAKO_TEST_S3_ENDPOINT` (and `_BUCKET`, `_KEY`, `_SECRET`), each test server keeps its
/// files in that bucket under a prefix of its own.
pub fn fresh_bucket_prefix() -> Option<hako_api_shim::config::S3Config> {
    let var = |name: &str| std::env::var(format!("HAKO_TEST_S3_{name}")).ok();
    Some(hako_api_shim::config::S3Config {
        endpoint: var("ENDPOINT")?,
        bucket: var("BUCKET")?,
        region: "us-east-1".into(),
        access_key_id: var("KEY")?,
        secret_access_key: var("SECRET")?,
        prefix: format!("test-{}", hex::encode(rand::random::<[u8; 8]>())),
    })
}

impl TestApp {
    /// Mail is read from `dir` instead of the outbox: where a real SMTP server keeps it.
    pub fn reading_mail_in(mut self, dir: PathBuf) -> Self {
        self.outbox = dir;
        self
    }

    /// The server's OpenAPI document.
    pub async fn openapi(&self) -> Value {
        reqwest::get(self.url("/api/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A stored file's bytes, wherever files are kept; `None` when it is not there.
    pub async fn stored(&self, sha256: &str) -> Option<Vec<u8>> {
        match self.state.blobs.read(sha256).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            other => Some(other.unwrap()),
        }
    }

    /// Replaces a stored file's bytes, as failing storage would.
    pub async fn damage(&self, sha256: &str, bytes: &[u8]) {
        match self.state.blobs.local() {
            Some(local) => std::fs::write(local.path(sha256), bytes).unwrap(),
            // A bucket's PUT replaces the object.
            None => self
                .state
                .blobs
                .put_bytes(sha256, bytes.to_vec().into())
                .await
                .unwrap(),
        }
    }

    /// A browser-like client: keeps cookies.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, client: &reqwest::Client, path: &str, body: Value) -> Response {
        client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Whether mails handed to the background are still being written.
    fn mails_sending(&self) -> bool {
        self.state
            .mails_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
            > 0
    }

    /// The newest mail to `to` that no earlier call returned, waiting while mails are being
    /// written (however long a busy machine takes), failing once none is.
    pub async fn next_mail(&self, to: &str) -> String {
        loop {
            let sending = self.mails_sending();
            let mut newest: Option<(std::time::SystemTime, PathBuf, String)> = None;
            for entry in std::fs::read_dir(&self.outbox).unwrap() {
                let path = entry.unwrap().path();
                if self.read_mails.lock().unwrap().contains(&path) {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if !text.contains(&format!("To: {to}\r\n"))
                    || !text.contains("Hako smartphone backup")
                {
                    continue;
                }
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                if newest.as_ref().is_none_or(|(t, _, _)| modified > *t) {
                    newest = Some((modified, path, text));
                }
            }
            if let Some((_, path, text)) = newest {
                self.read_mails.lock().unwrap().insert(path);
                return text;
            }
            assert!(sending, "no new mail to {to} in the outbox");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn next_code(&self, to: &str) -> String {
        let mail = self.next_mail(to).await;
        code_in(&mail).unwrap_or_else(|| panic!("no code in mail:\n{mail}"))
    }

    /// Number of mails to `to` so far (read or not), once background sends are written.
    pub async fn mails_to(&self, to: &str) -> usize {
        while self.mails_sending() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        std::fs::read_dir(&self.outbox)
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
            .filter(|text| text.contains(&format!("To: {to}\r\n")))
            .count()
    }

    /// Signs up `email` through the API and returns the signed-in client. Moves the clock
    /// past the resend interval, so the test can ask for another code at once.
    pub async fn signed_up(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let response = self
            .post(
                &client,
                "/api/v1/auth/signup",
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let code = self.next_code(email).await;
        let response = self
            .post(
                &client,
                "/api/v1/auth/signup/verify",
                json!({"email": email, "code": code}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        self.clock.advance(60);
        client
    }
}

/// A GET that must answer 200, read as `T`.
pub async fn get_json<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> T {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

pub fn code_in(mail: &str) -> Option<String> {
    let (_, rest) = mail.split_once("確認コード：")?;
    Some(rest.chars().take_while(char::is_ascii_digit).collect())
}

/// Asserts the status and machine code of an error answer, and returns its body.
pub async fn expect_error(response: Response, status: StatusCode, code: ErrorCode) -> ErrorBody {
    assert_eq!(response.status(), status, "wrong status for {code:?}");
    let body: ErrorBody = response.json().await.expect("error bodies are JSON");
    assert_eq!(body.code, code, "{body:?}");
    body
}

/// The session token a response set.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("hako_session=")?
                .split(';')
                .next()
                .map(str::to_owned)
        })
}

/// A client without a cookie jar, carrying exactly this session token.
pub async fn me_with_token(app: &TestApp, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("hako_session={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

/// A phone signed in to an account, talking with its device token.
#[derive(Clone)]
pub struct Phone {
    pub token: String,
    pub client: reqwest::Client,
    pub base: String,
}

impl TestApp {
    /// Signs a new phone in to `email` (which must have an account with `PASSWORD`).
    pub async fn phone(&self, email: &str, os: &str) -> Phone {
        let response = self
            .post(
                &reqwest::Client::new(),
                "/api/v1/devices/login",
                json!({"email": email, "password": PASSWORD, "name": format!("{os} phone"), "os": os, "model": "Test 1"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        Phone {
            token: body["device_token"].as_str().unwrap().to_owned(),
            client: reqwest::Client::new(),
            base: self.base.clone(),
        }
    }

    /// A browser signed in to `email` (which must have an account with `PASSWORD`).
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let response = self
            .post(
                &client,
                "/api/v1/auth/signin",
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        client
    }

    /// The ids of a ROOM-1 phone's files, in upload order.
    pub async fn item_ids(&self, phone: &Phone) -> Vec<i64> {
        let page: hako_protocol::ItemPage = phone
            .get("/api/v1/rooms/1/items")
            .await
            .json()
            .await
            .unwrap();
        page.items.iter().map(|i| i.id).collect()
    }

    /// An account with a phone registered in ROOM 1.
    pub async fn registered_phone(&self, email: &str) -> Phone {
        self.signed_up(email).await;
        let phone = self.phone(email, "android").await;
        let response = phone
            .post("/api/v1/device/register", json!({"room": 1}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        phone
    }
}

impl Phone {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    /// tus creation; returns the response (201 with `Location` when accepted).
    pub async fn create_upload(&self, name: &str, length: u64, sha256: &str) -> Response {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        self.request(reqwest::Method::POST, "/api/v1/uploads")
            .header("tus-resumable", "1.0.0")
            .header("upload-length", length.to_string())
            .header(
                "upload-metadata",
                format!(
                    "filename {},sha256 {},created_at {}",
                    b64(name),
                    b64(sha256),
                    b64("1700000000")
                ),
            )
            .send()
            .await
            .unwrap()
    }

    pub async fn patch(
        &self,
        location: &str,
        offset: u64,
        bytes: Vec<u8>,
        checksum: Option<&[u8]>,
    ) -> Response {
        use base64::Engine;
        let mut request = self
            .request(reqwest::Method::PATCH, location)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream");
        if let Some(digest) = checksum {
            request = request.header(
                "upload-checksum",
                format!(
                    "sha256 {}",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                ),
            );
        }
        request.body(bytes).send().await.unwrap()
    }

    pub async fn offset(&self, location: &str) -> Option<u64> {
        let response = self
            .request(reqwest::Method::HEAD, location)
            .header("tus-resumable", "1.0.0")
            .send()
            .await
            .unwrap();
        response
            .headers()
            .get("upload-offset")?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// Uploads `bytes` in one PATCH; returns the final PATCH response.
    pub async fn upload(&self, name: &str, bytes: &[u8]) -> Response {
        let created = self
            .create_upload(name, bytes.len() as u64, &sha256_hex(bytes))
            .await;
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "{:?}",
            created.text().await
        );
        let location = created.headers()["location"].to_str().unwrap().to_owned();
        self.patch(&location, 0, bytes.to_vec(), None).await
    }

    pub async fn missing(&self, hashes: &[String]) -> Vec<String> {
        let response = self
            .post("/api/v1/device/missing", json!({"sha256": hashes}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        serde_json::from_value(body["missing"].clone()).unwrap()
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// Processes every pending file here, then waits for the ones the server's own worker had
/// already claimed.
pub async fn process_all(app: &TestApp) {
    while hako_api_shim::media::process_next(&app.state)
        .await
        .unwrap()
    {}
    // However long a busy machine takes: a claim that is never finished shows as a test
    // that does not end, with the worker's error in its log.
    loop {
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM media WHERE status = 'pending'")
                .fetch_one(&app.state.db)
                .await
                .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

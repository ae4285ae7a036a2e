//! The `hako` binary itself: first start on an empty folder, graceful stop, the operator command.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use futures_util::StreamExt;
use serde_json::json;

use crate::helpers::{PASSWORD, sha256_hex};

const HAKO: &str = env!("CARGO_BIN_EXE_hako");

/// A `hako serve` child process on a free port.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    async fn start(data: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(HAKO)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("HAKO_DATA", data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Owned by `Server` at once, so its `Drop` stops the process on every path.
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        // Up, or exited: however long a busy machine takes to start it.
        loop {
            if reqwest::get(format!("{}/api/health", server.base))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("hako serve exited: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// A server a test leaves running would hold the test's output pipe open.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn serve_creates_its_data_folder_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh");
    let mut server = Server::start(&data).await;
    assert!(data.join("hako.sqlite3").exists());
    assert!(data.join("outbox").is_dir());
    server.signal("-TERM");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
}

#[tokio::test]
async fn an_upload_killed_mid_chunk_resumes_from_the_last_acknowledged_offset() {
    let dir = tempfile::tempdir().unwrap();
    let add = Command::new(HAKO)
        .args(["user", "add", "kill@example.jp"])
        .env("HAKO_DATA", dir.path())
        .env("HAKO_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(add.status.success());
    let mut server = Server::start(dir.path()).await;
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{}/api/v1/devices/login", server.base))
        .json(&json!({"email": "kill@example.jp", "password": PASSWORD, "name": "p", "os": "android", "model": "m"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["device_token"].as_str().unwrap().to_owned();
    let register = client
        .post(format!("{}/api/v1/device/register", server.base))
        .bearer_auth(&token)
        .json(&json!({"room": 1}))
        .send()
        .await
        .unwrap();
    assert!(register.status().is_success());

    let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let hash = sha256_hex(&bytes);
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let created = client
        .post(format!("{}/api/v1/uploads", server.base))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header(
            "upload-metadata",
            format!("filename {},sha256 {}", b64("v.mp4"), b64(&hash)),
        )
        .send()
        .await
        .unwrap();
    let url = format!(
        "{}{}",
        server.base,
        created.headers()["location"].to_str().unwrap()
    );
    let patch = |offset: usize, body: reqwest::Body| {
        client
            .patch(&url)
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(body)
            .send()
    };
    let first = patch(0, bytes[..1_000_000].to_vec().into()).await.unwrap();
    assert_eq!(first.status(), reqwest::StatusCode::NO_CONTENT);

    // The second chunk sends half its bytes, then hangs; the server is killed meanwhile.
    let half = bytes[1_000_000..1_500_000].to_vec();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) })
        .chain(futures_util::stream::pending());
    let hanging = tokio::spawn(patch(1_000_000, reqwest::Body::wrap_stream(stream)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.signal("-KILL");
    server.child.wait().unwrap();
    let _ = hanging.await;

    let server = Server::start(dir.path()).await;
    let url = url.replace(url.split("/api/").next().unwrap(), &server.base);
    let head = client
        .head(&url)
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["upload-offset"], "1000000");
    let rest = client
        .patch(&url)
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "1000000")
        .header("content-type", "application/offset+octet-stream")
        .body(bytes[1_000_000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), reqwest::StatusCode::NO_CONTENT);
    let blob = dir.path().join("blobs").join(&hash[..2]).join(&hash);
    assert_eq!(sha256_hex(&std::fs::read(blob).unwrap()), hash);
    drop(server);
}

#[test]
fn user_add_creates_a_verified_account_once() {
    let dir = tempfile::tempdir().unwrap();
    let add = |password: &str| {
        Command::new(HAKO)
            .args(["user", "add", "Operator@Example.JP"])
            .env("HAKO_DATA", dir.path())
            .env("HAKO_PASSWORD", password)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let short = add("short");
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("12"),
        "says the rule"
    );
    let created = add("a long enough passphrase");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&created.stdout).trim(),
        "created operator@example.jp"
    );
    let again = add("a long enough passphrase");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has an account"));
}

//! The `hako` binary itself: first start on an empty folder, graceful stop, the operator command.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

const HAKO: &str = env!("CARGO_BIN_EXE_hako");

#[tokio::test]
async fn serve_creates_its_data_folder_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(HAKO)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("HAKO_DATA", &data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let health = format!("http://127.0.0.1:{port}/api/health");
    let mut up = false;
    for _ in 0..100 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "hako serve did not answer on {health}");
    assert!(data.join("hako.sqlite3").exists());
    assert!(data.join("outbox").is_dir());

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
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

//! SPEC X3: two `hako serve` instances on one store serve one account as one server — the
//! suite's PostgreSQL + bucket pass is the real case; on SQLite the two share a data folder.

use hako_protocol::ErrorCode;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

/// A second server on the first one's database, bucket and data folder.
async fn second_instance(first: &TestApp) -> TestApp {
    let shared = first.state.config.clone();
    spawn_app_with(|config| {
        config.data_dir = shared.data_dir.clone();
        config.database_url = shared.database_url.clone();
        config.s3 = shared.s3.clone();
    })
    .await
}

/// Bytes no compressor or deduplication can shortcut, the same every run.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[tokio::test]
async fn x3_an_upload_begun_on_one_instance_finishes_on_the_other() {
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    let on_a = a.registered_phone("two@example.jp").await;
    let on_b = Phone {
        base: b.base.clone(),
        ..on_a.clone()
    };
    // Two and a half parts of a bucket's multipart upload, sent in two uneven chunks.
    let bytes = noise(20 * 1024 * 1024 + 12_345);
    let created = on_a
        .create_upload("report.pdf", bytes.len() as u64, &sha256_hex(&bytes))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let url = created.headers()["location"].to_str().unwrap().to_owned();
    let cut = 11 * 1024 * 1024 + 7;
    let first = on_a.patch(&url, 0, bytes[..cut].to_vec(), None).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        on_b.offset(&url).await,
        Some(cut as u64),
        "B sees A's offset"
    );
    // A second PATCH from the old offset, wherever it lands, is refused without harm.
    let stale = on_b.patch(&url, 0, bytes[..10].to_vec(), None).await;
    expect_error(stale, StatusCode::CONFLICT, ErrorCode::UploadOffsetMismatch).await;
    let rest = on_b
        .patch(&url, cut as u64, bytes[cut..].to_vec(), None)
        .await;
    assert_eq!(rest.status(), StatusCode::NO_CONTENT);

    // Both instances list it and hand out the same bytes, whole and in ranges.
    assert!(on_a.missing(&[sha256_hex(&bytes)]).await.is_empty());
    let ids = a.item_ids(&on_a).await;
    assert_eq!(ids, b.item_ids(&on_b).await);
    let original = format!("/api/v1/items/{}/original", ids[0]);
    for phone in [&on_a, &on_b] {
        let whole = phone.get(&original).await.bytes().await.unwrap();
        assert!(whole == bytes[..], "byte-identical from {}", phone.base);
        let part = phone
            .request(reqwest::Method::GET, &original)
            .header("range", "bytes=8388600-8388700")
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert!(part.bytes().await.unwrap() == bytes[8_388_600..=8_388_700]);
    }
}

#[tokio::test]
async fn x3_sessions_and_sign_in_throttles_hold_across_instances() {
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    let email = "roaming@example.jp";
    a.signed_up(email).await;

    // A browser signed in through A is signed in on B (cookies do not depend on the port).
    let browser = a.signed_in(email).await;
    let me = browser.get(b.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    // Wrong passwords counted on A stop the next try on B.
    let client = a.client();
    for _ in 0..5 {
        let wrong = json!({"email": email, "password": "guess guess guess"});
        let response = a.post(&client, "/api/v1/auth/signin", wrong).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let right = json!({"email": email, "password": PASSWORD});
    let response = b.post(&b.client(), "/api/v1/auth/signin", right).await;
    expect_error(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
    )
    .await;
}

/// The two schemas (`migrations/sqlite`, `migrations/postgres`) hold the same tables with the
/// same columns, so code written against one runs on the other. Needs the PostgreSQL pass.
#[tokio::test]
async fn x3_sqlite_and_postgresql_schemas_have_the_same_tables_and_columns() {
    let Some(postgres) = fresh_postgres_database().await else {
        return; // the SQLite pass: scripts/test.sh runs this again on PostgreSQL
    };
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = hako_api_shim::store::db::open(sqlite_dir.path(), None)
        .await
        .unwrap();
    let postgres = hako_api_shim::store::db::open(sqlite_dir.path(), Some(&postgres))
        .await
        .unwrap();
    let columns = |rows: Vec<(String, String)>| -> Vec<String> {
        let mut all: Vec<String> = rows
            .into_iter()
            .filter(|(table, _)| !table.starts_with("_sqlx") && !table.starts_with("sqlite_"))
            .map(|(table, column)| format!("{table}.{column}"))
            .collect();
        all.sort();
        all
    };
    let in_sqlite = columns(
        sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table'",
        )
        .fetch_all(&sqlite)
        .await
        .unwrap(),
    );
    let in_postgres = columns(
        sqlx::query_as(
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT)
             FROM information_schema.columns c
             WHERE table_schema = 'public'
               AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = 'public'
                           AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')",
        )
        .fetch_all(&postgres)
        .await
        .unwrap(),
    );
    assert!(in_sqlite.len() > 50, "{in_sqlite:?}");
    assert_eq!(in_sqlite, in_postgres);
}

/// SPEC X3 on PostgreSQL: a write of one account waits only for that account's other writes
/// and for writes that span accounts; writes of two accounts run at once. (SQLite has one
/// writer by design: nothing to check there.)
#[tokio::test]
async fn x3_writes_of_different_accounts_do_not_wait_for_each_other() {
    use hako_api_shim::store::db::{begin_account_write, begin_write, single_server};
    let app = spawn_app().await;
    let db = app.state.db.clone();
    if single_server(&db) {
        return;
    }
    // A writer started beside a held transaction: still waiting a moment later, and through
    // once the holder commits.
    async fn waits_for(
        holder: sqlx::Transaction<'static, sqlx::Any>,
        waiter: tokio::task::JoinHandle<()>,
    ) -> bool {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let waited = !waiter.is_finished();
        holder.commit().await.unwrap();
        waiter.await.unwrap();
        waited
    }
    let account = |db: hako_api_shim::store::db::Db, user_id| {
        tokio::spawn(async move {
            let tx = begin_account_write(&db, user_id).await.unwrap();
            tx.commit().await.unwrap();
        })
    };
    let spanning = |db: hako_api_shim::store::db::Db| {
        tokio::spawn(async move { begin_write(&db).await.unwrap().commit().await.unwrap() })
    };

    // Another account goes ahead (behind one lock for every writer it would wait).
    let first = begin_account_write(&db, 1).await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(30), account(db.clone(), 2))
        .await
        .expect("account 2 writes while account 1 holds its turn")
        .unwrap();
    assert!(
        waits_for(first, account(db.clone(), 1)).await,
        "the same account waits"
    );
    let first = begin_account_write(&db, 1).await.unwrap();
    assert!(
        waits_for(first, spanning(db.clone())).await,
        "a write spanning accounts waits"
    );
    let whole = begin_write(&db).await.unwrap();
    assert!(
        waits_for(whole, account(db.clone(), 2)).await,
        "accounts wait for it"
    );
}

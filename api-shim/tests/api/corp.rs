//! The corporate console (SPEC C1–C10): companies and admins, lines from CSV, permission
//! changes in bulk as operations with a history, the password notice, and line phones that
//! obey their permissions.

use std::{process::Command, time::Duration};

use hako_api_shim::corp;
use hako_protocol::{
    CorpAdmin, CorpAdminMe, CorpGroup, CorpLinePage, DeviceSession, ErrorCode, HistoryDetail,
    HistoryPage, LineResult, Menu, OperationStatus, Reception,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{helpers::*, smtp::SmtpServer};

const HEADER: &str =
    "number,name,reading,group,department,device_kind,contract_date,email,status\n";

/// 2026-09-22 10:00 Japan time: the test clock starts at 23:13 the day before.
const TO_TEN_AM: i64 = 10 * 3600 + 47 * 60 - 20;

/// A company whose main admin has an account, with `lines` from CSV rows (after the header).
async fn company(app: &TestApp, admin: &str, rows: &str) -> (i64, reqwest::Client) {
    app.signed_up(admin).await;
    let id = corp::create_company(&app.state, "株式会社サンプル商事", admin, "管理 太郎")
        .await
        .unwrap();
    let csv = format!("{HEADER}{rows}");
    corp::import_lines(&app.state.db, id, csv.as_bytes(), app.state.clock.now())
        .await
        .unwrap();
    (id, app.signed_in(admin).await)
}

/// `n` lines `090-0000-0001`… in group 営業1課, contracted 2018 (backup off, migration on).
fn rows(n: usize, group: &str) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "090-0000-{i:04},社員 {i},シャイン {i},{group},営業部,smartphone,2018-04-01,line{i}@example.jp,in_service\n"
            )
        })
        .collect()
}

async fn lines(app: &TestApp, web: &reqwest::Client, query: &str) -> CorpLinePage {
    get_json(app, web, &format!("/api/v1/corp/lines{query}")).await
}

/// The ids of the first page of the number list, in number order.
async fn line_ids(app: &TestApp, web: &reqwest::Client) -> Vec<i64> {
    lines(app, web, "")
        .await
        .lines
        .iter()
        .map(|l| l.id)
        .collect()
}

async fn change(app: &TestApp, web: &reqwest::Client, body: Value) -> reqwest::Response {
    web.post(app.url("/api/v1/corp/permission-changes"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn detail(app: &TestApp, web: &reqwest::Client, reception: &str) -> HistoryDetail {
    get_json(app, web, &format!("/api/v1/corp/history/{reception}")).await
}

/// The operation's detail once it is no longer processing.
async fn finished(app: &TestApp, web: &reqwest::Client, reception: &str) -> HistoryDetail {
    for _ in 0..600 {
        let detail = detail(app, web, reception).await;
        if detail.entry.status != OperationStatus::Processing {
            return detail;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{reception} still processing");
}

/// A permission change that must be accepted; its reception number.
async fn changed(app: &TestApp, web: &reqwest::Client, body: Value) -> String {
    accepted(change(app, web, body).await).await
}

async fn accepted(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let reception: Reception = response.json().await.unwrap();
    reception.reception_number
}

#[tokio::test]
async fn c1_an_existing_account_becomes_main_admin_at_once_a_new_address_is_invited() {
    let app = spawn_app().await;
    let (_, web) = company(&app, "boss@example.jp", "").await;
    let me: CorpAdminMe = get_json(&app, &web, "/api/v1/corp").await;
    assert_eq!(
        (
            me.company_name.as_str(),
            me.admin_name.as_str(),
            me.admin_id.as_str()
        ),
        ("株式会社サンプル商事", "管理 太郎", "boss@example.jp")
    );
    assert_eq!(me.role, hako_protocol::AdminRole::Main);
    let told = app.next_mail("boss@example.jp").await;
    assert!(told.contains("主管理者"), "{told}");

    // A second company with an address that has no account: invited with a code that sets
    // its password through the ordinary reset.
    let id = corp::create_company(&app.state, "別会社", "new-admin@example.jp", "新人 花子")
        .await
        .unwrap();
    assert!(id > 0);
    let code = app.next_code("new-admin@example.jp").await;
    let set = app
        .post(
            &app.client(),
            "/api/v1/auth/password-reset/verify",
            json!({"email": "new-admin@example.jp", "code": code, "new_password": PASSWORD}),
        )
        .await;
    assert!(set.status().is_success(), "{}", set.status());
    let invited = app.signed_in("new-admin@example.jp").await;
    let me: CorpAdminMe = get_json(&app, &invited, "/api/v1/corp").await;
    assert_eq!(me.company_name, "別会社");

    // An account that is an admin already cannot be one of a second company; an account that
    // is no admin is refused the console.
    let twice = corp::create_company(&app.state, "三社目", "boss@example.jp", "管理 太郎").await;
    assert!(matches!(twice, Err(corp::CorpError::AdminElsewhere)));
    let plain = app.signed_up("plain@example.jp").await;
    let refused = plain
        .get(app.url("/api/v1/corp/lines"))
        .send()
        .await
        .unwrap();
    expect_error(refused, StatusCode::FORBIDDEN, ErrorCode::NotCorpAdmin).await;
}

#[tokio::test]
async fn c1_the_main_admin_adds_and_removes_sub_admins_each_action_recorded() {
    let app = spawn_app().await;
    let (_, main) = company(&app, "main@example.jp", &rows(2, "営業1課")).await;
    app.signed_up("sub@example.jp").await;
    let added = main
        .post(app.url("/api/v1/corp/admins"))
        .json(&json!({"email": "sub@example.jp", "name": "代理 次郎"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    let sub_admin: CorpAdmin = added.json().await.unwrap();
    assert_eq!(sub_admin.role, hako_protocol::AdminRole::Sub);

    // The sub-admin works the console but does not manage admins.
    let sub = app.signed_in("sub@example.jp").await;
    assert_eq!(lines(&app, &sub, "").await.total, 2);
    let refused = sub
        .post(app.url("/api/v1/corp/admins"))
        .json(&json!({"email": "x@example.jp", "name": "x"}))
        .send()
        .await
        .unwrap();
    expect_error(refused, StatusCode::FORBIDDEN, ErrorCode::MainAdminOnly).await;
    let admins: Vec<CorpAdmin> = get_json(&app, &main, "/api/v1/corp/admins").await;
    assert_eq!(admins.len(), 2);

    let removed = main
        .delete(app.url(&format!("/api/v1/corp/admins/{}", sub_admin.user_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let gone = sub.get(app.url("/api/v1/corp/lines")).send().await.unwrap();
    expect_error(gone, StatusCode::FORBIDDEN, ErrorCode::NotCorpAdmin).await;
    let audit: Vec<(String, String, String)> =
        sqlx::query_as("SELECT admin_email, action, detail FROM corp_audit ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(
        (audit[0].0.as_str(), audit[0].1.as_str()),
        ("main@example.jp", "admin_added")
    );
    assert_eq!(audit[1].1, "admin_removed");
    assert!(audit[1].2.contains("sub@example.jp"));
}

#[tokio::test]
async fn c1_lines_import_from_utf8_or_shift_jis_all_or_nothing_and_reimport_updates() {
    let app = spawn_app().await;
    let (id, web) = company(&app, "import@example.jp", "").await;
    let csv = format!(
        "{HEADER}090-1111-0001,山田 太郎,ヤマダ タロウ,営業1課,営業部,smartphone,2017-05-09,taro@example.jp,in_service\n\
         090-1111-0002,佐藤 花子,サトウ ハナコ,営業2課,営業部,iphone,2017-05-10,hanako@example.jp,in_service\n"
    );
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&csv);
    let now = app.state.clock.now();
    assert_eq!(
        corp::import_lines(&app.state.db, id, &sjis, now)
            .await
            .unwrap(),
        (2, 0)
    );
    let page = lines(&app, &web, "").await;
    let taro = &page.lines[0];
    assert_eq!(
        (taro.number.as_str(), taro.name.as_str()),
        ("090-1111-0001", "山田 太郎")
    );
    assert_eq!(
        (taro.backup, taro.migration),
        (false, false),
        "before 2017-05-10"
    );
    assert_eq!(
        (page.lines[1].backup, page.lines[1].migration),
        (false, true),
        "from 2017-05-10"
    );

    // A bad row: nothing of the file is imported.
    let bad = format!(
        "{HEADER}090-1111-0001,山田 太郎,ヤマダ タロウ,総務課,総務部,smartphone,2017-05-09,taro@example.jp,cancelled\n\
         090-1111-0003,,スズキ,,,iphone,2020-01-01,,in_service\n"
    );
    let refused = corp::import_lines(&app.state.db, id, bad.as_bytes(), now).await;
    assert!(matches!(refused, Err(corp::CorpError::Import(_))));
    assert_eq!(
        lines(&app, &web, "").await.lines[0].status,
        hako_protocol::LineStatus::InService
    );

    // Re-import by number: updated in place.
    let again = format!(
        "\u{feff}{HEADER}090-1111-0001,山田 太郎,ヤマダ タロウ,総務課,総務部,smartphone,2017-05-09,taro@example.jp,cancelled\n"
    );
    assert_eq!(
        corp::import_lines(&app.state.db, id, again.as_bytes(), now)
            .await
            .unwrap(),
        (0, 1)
    );
    let page = lines(&app, &web, "").await;
    assert_eq!(page.total, 2);
    assert_eq!(page.lines[0].group.as_deref(), Some("総務課"));
    assert_eq!(page.lines[0].status, hako_protocol::LineStatus::Cancelled);

    // Search by number, name or reading; 20/50/100 a page.
    assert_eq!(lines(&app, &web, "?q=1111-0002").await.total, 1);
    assert_eq!(
        lines(&app, &web, "?q=%E4%BD%90%E8%97%A4").await.total,
        1,
        "佐藤"
    );
    assert_eq!(
        lines(&app, &web, "?q=%E3%83%A4%E3%83%9E%E3%83%80")
            .await
            .total,
        1,
        "ヤマダ"
    );
    assert_eq!(lines(&app, &web, "?q=nobody").await.total, 0);
}

#[tokio::test]
async fn c1_the_operator_creates_a_company_and_imports_lines_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let hako = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hako"))
            .args(args)
            .env("HAKO_DATA", dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let created = hako(&[
        "corp",
        "create",
        "--name",
        "株式会社テスト",
        "--admin-email",
        "op@example.jp",
        "--admin-name",
        "運用 一郎",
    ]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let id = text(&created.stdout).trim().to_owned();
    assert!(id.parse::<i64>().is_ok(), "{id}");
    let outbox: Vec<String> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        outbox
            .iter()
            .any(|m| m.contains("To: op@example.jp") && m.contains("確認コード"))
    );

    let file = dir.path().join("lines.csv");
    std::fs::write(&file, format!("{HEADER}{}", rows(3, "営業1課"))).unwrap();
    let imported = hako(&["corp", "lines", "import", &id, file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(text(&imported.stdout).starts_with("imported 3 lines (3 new, 0 updated)"));

    std::fs::write(&file, format!("{HEADER}090-1,x,エックス,,,smartphone,2020-01-01,,in_service\n090-2222-3333,y,ワイ,,,pager,2020-01-01,,in_service\n")).unwrap();
    let refused = hako(&["corp", "lines", "import", &id, file.to_str().unwrap()]);
    assert!(!refused.status.success());
    let why = text(&refused.stderr);
    assert!(
        why.contains("line 2:") && why.contains("line 3:") && why.contains("nothing imported"),
        "{why}"
    );
}

#[tokio::test]
async fn c3_c5_c9_a_change_by_lines_and_group_is_applied_and_the_history_follows_it() {
    let app = spawn_app().await;
    let mut csv = rows(5, "営業1課");
    csv.push_str(
        "080-2222-0001,別 一,ベツ イチ,営業2課,営業部,iphone,2019-01-01,b1@example.jp,in_service\n\
         080-2222-0002,別 二,ベツ ニ,営業2課,営業部,iphone,2019-01-01,b2@example.jp,in_service\n",
    );
    let (_, web) = company(&app, "flow@example.jp", &csv).await;
    app.clock.advance(TO_TEN_AM);
    let page = lines(&app, &web, "?per_page=20").await;
    assert_eq!(page.total, 7);
    let groups: Vec<CorpGroup> = get_json(&app, &web, "/api/v1/corp/groups").await;
    let second = groups.iter().find(|g| g.name == "営業2課").unwrap();
    assert_eq!((second.members, second.selectable), (2, true));
    let three: Vec<i64> = page
        .lines
        .iter()
        .filter(|l| l.number.starts_with("090"))
        .take(3)
        .map(|l| l.id)
        .collect();

    let reception = changed(
        &app,
        &web,
        json!({"line_ids": three, "group_ids": [second.id], "backup": true, "migration": true}),
    )
    .await;
    assert_eq!(reception.len(), 16);
    assert!(reception.starts_with("20260922"), "{reception}");
    let done = finished(&app, &web, &reception).await;
    assert_eq!(done.entry.status, OperationStatus::Succeeded);
    assert_eq!(done.entry.admin_id, "flow@example.jp");
    assert!(done.entry.finished_at.is_some());
    assert_eq!(done.lines.len(), 5);
    assert!(
        done.lines
            .iter()
            .all(|l| l.status == LineResult::Succeeded && l.backup == Some(true))
    );
    let after = lines(&app, &web, "").await;
    let on: Vec<bool> = after
        .lines
        .iter()
        .map(|l| l.backup && l.migration)
        .collect();
    assert_eq!(on.iter().filter(|b| **b).count(), 5);

    // The history lists it, with its filters.
    let history: HistoryPage = get_json(
        &app,
        &web,
        "/api/v1/corp/history?menu=permission_change&status=succeeded&per_page=50",
    )
    .await;
    assert_eq!(
        (history.total, history.entries[0].reception_number.as_str()),
        (1, reception.as_str())
    );
    let none: HistoryPage = get_json(&app, &web, "/api/v1/corp/history?status=failed").await;
    assert_eq!(none.total, 0);
    let by_day: HistoryPage = get_json(
        &app,
        &web,
        "/api/v1/corp/history?from=2026-09-22&to=2026-09-22",
    )
    .await;
    assert_eq!(by_day.total, 1);

    // A second change the same day: the next number of the day's sequence.
    let next = changed(
        &app,
        &web,
        json!({"line_ids": [three[0]], "backup": false, "migration": false}),
    )
    .await;
    assert_eq!(
        next[8..].parse::<u64>().unwrap(),
        reception[8..].parse::<u64>().unwrap() + 1
    );
}

#[tokio::test]
async fn c6_each_refusal_appears_in_its_situation_with_the_seeds_words() {
    let app = spawn_app_with(|config| config.corp.apply_interval_ms = 300).await;
    let mut csv = rows(201, "大部屋");
    csv.push_str(
        "080-3333-0001,解約 済,カイヤク スミ,解約組,総務部,smartphone,2019-01-01,,cancelled\n",
    );
    csv.push_str(
        "080-3333-0002,在籍 中,ザイセキ チュウ,解約組,総務部,smartphone,2019-01-01,,in_service\n",
    );
    let (_, web) = company(&app, "c6@example.jp", &csv).await;
    let all = lines(&app, &web, "?per_page=100&page=1").await.lines;
    let more = lines(&app, &web, "?per_page=100&page=2").await.lines;
    let last = lines(&app, &web, "?per_page=100&page=3").await.lines;
    let mut ids: Vec<i64> = all
        .iter()
        .chain(&more)
        .chain(&last)
        .filter(|l| l.number.starts_with("090"))
        .map(|l| l.id)
        .collect();
    assert_eq!(ids.len(), 201);
    let cancelled = all
        .iter()
        .chain(&more)
        .chain(&last)
        .find(|l| l.name == "解約 済")
        .unwrap()
        .id;
    let groups: Vec<CorpGroup> = get_json(&app, &web, "/api/v1/corp/groups").await;
    let mixed = groups.iter().find(|g| g.name == "解約組").unwrap();
    assert!(
        !mixed.selectable,
        "a group holding a cancelled line cannot be chosen"
    );

    async fn message(app: &TestApp, web: &reqwest::Client, body: Value, code: ErrorCode) -> String {
        let response = change(app, web, body).await;
        let status = StatusCode::from_u16(code.http_status()).unwrap();
        expect_error(response, status, code).await;
        code.message(hako_protocol::Lang::Ja).to_owned()
    }
    // The selection's three, in the seed's order, at any hour.
    assert_eq!(
        message(
            &app,
            &web,
            json!({"line_ids": [], "backup": true, "migration": true}),
            ErrorCode::NoLinesSelected
        )
        .await,
        "ユーザが1件も選択されていません。"
    );
    assert_eq!(
        message(
            &app,
            &web,
            json!({"line_ids": ids, "backup": true, "migration": true}),
            ErrorCode::TooManyLines
        )
        .await,
        "選択できるユーザは200件までです。"
    );
    assert_eq!(
        message(
            &app,
            &web,
            json!({"line_ids": [ids[0], cancelled], "backup": true, "migration": true}),
            ErrorCode::LineNotInService
        )
        .await,
        "ご利用いただけない契約の対象者が選択されています。"
    );
    message(
        &app,
        &web,
        json!({"group_ids": [mixed.id], "backup": true, "migration": true}),
        ErrorCode::LineNotInService,
    )
    .await;
    // 23:13 Japan time: outside the hours, at 決定.
    ids.truncate(200);
    assert_eq!(
        message(
            &app,
            &web,
            json!({"line_ids": ids, "backup": true, "migration": true}),
            ErrorCode::OutsideBusinessHours
        )
        .await,
        "ただいまの時間帯はあんしんバックアップを利用できません。"
    );
    // 23:31 too, and 08:59; 09:00 is in (signing up took the clock to 23:14).
    app.clock.advance(17 * 60);
    message(
        &app,
        &web,
        json!({"line_ids": [ids[0]], "backup": true, "migration": true}),
        ErrorCode::OutsideBusinessHours,
    )
    .await;
    app.clock.advance(9 * 3600 + 28 * 60);
    message(
        &app,
        &web,
        json!({"line_ids": [ids[0]], "backup": true, "migration": true}),
        ErrorCode::OutsideBusinessHours,
    )
    .await;
    app.clock.advance(60);

    // A 200-line change runs; another admin is refused meanwhile, the same admin is not.
    let running = changed(
        &app,
        &web,
        json!({"line_ids": ids, "backup": true, "migration": false}),
    )
    .await;
    app.signed_up("other@example.jp").await;
    web.post(app.url("/api/v1/corp/admins"))
        .json(&json!({"email": "other@example.jp", "name": "別 管理者"}))
        .send()
        .await
        .unwrap();
    let other = app.signed_in("other@example.jp").await;
    assert_eq!(
        message(
            &app,
            &other,
            json!({"line_ids": [ids[0]], "backup": true, "migration": true}),
            ErrorCode::ChangeInProgress
        )
        .await,
        "ただいま受付できません。しばらく経ってから再度お試しください。"
    );
    let processing = detail(&app, &web, &running).await;
    assert_eq!(processing.entry.status, OperationStatus::Processing);
    let page = lines(&app, &web, "?per_page=20").await;
    assert!(page.lines.iter().any(|l| l.processing), "lines show 処理中");
    changed(
        &app,
        &web,
        json!({"line_ids": [ids[0]], "backup": true, "migration": true}),
    )
    .await;
}

#[tokio::test]
async fn c3_an_idempotency_key_repeats_the_first_answer_and_never_makes_a_second_job() {
    let app = spawn_app().await;
    let (_, web) = company(&app, "idem@example.jp", &rows(3, "営業1課")).await;
    app.clock.advance(TO_TEN_AM);
    let ids = line_ids(&app, &web).await;
    let body = json!({"line_ids": ids, "backup": true, "migration": true});
    let send = |body: Value| {
        web.post(app.url("/api/v1/corp/permission-changes"))
            .header("idempotency-key", "retry-7")
            .json(&body)
            .send()
    };
    let first = accepted(send(body.clone()).await.unwrap()).await;
    let again = accepted(send(body.clone()).await.unwrap()).await;
    assert_eq!(first, again);
    let other = send(json!({"line_ids": ids, "backup": false, "migration": true}))
        .await
        .unwrap();
    expect_error(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::IdempotencyKeyReused,
    )
    .await;
    let history: HistoryPage = get_json(&app, &web, "/api/v1/corp/history").await;
    assert_eq!(history.total, 1);
}

#[tokio::test]
async fn c1_an_admin_of_one_company_sees_and_touches_nothing_of_another() {
    let app = spawn_app().await;
    let (_, a) = company(&app, "a-admin@example.jp", &rows(2, "営業1課")).await;
    let b_id = corp::create_company(&app.state, "B社", "b-admin@example.jp", "B 管理")
        .await
        .unwrap();
    corp::import_lines(&app.state.db, b_id, format!("{HEADER}080-9999-0001,B 社員,ビー シャイン,B課,,smartphone,2020-01-01,b@example.jp,in_service\n").as_bytes(), app.state.clock.now())
        .await
        .unwrap();
    app.clock.advance(TO_TEN_AM);
    let code = app.next_code("b-admin@example.jp").await;
    app.post(
        &app.client(),
        "/api/v1/auth/password-reset/verify",
        json!({"email": "b-admin@example.jp", "code": code, "new_password": PASSWORD}),
    )
    .await;
    let b = app.signed_in("b-admin@example.jp").await;
    let b_line = lines(&app, &b, "").await.lines[0].id;
    let b_groups: Vec<CorpGroup> = get_json(&app, &b, "/api/v1/corp/groups").await;
    let b_reception = changed(
        &app,
        &b,
        json!({"line_ids": [b_line], "backup": true, "migration": true}),
    )
    .await;

    let a_page = lines(&app, &a, "?q=9999").await;
    assert_eq!(a_page.total, 0, "B's line is not in A's list");
    for body in [
        json!({"line_ids": [b_line], "backup": true, "migration": true}),
        json!({"group_ids": [b_groups[0].id], "backup": true, "migration": true}),
    ] {
        expect_error(
            change(&app, &a, body).await,
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
        )
        .await;
    }
    let notice = a
        .post(app.url("/api/v1/corp/mails/password-notice"))
        .json(&json!({"line_ids": [b_line]}))
        .send()
        .await
        .unwrap();
    expect_error(notice, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let detail = a
        .get(app.url(&format!("/api/v1/corp/history/{b_reception}")))
        .send()
        .await
        .unwrap();
    expect_error(detail, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let history: HistoryPage = get_json(&app, &a, "/api/v1/corp/history").await;
    assert_eq!(history.total, 0);
    let b_admins: Vec<CorpAdmin> = get_json(&app, &a, "/api/v1/corp/admins").await;
    assert!(
        b_admins
            .iter()
            .all(|admin| admin.admin_id != "b-admin@example.jp")
    );
}

/// The 8-digit code of the newest password notice to `to`.
async fn line_code(app: &TestApp, to: &str) -> String {
    let mail = app.next_mail(to).await;
    let (_, rest) = mail.split_once("サインインコード：").expect("a code");
    rest.chars().take_while(char::is_ascii_digit).collect()
}

async fn line_login(app: &TestApp, number: &str, code: &str) -> reqwest::Response {
    app.post(
        &reqwest::Client::new(),
        "/api/v1/devices/line-login",
        json!({"number": number, "code": code, "name": "社用スマホ", "os": "android", "model": "Test"}),
    )
    .await
}

#[tokio::test]
async fn c8_c10_a_lines_phone_signs_in_by_code_and_obeys_its_permissions() {
    let app = spawn_app().await;
    let csv = "090-5555-0001,新 社員,シン シャイン,営業1課,営業部,smartphone,2018-04-01,new@example.jp,in_service\n\
               090-5555-0002,古 社員,フル シャイン,営業1課,営業部,smartphone,2016-04-01,old@example.jp,in_service\n\
               090-5555-0003,無 住所,ム ジュウショ,営業1課,営業部,smartphone,2018-04-01,,in_service\n";
    let (_, web) = company(&app, "phones@example.jp", csv).await;
    let page = lines(&app, &web, "").await;
    let ids: Vec<i64> = page.lines.iter().map(|l| l.id).collect();

    // A password notice, at any hour: each line with an address gets a code; the admin sees none.
    let notice = web
        .post(app.url("/api/v1/corp/mails/password-notice"))
        .json(&json!({"line_ids": ids}))
        .send()
        .await
        .unwrap();
    let reception = accepted(notice).await;
    let done = finished(&app, &web, &reception).await;
    assert_eq!(
        done.entry.status,
        OperationStatus::Failed,
        "one line has no address"
    );
    let no_address = done
        .lines
        .iter()
        .find(|l| l.number == "090-5555-0003")
        .unwrap();
    assert_eq!(no_address.reason.as_deref(), Some("no_mail_address"));
    assert!(
        !serde_json::to_string(&done).unwrap().contains("code"),
        "no code in the detail"
    );
    let first_code = line_code(&app, "new@example.jp").await;
    assert_eq!(first_code.len(), 8);

    // A second notice voids the first code; a wrong code counts; the right one works once.
    let again = web
        .post(app.url("/api/v1/corp/mails/password-notice"))
        .json(&json!({"line_ids": [ids[0]]}))
        .send()
        .await
        .unwrap();
    finished(&app, &web, &accepted(again).await).await;
    let code = line_code(&app, "new@example.jp").await;
    expect_error(
        line_login(&app, "090-5555-0001", &first_code).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::LineCodeInvalid,
    )
    .await;
    let session = line_login(&app, "09055550001", &code).await;
    assert_eq!(session.status(), StatusCode::CREATED);
    let session: DeviceSession = session.json().await.unwrap();
    expect_error(
        line_login(&app, "090-5555-0001", &code).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::LineCodeInvalid,
    )
    .await;
    let phone = Phone {
        token: session.device_token,
        client: reqwest::Client::new(),
        base: app.base.clone(),
    };
    let registered = phone
        .post("/api/v1/device/register", json!({"room": 1}))
        .await;
    assert_eq!(registered.status(), StatusCode::OK);

    // Contracted 2018: backup off, migration on.
    let refused = phone
        .create_upload("IMG_0001.jpg", 4, &sha256_hex(b"jpeg"))
        .await;
    let body = expect_error(refused, StatusCode::FORBIDDEN, ErrorCode::RestrictedByAdmin).await;
    assert_eq!(
        ErrorCode::RestrictedByAdmin.message(hako_protocol::Lang::Ja),
        "管理者によりご利用を制限されています。"
    );
    assert_eq!(body.code, ErrorCode::RestrictedByAdmin);
    expect_error(
        phone.get("/api/v1/rooms/1/items").await,
        StatusCode::FORBIDDEN,
        ErrorCode::RestrictedByAdmin,
    )
    .await;
    let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:取引先 一郎\r\nN:取引先;一郎;;;\r\nTEL:03-1234-5678\r\nEND:VCARD\r\n";
    let out = phone
        .request(Method::PUT, "/api/v1/device/contacts-migration")
        .body(vcard)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    let back = phone.get("/api/v1/device/contacts-migration").await;
    assert_eq!(back.text().await.unwrap(), vcard);

    // The admin allows backup and stops migration: in effect once the line is done.
    app.clock.advance(TO_TEN_AM);
    let allowed = changed(
        &app,
        &web,
        json!({"line_ids": [ids[0]], "backup": true, "migration": false}),
    )
    .await;
    assert_eq!(
        finished(&app, &web, &allowed).await.entry.status,
        OperationStatus::Succeeded
    );
    let created = phone
        .create_upload("IMG_0001.jpg", 4, &sha256_hex(b"jpeg"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let stopped = phone.get("/api/v1/device/contacts-migration").await;
    expect_error(
        stopped,
        StatusCode::FORBIDDEN,
        ErrorCode::MigrationRestricted,
    )
    .await;
    assert_eq!(
        ErrorCode::MigrationRestricted.message(hako_protocol::Lang::Ja),
        "電話帳ダウンロードを中止しました。管理者によりご利用を制限されています。"
    );

    // Contracted 2016: both off, every function refused with 2105.
    let old_code = line_code(&app, "old@example.jp").await;
    let old: DeviceSession = line_login(&app, "090-5555-0002", &old_code)
        .await
        .json()
        .await
        .unwrap();
    let old = Phone {
        token: old.device_token,
        client: reqwest::Client::new(),
        base: app.base.clone(),
    };
    let refused = old
        .request(Method::PUT, "/api/v1/device/backups/contacts")
        .body(vcard)
        .send()
        .await
        .unwrap();
    expect_error(refused, StatusCode::FORBIDDEN, ErrorCode::LineContractCheck).await;
    let refused = old.get("/api/v1/device/contacts-migration").await;
    expect_error(refused, StatusCode::FORBIDDEN, ErrorCode::LineContractCheck).await;
    assert_eq!(
        ErrorCode::LineContractCheck.message(hako_protocol::Lang::Ja),
        "お使いの回線契約をご確認ください。2105"
    );

    // Five wrong guesses and the code is gone.
    let again = web
        .post(app.url("/api/v1/corp/mails/password-notice"))
        .json(&json!({"line_ids": [ids[1]]}))
        .send()
        .await
        .unwrap();
    finished(&app, &web, &accepted(again).await).await;
    let good = line_code(&app, "old@example.jp").await;
    for _ in 0..5 {
        line_login(&app, "090-5555-0002", "00000000").await;
    }
    expect_error(
        line_login(&app, "090-5555-0002", &good).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::LineCodeInvalid,
    )
    .await;
}

#[tokio::test]
async fn c5_a_200_line_change_finishes_with_two_instances_each_line_applied_once() {
    let a = spawn_app().await;
    let shared = a.state.config.clone();
    let b = spawn_app_with(|config| {
        config.data_dir = shared.data_dir.clone();
        config.database_url = shared.database_url.clone();
        config.s3 = shared.s3.clone();
    })
    .await;
    let (_, web) = company(&a, "two@example.jp", &rows(200, "全員")).await;
    a.clock.advance(TO_TEN_AM);
    b.clock.advance(TO_TEN_AM);
    let mut all = lines(&a, &web, "?per_page=100&page=1").await.lines;
    all.extend(lines(&a, &web, "?per_page=100&page=2").await.lines);
    let ids: Vec<i64> = all.iter().map(|l| l.id).collect();
    assert_eq!(ids.len(), 200);
    let started = std::time::Instant::now();
    let reception = changed(
        &a,
        &web,
        json!({"line_ids": ids, "backup": true, "migration": true}),
    )
    .await;
    // Both instances look for work at once.
    let (x, y) = tokio::join!(
        hako_api_shim::jobs::run_next::<corp::OperationJob>(&a.state),
        hako_api_shim::jobs::run_next::<corp::OperationJob>(&b.state),
    );
    x.unwrap();
    y.unwrap();
    let done = finished(&a, &web, &reception).await;
    eprintln!("200-line change: 正常終了 after {:?}", started.elapsed());
    assert_eq!(done.entry.status, OperationStatus::Succeeded);
    assert_eq!(done.lines.len(), 200);
    assert!(done.lines.iter().all(|l| l.status == LineResult::Succeeded));
    let applied: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM corp_lines WHERE backup = $1 AND migration = $1")
            .bind(true)
            .fetch_one(&a.state.db)
            .await
            .unwrap();
    assert_eq!(applied, 200);
    // Running it again (a lease that ran out) changes nothing: each line was applied once.
    let finished_at = done.entry.finished_at.clone();
    assert!(
        !hako_api_shim::jobs::run_next::<corp::OperationJob>(&b.state)
            .await
            .unwrap()
    );
    assert_eq!(
        detail(&a, &web, &reception).await.entry.finished_at,
        finished_at
    );
}

#[tokio::test]
async fn exports_are_csv_that_excel_opens_as_japanese_with_what_the_console_shows() {
    let app = spawn_app().await;
    let (_, web) = company(&app, "csv@example.jp", &rows(3, "営業1課")).await;
    app.clock.advance(TO_TEN_AM);
    let ids = line_ids(&app, &web).await;
    let reception = changed(
        &app,
        &web,
        json!({"line_ids": ids, "backup": true, "migration": false}),
    )
    .await;
    finished(&app, &web, &reception).await;
    let text = |path: &'static str| {
        let request = web.get(app.url(path)).send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                response.headers()["content-type"],
                "text/csv; charset=utf-8"
            );
            let bytes = response.bytes().await.unwrap();
            assert!(
                bytes.starts_with(b"\xEF\xBB\xBF"),
                "{path}: a BOM for Excel"
            );
            String::from_utf8(bytes[3..].to_vec()).unwrap()
        }
    };
    let lines_csv = text("/api/v1/corp/lines.csv").await;
    let mut rows_of = lines_csv.split("\r\n");
    assert!(
        rows_of
            .next()
            .unwrap()
            .starts_with("電話番号,氏名,氏名カナ,グループ")
    );
    assert_eq!(
        rows_of.next().unwrap(),
        "090-0000-0001,社員 1,シャイン 1,営業1課,営業部,スマートフォン,2018-04-01,line1@example.jp,サービス中,ON,OFF,"
    );
    assert_eq!(
        text("/api/v1/corp/lines.csv?q=0002")
            .await
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .count(),
        2
    );
    let history = text("/api/v1/corp/history.csv").await;
    assert!(
        history.contains(&format!("{reception},管理 太郎,csv@example.jp,2026-09-22 ")),
        "{history}"
    );
    assert!(history.contains(",利用可否設定,正常終了,3"), "{history}");
    let detail_path: &'static str = format!("/api/v1/corp/history/{reception}.csv").leak();
    let detail = text(detail_path).await;
    assert!(detail.starts_with(
        "電話番号,氏名,グループ,結果日時,バックアップ機能,電話帳移行機能,ステータス,理由"
    ));
    assert!(
        detail.contains("090-0000-0003,社員 3,営業1課,2026-09-22 "),
        "{detail}"
    );
    assert!(detail.contains(",ON,OFF,正常終了,"), "{detail}");
    let missing = web
        .get(app.url("/api/v1/corp/history/2026010100000001.csv"))
        .send()
        .await
        .unwrap();
    expect_error(missing, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn an_admin_imports_lines_with_a_preview_first_and_every_bad_row_named() {
    let app = spawn_app().await;
    let (_, web) = company(&app, "imp@example.jp", &rows(2, "営業1課")).await;
    let import = |dry_run: bool, body: Vec<u8>| {
        web.post(app.url(&format!("/api/v1/corp/lines/import?dry_run={dry_run}")))
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    // 10,000 lines in Shift_JIS: one renamed, one unchanged, the rest new.
    let mut csv = String::from(HEADER);
    csv.push_str("090-0000-0001,社員 一,シャイン イチ,営業1課,営業部,smartphone,2018-04-01,line1@example.jp,in_service\n");
    csv.push_str("090-0000-0002,社員 2,シャイン 2,営業1課,営業部,smartphone,2018-04-01,line2@example.jp,in_service\n");
    for i in 3..=10_000 {
        csv.push_str(&format!(
            "080-{:04}-{:04},新人 {i},シンジン {i},営業2課,,iphone,2024-04-01,,in_service\n",
            i / 10_000,
            i % 10_000
        ));
    }
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&csv);
    let preview: hako_protocol::ImportPreview = import(true, sjis.to_vec())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            preview.dry_run,
            preview.added,
            preview.updated,
            preview.unchanged
        ),
        (true, 9_998, 1, 1)
    );
    let renamed = preview
        .changes
        .iter()
        .find(|c| c.number == "090-0000-0001")
        .unwrap();
    assert_eq!(
        (renamed.change, renamed.fields.clone()),
        (
            hako_protocol::LineChangeKind::Updated,
            vec!["name".to_owned(), "reading".to_owned()]
        )
    );
    assert_eq!(
        lines(&app, &web, "").await.total,
        2,
        "a dry run writes nothing"
    );

    let started = std::time::Instant::now();
    let done: hako_protocol::ImportPreview = import(false, sjis.to_vec())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    eprintln!(
        "10,000-line Shift_JIS import from the console: {:?}",
        started.elapsed()
    );
    assert_eq!((done.dry_run, done.added, done.updated), (false, 9_998, 1));
    assert_eq!(lines(&app, &web, "").await.total, 10_000);
    assert_eq!(
        lines(&app, &web, "?q=090-0000-0001").await.lines[0].name,
        "社員 一"
    );
    // The export has the same Japanese text.
    let exported = web
        .get(app.url("/api/v1/corp/lines.csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let exported = String::from_utf8(exported[3..].to_vec()).unwrap();
    assert!(exported.contains("090-0000-0001,社員 一,シャイン イチ,営業1課"));
    assert!(exported.contains("080-0000-9999,新人 9999,シンジン 9999,営業2課"));

    // Bad rows: each named with its line and problem, in the admin's language; nothing imported.
    let bad = format!(
        "{HEADER}090-0000-0001,,x,,,smartphone,2018-04-01,,in_service\n090-12,a,エー,,,phone,2018-04-01,,in_service\n"
    );
    let refused = expect_error(
        import(false, bad.into_bytes()).await.unwrap(),
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidLinesCsv,
    )
    .await;
    let rows = refused.bad_rows.unwrap();
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(rows[0].problem, hako_protocol::RowProblem::Name);
    assert_eq!(rows[1].value, "090-12");
    assert_eq!(
        rows[1].problem.message(hako_protocol::Lang::Ja),
        "電話番号の形式が正しくありません"
    );
    assert_eq!(
        lines(&app, &web, "?q=090-0000-0001").await.lines[0].name,
        "社員 一"
    );
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM corp_audit WHERE action = 'lines_imported'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audit, 1, "the real import is recorded, the preview is not");
}

#[tokio::test]
async fn the_admin_who_started_an_operation_that_ended_failed_hears_how_many_lines_failed() {
    let app = spawn_app().await;
    let csv = "090-6666-0001,宛先 有,アテサキ アリ,営業,,smartphone,2018-04-01,ok@example.jp,in_service\n\
               090-6666-0002,宛先 無,アテサキ ナシ,営業,,smartphone,2018-04-01,,in_service\n";
    let (_, web) = company(&app, "told@example.jp", csv).await;
    app.next_mail("told@example.jp").await;
    let ids = line_ids(&app, &web).await;
    let notice = web
        .post(app.url("/api/v1/corp/mails/password-notice"))
        .json(&json!({"line_ids": ids}))
        .send()
        .await
        .unwrap();
    let reception = accepted(notice).await;
    assert_eq!(
        finished(&app, &web, &reception).await.entry.status,
        OperationStatus::Failed
    );
    let told = app.next_mail("told@example.jp").await;
    assert!(told.contains(&reception), "{told}");
    assert!(told.contains("2件のうち1件が異常終了"), "{told}");
    assert!(
        told.contains(&format!("/corp/history/{reception}")),
        "{told}"
    );
}

/// A company of six lines for the mail menus: three phones that need an app, a 4G feature
/// phone, an address the mail server refuses, and a line without an address.
const MAIL_LINES: &str = "\
090-7777-0001,スマホ 一,スマホ イチ,営業,,smartphone,2018-04-01,android@example.jp,in_service\n\
090-7777-0002,アイ 二,アイ ニ,営業,,iphone,2018-04-01,iphone@example.jp,in_service\n\
090-7777-0003,ウィン 三,ウィン サン,営業,,windows,2018-04-01,windows@example.jp,in_service\n\
090-7777-0004,ケータイ 四,ケータイ ヨン,営業,,feature_phone,2018-04-01,keitai@example.jp,in_service\n\
090-7777-0005,拒否 五,キョヒ ゴ,営業,,smartphone,2018-04-01,unknown-user@example.jp,in_service\n\
090-7777-0006,宛先 六,アテサキ ロク,営業,,iphone,2018-04-01,,in_service\n";

async fn mail(app: &TestApp, web: &reqwest::Client, path: &str, ids: &[i64]) -> reqwest::Response {
    web.post(app.url(path))
        .json(&json!({ "line_ids": ids }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn c7_c9_app_download_requests_go_through_smtp_per_line_and_a_failed_line_is_resent() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(|config| {
        config.smtp = Some(smtp.config());
        config.corp.app_links = hako_api_shim::config::AppLinks {
            smartphone: Some("https://play.example/hako".into()),
            iphone: Some("https://apps.example/hako".into()),
            windows: Some("https://store.example/contacts-copy".into()),
        };
    })
    .await
    .reading_mail_in(smtp.mail_dir());
    let (_, web) = company(&app, "mailer@example.jp", MAIL_LINES).await;
    let ids = line_ids(&app, &web).await;
    assert!(
        lines(&app, &web, "")
            .await
            .lines
            .iter()
            .all(|l| l.last_app_request_at.is_none())
    );
    smtp.refuse(&["unknown-user@example.jp"]);

    let path = "/api/v1/corp/mails/app-download";
    let reception = accepted(mail(&app, &web, path, &ids).await).await;
    let done = finished(&app, &web, &reception).await;
    assert_eq!(done.entry.menu, Menu::AppDownload);
    assert_eq!(
        done.entry.status,
        OperationStatus::Failed,
        "a refused line fails the operation"
    );
    let results: Vec<(&str, LineResult, Option<&str>)> = done
        .lines
        .iter()
        .map(|l| (l.number.as_str(), l.status, l.reason.as_deref()))
        .collect();
    assert_eq!(
        results,
        [
            ("090-7777-0001", LineResult::Sent, None),
            ("090-7777-0002", LineResult::Sent, None),
            ("090-7777-0003", LineResult::Sent, None),
            ("090-7777-0004", LineResult::Skipped, Some("no_app_needed")),
            ("090-7777-0005", LineResult::Failed, Some("mail_refused")),
            ("090-7777-0006", LineResult::Failed, Some("no_mail_address")),
        ]
    );
    // Each kind of phone gets its app's link; the 4G phone nothing.
    let android = smtp.mails_to("android@example.jp");
    assert_eq!(android.len(), 1);
    assert!(
        android[0].contains("https://play.example/hako"),
        "{}",
        android[0]
    );
    assert!(android[0].contains("Hako アプリ"), "{}", android[0]);
    assert!(smtp.mails_to("iphone@example.jp")[0].contains("https://apps.example/hako"));
    let windows = &smtp.mails_to("windows@example.jp")[0];
    assert!(
        windows.contains("https://store.example/contacts-copy"),
        "{windows}"
    );
    assert!(windows.contains("連絡先コピーアプリ"), "{windows}");
    assert!(smtp.mails_to("keitai@example.jp").is_empty());
    assert!(smtp.mails_to("unknown-user@example.jp").is_empty());
    // The admin who sent it hears of the two failures, through the same server.
    let told = smtp.mails_to("mailer@example.jp");
    assert!(
        told.iter()
            .any(|m| m.contains(&reception) && m.contains("6件のうち2件が異常終了")),
        "{told:?}"
    );

    // The number list shows when each line was last asked, and filters by it (Japan dates:
    // the test clock stands at 2026-09-21 23:13 in Japan).
    let requested: Vec<bool> = lines(&app, &web, "")
        .await
        .lines
        .iter()
        .map(|l| l.last_app_request_at.is_some())
        .collect();
    assert_eq!(requested, [true, true, true, false, false, false]);
    let on_the_day = "?requested_from=2026-09-21&requested_to=2026-09-21";
    assert_eq!(lines(&app, &web, on_the_day).await.total, 3);
    assert_eq!(lines(&app, &web, "?requested_to=2026-09-20").await.total, 0);
    assert_eq!(
        lines(&app, &web, "?requested_from=2026-09-22").await.total,
        0
    );
    let bad_date = web
        .get(app.url("/api/v1/corp/lines?requested_from=21-09-2026"))
        .send()
        .await
        .unwrap();
    expect_error(bad_date, StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery).await;

    // The mailbox exists now: the failed line is mailed again, as a new operation that names
    // the one it repeats.
    smtp.refuse(&[]);
    let refused_line = ids[4];
    let resend_path = format!("/api/v1/corp/history/{reception}/resend");
    let again = accepted(mail(&app, &web, &resend_path, &[refused_line]).await).await;
    assert_ne!(again, reception);
    let resent = finished(&app, &web, &again).await;
    assert_eq!(resent.entry.status, OperationStatus::Succeeded);
    assert_eq!(resent.entry.menu, Menu::AppDownload);
    assert_eq!(resent.entry.resend_of.as_deref(), Some(reception.as_str()));
    assert_eq!(resent.lines.len(), 1);
    assert_eq!(resent.lines[0].status, LineResult::Sent);
    assert_eq!(smtp.mails_to("unknown-user@example.jp").len(), 1);
    let history: HistoryPage = get_json(&app, &web, "/api/v1/corp/history?menu=app_download").await;
    assert_eq!(history.total, 2);
}

#[tokio::test]
async fn c9_only_lines_of_a_mail_operation_can_be_resent_under_the_selection_rules() {
    let app = spawn_app().await;
    let (_, web) = company(&app, "resend@example.jp", MAIL_LINES).await;
    let ids = line_ids(&app, &web).await;
    let notice = mail(&app, &web, "/api/v1/corp/mails/password-notice", &ids[..2]).await;
    let reception = accepted(notice).await;
    let done = finished(&app, &web, &reception).await;
    assert!(
        done.lines.iter().all(|l| l.status == LineResult::Sent),
        "{done:?}"
    );
    let resend = |reception: String, ids: Vec<i64>| {
        let (app, web) = (&app, &web);
        async move {
            let path = format!("/api/v1/corp/history/{reception}/resend");
            mail(app, web, &path, &ids).await
        }
    };

    // A line the notice did not mail.
    let other = resend(reception.clone(), vec![ids[0], ids[2]]).await;
    expect_error(other, StatusCode::BAD_REQUEST, ErrorCode::NotResendable).await;
    // None chosen: the seed's words.
    let none = resend(reception.clone(), vec![]).await;
    expect_error(none, StatusCode::BAD_REQUEST, ErrorCode::NoLinesSelected).await;
    // No such operation.
    let unknown = resend("2026092199999999".into(), vec![ids[0]]).await;
    expect_error(unknown, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    // A permission change sent no mail.
    app.clock.advance(TO_TEN_AM);
    let change = changed(
        &app,
        &web,
        json!({"line_ids": [ids[0]], "backup": true, "migration": true}),
    )
    .await;
    finished(&app, &web, &change).await;
    let not_mail = resend(change, vec![ids[0]]).await;
    expect_error(not_mail, StatusCode::BAD_REQUEST, ErrorCode::NotResendable).await;
    // The notice's own line can be resent: a new code, the old one void.
    let first_code = line_code(&app, "android@example.jp").await;
    let again = accepted(resend(reception.clone(), vec![ids[0]]).await).await;
    let resent = finished(&app, &web, &again).await;
    assert_eq!(resent.entry.menu, Menu::PasswordNotice);
    assert_eq!(resent.entry.resend_of.as_deref(), Some(reception.as_str()));
    let old = line_login(&app, "090-7777-0001", &first_code).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new_code = line_code(&app, "android@example.jp").await;
    assert!(
        line_login(&app, "090-7777-0001", &new_code)
            .await
            .status()
            .is_success()
    );
}

#[tokio::test]
async fn c6_c7_an_app_download_request_refuses_a_selection_in_the_seeds_words_at_any_hour() {
    let app = spawn_app().await;
    let cancelled = "090-8888-0001,退職 者,タイショク シャ,営業,,smartphone,2018-04-01,gone@example.jp,cancelled\n";
    let (_, web) = company(
        &app,
        "rules@example.jp",
        &format!("{}{cancelled}", rows(201, "営業1課")),
    )
    .await;
    let path = "/api/v1/corp/mails/app-download";
    let mut ids = Vec::new();
    for page in 1..=3 {
        let query = format!("?per_page=100&page={page}");
        ids.extend(lines(&app, &web, &query).await.lines.iter().map(|l| l.id));
    }
    // 23:13 in Japan: mails are not held to the permission change's hours (seed: C6's table).
    let none = mail(&app, &web, path, &[]).await;
    let body = expect_error(none, StatusCode::BAD_REQUEST, ErrorCode::NoLinesSelected).await;
    assert_eq!(
        body.code.message(hako_protocol::Lang::Ja),
        "ユーザが1件も選択されていません。"
    );
    let all_but_cancelled = &ids[..201];
    let over = mail(&app, &web, path, all_but_cancelled).await;
    expect_error(over, StatusCode::BAD_REQUEST, ErrorCode::TooManyLines).await;
    let with_cancelled = [ids[0], ids[201]];
    let refused = mail(&app, &web, path, &with_cancelled).await;
    expect_error(
        refused,
        StatusCode::BAD_REQUEST,
        ErrorCode::LineNotInService,
    )
    .await;
    let reception = accepted(mail(&app, &web, path, &ids[..200]).await).await;
    assert_eq!(finished(&app, &web, &reception).await.lines.len(), 200);
}

//! `hako-device` against a real server (started in-process on 127.0.0.1:0), as a user runs it.

use std::{path::Path, process::Command, sync::Arc};

use hako_api_shim::{
    AppState,
    accounts::{self, password},
    clock::SystemClock,
    config::Config,
};

const DEVICE: &str = env!("CARGO_BIN_EXE_hako-device");
const PASSWORD: &str = "correct horse battery";

struct Server {
    base: String,
    state: AppState,
    _data: tempfile::TempDir,
}

async fn server_with(adjust: impl FnOnce(&mut Config)) -> Server {
    let data = tempfile::tempdir().unwrap();
    let mut config = Config::for_data_dir(data.path().to_owned());
    adjust(&mut config);
    let state = AppState::open(config, Arc::new(SystemClock)).await.unwrap();
    let hash = password::hash(PASSWORD.into()).await.unwrap();
    accounts::create_account(&state.db, "phone@example.jp", &hash, state.clock.now())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(hako_api_shim::serve(
        state.clone(),
        listener,
        std::future::pending(),
    ));
    Server {
        base,
        state,
        _data: data,
    }
}

/// Runs `hako-device` off the async runtime, in English; returns (success, stdout + stderr).
async fn device(home: &Path, args: &[&str]) -> (bool, String) {
    device_in("en_US.UTF-8", home, args).await
}

/// Runs `hako-device` with this `LANG`.
async fn device_in(lang: &'static str, home: &Path, args: &[&str]) -> (bool, String) {
    let home = home.to_owned();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let output = Command::new(DEVICE)
            .args(&args)
            .env("HAKO_DEVICE_HOME", &home)
            .env("HAKO_PASSWORD", PASSWORD)
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    })
    .await
    .unwrap()
}

fn folder_of_a_phone(dir: &Path) {
    std::fs::create_dir_all(dir.join("DCIM/Camera")).unwrap();
    std::fs::create_dir_all(dir.join("Music")).unwrap();
    std::fs::create_dir_all(dir.join("Documents")).unwrap();
    std::fs::write(
        dir.join("DCIM/Camera/IMG_0001.jpg"),
        b"\xff\xd8\xff first photo",
    )
    .unwrap();
    std::fs::write(
        dir.join("DCIM/Camera/IMG_0002.jpg"),
        b"\xff\xd8\xff second photo",
    )
    .unwrap();
    std::fs::write(
        dir.join("DCIM/Camera/IMG_0002 copy.jpg"),
        b"\xff\xd8\xff second photo",
    )
    .unwrap();
    std::fs::write(
        dir.join("DCIM/Camera/VID_0001.mp4"),
        vec![7u8; 9 * 1024 * 1024],
    )
    .unwrap();
    std::fs::write(dir.join("Music/song.mp3"), b"ID3 song").unwrap();
    std::fs::write(dir.join("Documents/見積書.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(dir.join("Documents/setup.exe"), b"MZ").unwrap();
    std::fs::write(
        dir.join("contacts.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nX-PHONETIC-LAST-NAME:ヤマダ\r\nTEL:090-1234-5678\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nFN:佐藤 花子\r\nN;SORT-AS=\"サトウ,ハナコ\":佐藤;花子;;;\r\nEND:VCARD\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("calendar.ics"),
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hako//test//JA\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20240815T190000\r\nSUMMARY:花火大会\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("call_history.json"),
        r#"[{"number":"09012345678","name":"母","direction":"missed","time":"2024-08-15T10:00:00+09:00","duration_secs":0}]"#,
    )
    .unwrap();
}

async fn login_and_register(server: &Server, home: &Path, os: &str) {
    let (ok, out) = device(
        home,
        &[
            "login",
            "--server",
            &server.base,
            "--email",
            "phone@example.jp",
            "--os",
            os,
        ],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = device(home, &["register", "--room", "1"]).await;
    assert!(ok, "{out}");
    assert!(out.contains("(this phone)"), "{out}");
}

#[tokio::test]
async fn d9_backup_sends_only_what_is_missing_and_a_rerun_sends_nothing() {
    let server = server_with(|_| {}).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    folder_of_a_phone(phone.path());
    login_and_register(&server, home.path(), "android").await;

    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok, "{out}");
    assert!(out.contains("Backed up: 5"), "{out}");
    assert!(
        out.contains("Already backed up: 1"),
        "the copy is sent once: {out}"
    );
    assert!(out.contains("Not backed up (unsupported): 1"), "{out}");
    assert!(out.contains("Contacts: version 1 (2 entries)"), "{out}");
    assert!(out.contains("Calendar: version 1 (1 entries)"), "{out}");
    assert!(out.contains("Call history: version 1 (1 entries)"), "{out}");
    let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items")
        .fetch_one(&server.state.db)
        .await
        .unwrap();
    assert_eq!(items, 5);

    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok, "{out}");
    assert!(out.contains("Backed up: 0"), "{out}");
    assert!(out.contains("Already backed up: 6"), "{out}");
    assert!(
        out.contains("Contacts: version 2"),
        "each run is a version: {out}"
    );

    let (ok, out) = device(home.path(), &["status"]).await;
    assert!(
        ok && out.contains("ROOM 1: hako-device") && out.contains("5 files"),
        "{out}"
    );
}

#[tokio::test]
async fn d8_an_iphone_backs_up_photos_and_videos_only_and_types_narrow_a_run() {
    let server = server_with(|_| {}).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    folder_of_a_phone(phone.path());
    login_and_register(&server, home.path(), "ios").await;
    let (ok, out) = device(
        home.path(),
        &["backup", "--types", "photo", phone.path().to_str().unwrap()],
    )
    .await;
    assert!(ok, "{out}");
    assert!(out.contains("Backed up: 2"), "{out}");
    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok, "{out}");
    assert!(
        out.contains("Backed up: 1") && out.contains("Not backed up (unsupported): 4"),
        "call history is not an iPhone's to back up: {out}"
    );
    assert!(
        out.contains("Contacts: version 1") && !out.contains("Call history"),
        "{out}"
    );
}

#[tokio::test]
async fn d9_a_rerun_resumes_an_interrupted_upload_instead_of_restarting() {
    let server = server_with(|_| {}).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    login_and_register(&server, home.path(), "android").await;
    let video: Vec<u8> = (0..20 * 1024 * 1024u32).map(|i| (i % 249) as u8).collect();
    std::fs::write(phone.path().join("VID_long.mp4"), &video).unwrap();

    // What a run cut off after its first chunk leaves: an upload on the server with 8 MiB,
    // and its URL in the phone's home folder.
    let session: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.path().join("session.json")).unwrap()).unwrap();
    let token = session["device_token"].as_str().unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&video))
    };
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{}/api/v1/uploads", server.base))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", video.len().to_string())
        .header(
            "upload-metadata",
            format!("filename {},sha256 {}", b64("VID_long.mp4"), b64(&sha)),
        )
        .send()
        .await
        .unwrap();
    let url = format!(
        "{}{}",
        server.base,
        created.headers()["location"].to_str().unwrap()
    );
    let first = http
        .patch(&url)
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream")
        .body(video[..8 * 1024 * 1024].to_vec())
        .send()
        .await
        .unwrap();
    assert!(first.status().is_success());
    std::fs::write(
        home.path().join("uploads.json"),
        serde_json::to_vec(&serde_json::json!({ &sha: url })).unwrap(),
    )
    .unwrap();

    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok, "{out}");
    assert!(out.contains("Backed up: 1"), "{out}");
    let blob = server.state.blobs.read(&sha).await.unwrap();
    assert_eq!(blob, video);
    let unfinished: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploads")
        .fetch_one(&server.state.db)
        .await
        .unwrap();
    assert_eq!(
        unfinished, 0,
        "the started upload was finished, not left behind for a new one"
    );
    let leftover = std::fs::read_to_string(home.path().join("uploads.json")).unwrap();
    assert_eq!(leftover.trim(), "{}", "finished uploads are forgotten");
}

#[tokio::test]
async fn refusals_are_clear_and_the_exit_status_says_so() {
    let server = server_with(|c| c.limits.free_quota_bytes = 1_000).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    folder_of_a_phone(phone.path());

    let (ok, out) = device(home.path(), &["status"]).await;
    assert!(!ok && out.contains("Not signed in yet"), "{out}");
    let (ok, out) = device(
        home.path(),
        &[
            "login",
            "--server",
            &server.base,
            "--email",
            "nobody@example.jp",
        ],
    )
    .await;
    assert!(
        !ok && out.contains("email address or password is incorrect"),
        "{out}"
    );

    login_and_register(&server, home.path(), "android").await;
    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(!ok, "a failed file fails the run: {out}");
    assert!(
        out.contains("VID_0001.mp4") && out.contains("free member storage quota"),
        "{out}"
    );
    assert!(
        out.contains("Backed up: 4"),
        "the other files still go: {out}"
    );

    let (ok, out) = device(home.path(), &["register", "--room", "4"]).await;
    assert!(!ok && out.contains("Choose a ROOM from 1 to 3"), "{out}");
}

#[tokio::test]
async fn d4_restore_brings_everything_back_to_this_or_another_phone() {
    let server = server_with(|_| {}).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    folder_of_a_phone(phone.path());
    login_and_register(&server, home.path(), "android").await;
    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok, "{out}");

    let back = tempfile::tempdir().unwrap();
    // A download an earlier run left half done continues from where it stopped.
    std::fs::create_dir_all(back.path().join("DCIM")).unwrap();
    std::fs::write(
        back.path().join("DCIM/VID_0001.mp4.part"),
        vec![7u8; 1024 * 1024],
    )
    .unwrap();
    let (ok, out) = device(home.path(), &["restore", back.path().to_str().unwrap()]).await;
    assert!(ok, "{out}");
    assert!(out.contains("Restored: 5"), "{out}");
    let same = |a: &str, b: &str| {
        std::fs::read(phone.path().join(a)).unwrap() == std::fs::read(back.path().join(b)).unwrap()
    };
    assert!(same("DCIM/Camera/IMG_0001.jpg", "DCIM/IMG_0001.jpg"));
    assert!(same("DCIM/Camera/VID_0001.mp4", "DCIM/VID_0001.mp4"));
    assert!(same("Documents/見積書.pdf", "Documents/見積書.pdf"));
    assert!(same("contacts.vcf", "contacts.vcf"));
    assert!(same("call_history.json", "call_history.json"));
    assert!(!back.path().join("DCIM/VID_0001.mp4.part").exists());

    let (ok, out) = device(home.path(), &["restore", back.path().to_str().unwrap()]).await;
    assert!(
        ok && out.contains("Restored: 0") && out.contains("Already on this phone: 5"),
        "{out}"
    );

    // Another phone of the account, an iPhone, restores ROOM 1: photos, videos, contacts, calendar.
    let iphone_home = tempfile::tempdir().unwrap();
    let (ok, out) = device(
        iphone_home.path(),
        &[
            "login",
            "--server",
            &server.base,
            "--email",
            "phone@example.jp",
            "--os",
            "ios",
        ],
    )
    .await;
    assert!(ok, "{out}");
    let other = tempfile::tempdir().unwrap();
    let (ok, out) = device(
        iphone_home.path(),
        &["restore", "--room", "1", other.path().to_str().unwrap()],
    )
    .await;
    assert!(ok, "{out}");
    assert!(out.contains("Restored: 3"), "{out}");
    assert!(
        other.path().join("contacts.vcf").exists()
            && !other.path().join("call_history.json").exists()
    );
    assert!(!other.path().join("Music").exists());
}

#[tokio::test]
async fn d5_d6_d7_excluded_files_stay_home_settings_stick_and_the_phone_reports() {
    let server = server_with(|_| {}).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    folder_of_a_phone(phone.path());
    login_and_register(&server, home.path(), "android").await;
    let private = phone.path().join("DCIM/Camera/IMG_0001.jpg");
    let (ok, out) = device(home.path(), &["exclude", private.to_str().unwrap()]).await;
    assert!(ok && out.contains("Excluded from backup: 1"), "{out}");

    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(
        ok && out.contains("Backed up: 4") && out.contains("Excluded from backup: 1"),
        "{out}"
    );
    let inventory: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inventory")
        .fetch_one(&server.state.db)
        .await
        .unwrap();
    assert_eq!(
        inventory, 5,
        "the report lists every file on the phone, excluded ones too"
    );

    let (ok, _) = device(
        home.path(),
        &["exclude", "--undo", private.to_str().unwrap()],
    )
    .await;
    assert!(ok);
    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok && out.contains("Backed up: 1"), "{out}");

    let (ok, out) = device(
        home.path(),
        &[
            "settings",
            "--weekdays",
            "sat,sun",
            "--mobile-data",
            "on",
            "--reminder-days",
            "0",
        ],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = device(home.path(), &["settings"]).await;
    let shown: hako_protocol::PhoneSettings = serde_json::from_str(&out).unwrap();
    assert!(
        ok && shown.auto_backup.allow_mobile_data && shown.notifications.reminder_days.is_none()
    );
    assert_eq!(
        shown.auto_backup.weekdays,
        vec![hako_protocol::Weekday::Sat, hako_protocol::Weekday::Sun]
    );
    let (ok, out) = device(home.path(), &["settings", "--weekdays", "someday"]).await;
    assert!(!ok && out.contains("mon, tue"), "{out}");
}

#[tokio::test]
async fn t3_a_folder_of_photos_is_under_its_shooting_dates_the_moment_the_backup_returns() {
    // No media worker: nothing but the backup itself may date the photos.
    let server = server_with(|config| config.media_worker = false).await;
    let home = tempfile::tempdir().unwrap();
    let phone = tempfile::tempdir().unwrap();
    let camera = phone.path().join("DCIM/Camera");
    std::fs::create_dir_all(&camera).unwrap();
    let mut expected = Vec::new();
    for i in 0..40u32 {
        let image =
            image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8, y as u8, i as u8]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&image)
            .unwrap();
        // A day in each of 40 months, late in the evening in Japan: a day off in UTC.
        let (year, month) = (2019 + i / 12, 1 + i % 12);
        let taken = format!("{year}:{month:02}:10 23:30:00");
        let name = format!("IMG_{i:04}.jpg");
        std::fs::write(
            camera.join(&name),
            hako_media::exif_writer::with_exif(&jpeg, "Hako", "Test", &taken, "+09:00"),
        )
        .unwrap();
        expected.push((name, format!("{year}-{month:02}-10")));
    }
    login_and_register(&server, home.path(), "android").await;
    let (ok, out) = device(home.path(), &["backup", phone.path().to_str().unwrap()]).await;
    assert!(ok && out.contains("Backed up: 40"), "{out}");

    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, local_time FROM items ORDER BY name")
            .fetch_all(&server.state.db)
            .await
            .unwrap();
    let days: Vec<(String, String)> = rows
        .into_iter()
        .map(|(name, local)| {
            let day = time::OffsetDateTime::from_unix_timestamp(local)
                .unwrap()
                .date();
            (name, day.to_string())
        })
        .collect();
    assert_eq!(days, expected);
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media WHERE status = 'pending'")
        .fetch_one(&server.state.db)
        .await
        .unwrap();
    assert_eq!(pending, 40, "no media job ran");
}

#[tokio::test]
async fn p2_the_app_data_switches_are_shown_and_changed_in_the_phones_language() {
    let server = server_with(|_| {}).await;
    let home = tempfile::tempdir().unwrap();
    login_and_register(&server, home.path(), "android").await;

    let (ok, out) = device(home.path(), &["app-data", "switches"]).await;
    assert!(ok, "{out}");
    assert_eq!(out, "Use app data backup: on\nAlso while abroad: off\n");

    let (ok, out) = device(home.path(), &["app-data", "switches", "--abroad", "on"]).await;
    assert!(ok, "{out}");
    assert_eq!(out, "Use app data backup: on\nAlso while abroad: on\n");
    let (ok, out) = device_in(
        "ja_JP.UTF-8",
        home.path(),
        &["app-data", "switches", "--use", "off"],
    )
    .await;
    assert!(ok, "{out}");
    assert_eq!(
        out,
        "アプリデータバックアップを利用する: オフ\n海外でも利用する: オン\n"
    );

    let (ok, out) = device(home.path(), &["app-data", "switches", "--use", "maybe"]).await;
    assert!(!ok && out.contains("on or off"), "{out}");
}

/// Adds apps to the server's catalog, as the operator's `hako apps add` does.
async fn catalog(server: &Server, apps: &[(&'static str, &'static str, &'static str)]) {
    for &(app_id, name_ja, name_en) in apps {
        let app = hako_api_shim::app_data::NewApp {
            app_id,
            name_ja,
            name_en,
            max_bytes: None,
        };
        hako_api_shim::app_data::add_app(&server.state.db, server.state.clock.now(), app)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn p1_p4_a_folder_of_app_data_backed_up_at_once_comes_back_byte_for_byte_on_a_second_phone() {
    let server = server_with(|_| {}).await;
    catalog(
        &server,
        &[
            ("jp.example.mail", "メール", "Mail"),
            ("jp.example.memo", "メモ", "Memo"),
            ("jp.example.news", "ニュース", "News"),
        ],
    )
    .await;
    let first = tempfile::tempdir().unwrap();
    login_and_register(&server, first.path(), "android").await;
    let apps = tempfile::tempdir().unwrap();
    let mail: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(apps.path().join("jp.example.mail"), &mail).unwrap();
    std::fs::write(apps.path().join("jp.example.memo"), "メモの設定 v1").unwrap();
    std::fs::write(apps.path().join("jp.example.news"), b"{\"agreed\":true}").unwrap();
    std::fs::write(apps.path().join("read me.txt"), b"not an app").unwrap();

    let dir = apps.path().to_str().unwrap();
    let (ok, out) = device(first.path(), &["app-data", "backup-all", dir]).await;
    assert!(ok, "{out}");
    for line in [
        "jp.example.mail: Saved",
        "jp.example.memo: Saved",
        "jp.example.news: Saved",
        "read me.txt: not named by an app id",
        "Apps saved: 3",
        "Apps not saved: 0",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }

    // A second phone of the account: the list in its language, then every app restored.
    let second = tempfile::tempdir().unwrap();
    let (ok, out) = device(
        second.path(),
        &[
            "login",
            "--server",
            &server.base,
            "--email",
            "phone@example.jp",
        ],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = device_in("ja_JP.UTF-8", second.path(), &["app-data", "list"]).await;
    assert!(ok, "{out}");
    assert!(out.contains("jp.example.mail\tメール\t"), "{out}");
    assert!(out.contains("300000 バイト\t1 版を保存中"), "{out}");
    let back = tempfile::tempdir().unwrap();
    for app_id in ["jp.example.mail", "jp.example.memo", "jp.example.news"] {
        let target = back.path().join(app_id);
        let (ok, out) = device(
            second.path(),
            &["app-data", "restore", app_id, target.to_str().unwrap()],
        )
        .await;
        assert!(ok, "{out}");
        assert_eq!(
            std::fs::read(&target).unwrap(),
            std::fs::read(apps.path().join(app_id)).unwrap(),
            "{app_id} byte for byte"
        );
    }

    // The second phone changes Memo; the first, still holding v1, is refused (never a lost
    // update) and told why, until it restores the newest.
    let memo = back.path().join("jp.example.memo");
    std::fs::write(&memo, "メモの設定 v2").unwrap();
    let memo = memo.to_str().unwrap();
    let (ok, out) = device(
        second.path(),
        &["app-data", "save", "jp.example.memo", memo],
    )
    .await;
    assert!(ok, "{out}");
    let stale = apps.path().join("jp.example.memo");
    let stale = stale.to_str().unwrap();
    let (ok, out) = device_in(
        "ja_JP.UTF-8",
        first.path(),
        &["app-data", "save", "jp.example.memo", stale],
    )
    .await;
    assert!(!ok, "{out}");
    assert!(
        out.contains("別の電話がこのアプリのデータを先に更新しました")
            && out.contains("サーバーの最新")
            && out.contains("[app_data_precondition_failed]"),
        "{out}"
    );
    let (ok, out) = device(first.path(), &["app-data", "backup-all", dir]).await;
    assert!(!ok, "a bulk backup with a stale app fails: {out}");
    assert!(
        out.contains("jp.example.memo: Another phone changed") && out.contains("Apps saved: 2"),
        "{out}"
    );
    let (ok, out) = device(
        first.path(),
        &["app-data", "restore", "jp.example.memo", stale],
    )
    .await;
    assert!(ok, "{out}");
    assert_eq!(std::fs::read_to_string(stale).unwrap(), "メモの設定 v2");
    let (ok, out) = device(
        first.path(),
        &["app-data", "save", "jp.example.memo", stale],
    )
    .await;
    assert!(ok, "{out}");
}

#[tokio::test]
async fn p2_p5_p6_switches_removed_apps_and_deletes_answer_with_their_reasons_and_exit_status() {
    let server = server_with(|_| {}).await;
    catalog(
        &server,
        &[
            ("jp.example.mail", "メール", "Mail"),
            ("jp.example.gone", "旧", "Old"),
        ],
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    login_and_register(&server, home.path(), "android").await;
    let files = tempfile::tempdir().unwrap();
    let file = |name: &str, body: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let mail = file("mail.bin", "mail settings");
    let gone = file("gone.bin", "old settings");
    for (app_id, path) in [("jp.example.mail", &mail), ("jp.example.gone", &gone)] {
        let (ok, out) = device(home.path(), &["app-data", "save", app_id, path]).await;
        assert!(ok, "{out}");
    }

    // Abroad with "also while abroad" off: refused, in the phone's language.
    let (ok, out) = device_in(
        "ja_JP.UTF-8",
        home.path(),
        &["app-data", "save", "jp.example.mail", &mail, "--abroad"],
    )
    .await;
    assert!(
        !ok && out.contains("海外") && out.contains("[app_data_abroad_off]"),
        "{out}"
    );
    let (ok, out) = device(home.path(), &["app-data", "switches", "--abroad", "on"]).await;
    assert!(ok, "{out}");
    let (ok, out) = device(
        home.path(),
        &["app-data", "save", "jp.example.mail", &mail, "--abroad"],
    )
    .await;
    assert!(ok, "{out}");
    // "Use app data backup" off: restores are refused too; the list still answers.
    let (ok, out) = device(home.path(), &["app-data", "switches", "--use", "off"]).await;
    assert!(ok, "{out}");
    let (ok, out) = device(
        home.path(),
        &["app-data", "restore", "jp.example.mail", &mail],
    )
    .await;
    assert!(!ok && out.contains("[app_data_switched_off]"), "{out}");
    let (ok, out) = device(home.path(), &["app-data", "list"]).await;
    assert!(ok && out.contains("jp.example.mail"), "{out}");
    device(home.path(), &["app-data", "switches", "--use", "on"]).await;

    // Taken off the catalog: saves refused, the data listed as no longer supported.
    hako_api_shim::app_data::remove_app(
        &server.state.db,
        server.state.clock.now(),
        "jp.example.gone",
    )
    .await
    .unwrap();
    let (ok, out) = device(home.path(), &["app-data", "save", "jp.example.gone", &gone]).await;
    assert!(!ok && out.contains("[app_no_longer_supported]"), "{out}");
    let (ok, out) = device(home.path(), &["app-data", "list"]).await;
    assert!(ok && out.contains("[no longer supported]"), "{out}");
    let (ok, out) = device(home.path(), &["app-data", "save", "mail", &mail]).await;
    assert!(!ok && out.contains("[invalid_app_id]"), "{out}");

    // Deletes: one app; all of them only when confirmed.
    let (ok, out) = device(home.path(), &["app-data", "delete", "jp.example.gone"]).await;
    assert!(ok && out.contains("Deleted: jp.example.gone"), "{out}");
    let (ok, out) = device(home.path(), &["app-data", "delete-all"]).await;
    assert!(!ok, "no answer is no: {out}");
    assert!(
        out.contains("all 1 apps") && out.contains("Nothing was deleted"),
        "{out}"
    );
    let (ok, out) = device(home.path(), &["app-data", "delete-all", "--yes"]).await;
    assert!(ok && out.contains("Apps deleted: 1"), "{out}");
    let (ok, out) = device(home.path(), &["app-data", "list"]).await;
    assert!(ok && out.contains("No app data is backed up."), "{out}");
}

/// Runs `hako-device` in Japanese with a line's sign-in code in `HAKO_LINE_CODE`.
async fn device_with_code(home: &Path, args: &[&str], code: &str) -> (bool, String) {
    let (home, code) = (home.to_owned(), code.to_owned());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let output = Command::new(DEVICE)
            .args(&args)
            .env("HAKO_DEVICE_HOME", &home)
            .env("HAKO_LINE_CODE", &code)
            .env("LANG", "ja_JP.UTF-8")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    })
    .await
    .unwrap()
}

/// Sends a password notice to the line with this number and answers the code it mailed.
async fn notice_code(server: &Server, number: &str) -> String {
    use hako_api_shim::corp;
    let admin_id: i64 = sqlx::query_scalar("SELECT user_id FROM corp_admins")
        .fetch_one(&server.state.db)
        .await
        .unwrap();
    let admin = corp::admin_of(&server.state.db, admin_id).await.unwrap();
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let line: i64 = sqlx::query_scalar("SELECT id FROM corp_lines WHERE number = $1")
        .bind(&digits)
        .fetch_one(&server.state.db)
        .await
        .unwrap();
    let request = corp::Request::mail(
        hako_protocol::Menu::PasswordNotice,
        hako_protocol::LineSelection {
            line_ids: vec![line],
        },
        None,
    );
    let outbox = server.state.config.data_dir.join("outbox");
    let mails = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&outbox)
            .map(|dir| dir.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };
    let before = mails();
    corp::request(&server.state, &admin, request).await.unwrap();
    // The server's own worker sends it: wait for the new mail.
    for _ in 0..500 {
        for path in mails().into_iter().filter(|p| !before.contains(p)) {
            let mail = std::fs::read_to_string(&path).unwrap_or_default();
            if let Some((_, rest)) = mail.split_once("サインインコード：") {
                return rest.chars().take_while(char::is_ascii_digit).collect();
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no password notice was mailed");
}

#[tokio::test]
async fn c8_c10_a_line_phone_signs_in_by_code_is_refused_in_the_seeds_words_and_moves_its_phonebook()
 {
    let server = server_with(|_| {}).await;
    let company = hako_api_shim::corp::create_company(
        &server.state,
        "株式会社サンプル",
        "phone@example.jp",
        "管理 太郎",
    )
    .await
    .unwrap();
    let csv = "number,name,reading,group,department,device_kind,contract_date,email,status\n\
               090-7777-0001,新 社員,シン シャイン,営業,,smartphone,2018-04-01,new@example.jp,in_service\n\
               090-7777-0002,古 社員,フル シャイン,営業,,smartphone,2016-04-01,old@example.jp,in_service\n";
    hako_api_shim::corp::import_lines(
        &server.state.db,
        company,
        csv.as_bytes(),
        server.state.clock.now(),
    )
    .await
    .unwrap();

    // The old phone signs in as the line; backup is off for it (contracted 2018).
    let old_phone = tempfile::tempdir().unwrap();
    let code = notice_code(&server, "090-7777-0001").await;
    let login = ["login", "--server", &server.base, "--line", "090-7777-0001"];
    let (ok, out) = device_with_code(old_phone.path(), &login, &code).await;
    assert!(ok, "{out}");
    let (ok, out) = device_with_code(old_phone.path(), &login, &code).await;
    assert!(
        !ok && out.contains("サインインコードが正しくありません"),
        "used once: {out}"
    );
    device(old_phone.path(), &["register", "--room", "1"]).await;
    let photos = tempfile::tempdir().unwrap();
    folder_of_a_phone(photos.path());
    let (ok, out) = device_with_code(
        old_phone.path(),
        &["backup", photos.path().to_str().unwrap()],
        "",
    )
    .await;
    assert!(!ok, "{out}");
    assert!(
        out.contains("管理者によりご利用を制限されています。"),
        "{out}"
    );

    // Migration is on: the phonebook goes over to the line's new phone.
    let vcf = photos.path().join("contacts.vcf");
    let (ok, out) = device_with_code(
        old_phone.path(),
        &["contacts", "migrate-out", vcf.to_str().unwrap()],
        "",
    )
    .await;
    assert!(ok && out.contains("電話帳を送りました: 2"), "{out}");
    let new_phone = tempfile::tempdir().unwrap();
    let code = notice_code(&server, "090-7777-0001").await;
    let (ok, out) = device_with_code(new_phone.path(), &login, &code).await;
    assert!(ok, "{out}");
    let received = new_phone.path().join("phonebook.vcf");
    let (ok, out) = device_with_code(
        new_phone.path(),
        &["contacts", "migrate-in", received.to_str().unwrap()],
        "",
    )
    .await;
    assert!(ok, "{out}");
    assert_eq!(
        std::fs::read(&received).unwrap(),
        std::fs::read(&vcf).unwrap()
    );

    // Backup on, migration off: the migration is refused with the seed's words.
    sqlx::query("UPDATE corp_lines SET backup = 1, migration = 0 WHERE number = '09077770001'")
        .execute(&server.state.db)
        .await
        .unwrap();
    let (ok, out) = device_with_code(
        new_phone.path(),
        &["contacts", "migrate-in", received.to_str().unwrap()],
        "",
    )
    .await;
    assert!(!ok, "{out}");
    assert!(
        out.contains("電話帳ダウンロードを中止しました。管理者によりご利用を制限されています。"),
        "{out}"
    );

    // Contracted 2016: both off, 2105 for everything.
    let other = tempfile::tempdir().unwrap();
    let code = notice_code(&server, "090-7777-0002").await;
    let login = ["login", "--server", &server.base, "--line", "09077770002"];
    let (ok, out) = device_with_code(other.path(), &login, &code).await;
    assert!(ok, "{out}");
    let (ok, out) = device_with_code(
        other.path(),
        &["contacts", "migrate-out", vcf.to_str().unwrap()],
        "",
    )
    .await;
    assert!(
        !ok && out.contains("お使いの回線契約をご確認ください。2105"),
        "{out}"
    );
}

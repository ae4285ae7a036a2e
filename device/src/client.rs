//! The server's API as a phone uses it, and the tus client for uploads.

use std::fmt;

use base64::{Engine, engine::general_purpose::STANDARD};
use hako_protocol::{
    ABROAD_HEADER, AppDataBulk, AppDataDeleted, AppDataEntry, AppDataSaved, AppDataSwitches,
    BackupKind, BackupVersion, DeviceLogin, DeviceOs, DeviceReport, DeviceSession, ErrorBody,
    ExclusionChange, Exclusions, ItemPage, LineLogin, MissingRequest, MissingResponse,
    PhoneSettings, PhonebookSent, RegisterMode, RegisterRoom, Rooms, StoredItem, paths,
};
use reqwest::{Method, RequestBuilder, Response, StatusCode};

use crate::{
    home::{Home, Session},
    text::Text,
};

/// A failed call: the server's refusal (in the user's language), or no answer at all.
#[derive(Debug)]
pub enum CallError {
    Api(ErrorBody, Text),
    Network(reqwest::Error, Text),
}

impl CallError {
    /// A refusal about one file (type, size, name) lets a backup go on with the others.
    pub fn is_about_the_file(&self) -> bool {
        matches!(self, Self::Api(body, _) if matches!(body.code.http_status(), 400 | 403 | 409 | 413 | 415 | 460))
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(body, text) => {
                let code = serde_json::to_value(body.code).unwrap_or_default();
                write!(f, "{}", body.code.message(text.lang))?;
                // What an app data refusal names: the newest version, the cap.
                if let Some(at) = &body.current_saved_at {
                    write!(f, " ({}: {at})", text.server_newest)?;
                }
                if let Some(max) = body.max_bytes {
                    write!(f, " ({}: {max} {})", text.cap, text.bytes)?;
                }
                write!(f, " [{}]", code.as_str().unwrap_or_default())
            }
            Self::Network(error, text) => write!(f, "{}: {error}", text.server_unreachable),
        }
    }
}

impl std::error::Error for CallError {}

/// How a phone describes itself when it signs in.
#[derive(Clone, Copy)]
pub struct Phone<'a> {
    pub name: &'a str,
    pub os: DeviceOs,
    pub model: &'a str,
}

pub struct Client {
    http: reqwest::Client,
    server: String,
    token: String,
    pub os: DeviceOs,
    pub name: String,
    pub model: String,
    text: Text,
    /// Says `Hako-Abroad: 1` on every request (SPEC P2).
    abroad: bool,
}

/// A precondition for an app data save: the version this phone last read or saved, or none
/// (a first save).
fn precondition(request: RequestBuilder, etag: Option<&str>) -> RequestBuilder {
    match etag {
        Some(etag) => request.header("if-match", etag),
        None => request.header("if-none-match", "*"),
    }
}

async fn checked(result: reqwest::Result<Response>, text: Text) -> Result<Response, CallError> {
    let response = result.map_err(|e| CallError::Network(e, text))?;
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let body = response
        .json::<ErrorBody>()
        .await
        .map_err(|e| CallError::Network(e, text));
    match body {
        Ok(body) => Err(CallError::Api(body, text)),
        Err(_) if status == StatusCode::NOT_FOUND => Err(CallError::Api(
            ErrorBody::new(hako_protocol::ErrorCode::UploadNotFound),
            text,
        )),
        Err(e) => Err(e),
    }
}

impl Client {
    /// Signs in to an account with its password.
    pub async fn login(
        server: &str,
        email: &str,
        password: &str,
        phone: Phone<'_>,
        text: Text,
    ) -> Result<Session, CallError> {
        let body = DeviceLogin {
            email: email.to_owned(),
            password: password.to_owned(),
            name: phone.name.to_owned(),
            os: phone.os,
            model: phone.model.to_owned(),
        };
        Self::sign_in(server, &paths::device_login(), &body, email, phone, text).await
    }

    /// Signs a company's line in with the code of its password notice (SPEC C8).
    pub async fn login_line(
        server: &str,
        number: &str,
        code: &str,
        phone: Phone<'_>,
        text: Text,
    ) -> Result<Session, CallError> {
        let body = LineLogin {
            number: number.to_owned(),
            code: code.trim().to_owned(),
            name: phone.name.to_owned(),
            os: phone.os,
            model: phone.model.to_owned(),
        };
        Self::sign_in(server, &paths::line_login(), &body, number, phone, text).await
    }

    async fn sign_in(
        server: &str,
        path: &str,
        body: &impl serde::Serialize,
        who: &str,
        phone: Phone<'_>,
        text: Text,
    ) -> Result<Session, CallError> {
        let server = server.trim_end_matches('/').to_owned();
        let request = reqwest::Client::new()
            .post(format!("{server}{path}"))
            .json(body);
        let session: DeviceSession = checked(request.send().await, text)
            .await?
            .json()
            .await
            .map_err(|e| CallError::Network(e, text))?;
        Ok(Session {
            server,
            email: who.to_owned(),
            device_token: session.device_token,
            os: phone.os,
            name: phone.name.to_owned(),
            model: phone.model.to_owned(),
        })
    }

    pub fn from_home(home: &Home, text: Text) -> anyhow::Result<Self> {
        let session = home
            .session()?
            .ok_or_else(|| anyhow::anyhow!(text.not_signed_in))?;
        Ok(Self {
            http: reqwest::Client::new(),
            server: session.server,
            token: session.device_token,
            os: session.os,
            name: session.name,
            model: session.model,
            text,
            abroad: false,
        })
    }

    /// From now on, tells the server this phone is abroad.
    pub fn abroad(mut self, abroad: bool) -> Self {
        self.abroad = abroad;
        self
    }

    fn request(&self, method: Method, path_or_url: &str) -> RequestBuilder {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.server)
        };
        let request = self.http.request(method, url).bearer_auth(&self.token);
        if self.abroad {
            request.header(ABROAD_HEADER, "1")
        } else {
            request
        }
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<T, CallError> {
        checked(request.send().await, self.text)
            .await?
            .json()
            .await
            .map_err(|e| CallError::Network(e, self.text))
    }

    pub async fn rooms(&self) -> Result<Rooms, CallError> {
        self.json(self.request(Method::GET, &paths::device_rooms()))
            .await
    }

    pub async fn register(&self, room: u8, mode: RegisterMode) -> Result<Rooms, CallError> {
        let body = RegisterRoom { room, mode };
        self.json(
            self.request(Method::POST, &paths::device_register())
                .json(&body),
        )
        .await
    }

    pub async fn missing(&self, sha256: Vec<String>) -> Result<Vec<String>, CallError> {
        let request = self
            .request(Method::POST, &paths::device_missing())
            .json(&MissingRequest { sha256 });
        let response: MissingResponse = self.json(request).await?;
        Ok(response.missing)
    }

    /// Stores this run's contacts, calendar or call history as a new version.
    pub async fn store_backup(
        &self,
        kind: BackupKind,
        bytes: Vec<u8>,
    ) -> Result<BackupVersion, CallError> {
        self.json(
            self.request(Method::PUT, &paths::device_backup(kind))
                .body(bytes),
        )
        .await
    }

    /// Every file of a ROOM, page by page.
    pub async fn all_items(&self, room: u8) -> Result<Vec<StoredItem>, CallError> {
        let mut items = Vec::new();
        let mut cursor = None;
        loop {
            let mut request = self.request(Method::GET, &paths::room_items(room));
            if let Some(cursor) = cursor {
                request = request.query(&[("cursor", cursor)]);
            }
            let page: ItemPage = self.json(request).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// Downloads an original to `path` via `path.part`, continuing a part left by an earlier
    /// run with Range, and checks the SHA-256 before the file takes its name.
    pub async fn download(
        &self,
        id: i64,
        path: &std::path::Path,
        sha256: &str,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<()> {
        use tokio::io::AsyncWriteExt;
        let part = path.with_extension(format!(
            "{}part",
            path.extension()
                .map(|e| format!("{}.", e.to_string_lossy()))
                .unwrap_or_default()
        ));
        let have = tokio::fs::metadata(&part)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        let mut request = self.request(Method::GET, &paths::item_original(id));
        if have > 0 {
            request = request.header("range", format!("bytes={have}-"));
        }
        let mut response = checked(request.send().await, self.text).await?;
        let resumed = response.status() == StatusCode::PARTIAL_CONTENT;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(&part)
            .await?;
        if resumed {
            progress.inc(have);
        }
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| CallError::Network(e, self.text))?
        {
            file.write_all(&chunk).await?;
            progress.inc(chunk.len() as u64);
        }
        file.sync_all().await?;
        let part_for_hash = part.clone();
        let actual = tokio::task::spawn_blocking(move || {
            crate::backup::hash_file(&part_for_hash, &indicatif::ProgressBar::hidden())
        })
        .await??;
        if actual != sha256 {
            tokio::fs::remove_file(&part).await?;
            anyhow::bail!(
                "{}: SHA-256 does not match; downloaded again on the next run",
                path.display()
            );
        }
        tokio::fs::rename(&part, path).await?;
        Ok(())
    }

    /// The newest contacts, calendar or call history of a ROOM; `None` if there is none.
    pub async fn latest_backup(
        &self,
        room: u8,
        kind: BackupKind,
    ) -> Result<Option<Vec<u8>>, CallError> {
        let request = self.request(Method::GET, &paths::latest_backup(room, kind));
        match checked(request.send().await, self.text).await {
            Ok(response) => Ok(Some(
                response
                    .bytes()
                    .await
                    .map_err(|e| CallError::Network(e, self.text))?
                    .to_vec(),
            )),
            Err(CallError::Api(body, _)) if body.code == hako_protocol::ErrorCode::NotFound => {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    pub async fn exclusions(&self) -> Result<Exclusions, CallError> {
        self.json(self.request(Method::GET, &paths::device_exclusions()))
            .await
    }

    pub async fn change_exclusions(
        &self,
        change: &ExclusionChange,
    ) -> Result<Exclusions, CallError> {
        self.json(
            self.request(Method::PUT, &paths::device_exclusions())
                .json(change),
        )
        .await
    }

    pub async fn settings(&self) -> Result<PhoneSettings, CallError> {
        self.json(self.request(Method::GET, &paths::device_settings()))
            .await
    }

    pub async fn app_data_switches(&self) -> Result<AppDataSwitches, CallError> {
        self.json(self.request(Method::GET, &paths::device_app_data_switches()))
            .await
    }

    pub async fn set_app_data_switches(
        &self,
        switches: AppDataSwitches,
    ) -> Result<AppDataSwitches, CallError> {
        self.json(
            self.request(Method::PUT, &paths::device_app_data_switches())
                .json(&switches),
        )
        .await
    }

    pub async fn app_data(&self) -> Result<Vec<AppDataEntry>, CallError> {
        self.json(self.request(Method::GET, &paths::app_data()))
            .await
    }

    /// Saves a new version of an app's data over `etag` (the one this phone holds).
    pub async fn save_app_data(
        &self,
        app_id: &str,
        bytes: Vec<u8>,
        etag: Option<&str>,
    ) -> Result<AppDataSaved, CallError> {
        let request = self.request(Method::PUT, &paths::app_data_app(app_id));
        self.json(precondition(request, etag).body(bytes)).await
    }

    /// Several apps in one request: (app id, bytes, the ETag this phone holds).
    pub async fn save_app_data_bulk(
        &self,
        apps: Vec<(String, Vec<u8>, Option<String>)>,
    ) -> Result<AppDataBulk, CallError> {
        let mut form = reqwest::multipart::Form::new();
        for (app_id, bytes, etag) in apps {
            let mut headers = reqwest::header::HeaderMap::new();
            let (name, value) = match &etag {
                Some(etag) => ("if-match", etag.as_str()),
                None => ("if-none-match", "*"),
            };
            if let Ok(value) = value.parse() {
                headers.insert(name, value);
            }
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(app_id.clone())
                .headers(headers);
            form = form.part(app_id, part);
        }
        self.json(
            self.request(Method::POST, &paths::app_data())
                .multipart(form),
        )
        .await
    }

    /// An app's newest data and its ETag.
    pub async fn app_data_bytes(&self, app_id: &str) -> Result<(Vec<u8>, String), CallError> {
        let response = checked(
            self.request(Method::GET, &paths::app_data_app(app_id))
                .send()
                .await,
            self.text,
        )
        .await?;
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CallError::Network(e, self.text))?;
        Ok((bytes.to_vec(), etag))
    }

    pub async fn delete_app_data(&self, app_id: &str) -> Result<(), CallError> {
        checked(
            self.request(Method::DELETE, &paths::app_data_app(app_id))
                .send()
                .await,
            self.text,
        )
        .await
        .map(drop)
    }

    pub async fn delete_all_app_data(&self) -> Result<AppDataDeleted, CallError> {
        self.json(self.request(Method::DELETE, &paths::app_data()))
            .await
    }

    /// Migrate-out: hands the phonebook over for the account's new phone.
    pub async fn send_phonebook(&self, vcard: Vec<u8>) -> Result<PhonebookSent, CallError> {
        self.json(
            self.request(Method::PUT, &paths::device_contacts_migration())
                .header("content-type", "text/vcard")
                .body(vcard),
        )
        .await
    }

    /// Migrate-in: the phonebook the old phone handed over.
    pub async fn receive_phonebook(&self) -> Result<Vec<u8>, CallError> {
        let response = checked(
            self.request(Method::GET, &paths::device_contacts_migration())
                .send()
                .await,
            self.text,
        )
        .await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CallError::Network(e, self.text))?;
        Ok(bytes.to_vec())
    }

    pub async fn save_settings(
        &self,
        settings: &PhoneSettings,
    ) -> Result<PhoneSettings, CallError> {
        self.json(
            self.request(Method::PUT, &paths::device_settings())
                .json(settings),
        )
        .await
    }

    pub async fn report(&self, report: &DeviceReport) -> Result<(), CallError> {
        checked(
            self.request(Method::POST, &paths::device_report())
                .json(report)
                .send()
                .await,
            self.text,
        )
        .await
        .map(drop)
    }

    fn tus(&self, method: Method, url: &str) -> RequestBuilder {
        self.request(method, url).header("tus-resumable", "1.0.0")
    }

    /// Starts an upload; returns its absolute URL.
    pub async fn create_upload(
        &self,
        name: &str,
        length: u64,
        sha256: &str,
        created_at: i64,
    ) -> Result<String, CallError> {
        let metadata = format!(
            "filename {},sha256 {},created_at {}",
            STANDARD.encode(name),
            STANDARD.encode(sha256),
            STANDARD.encode(created_at.to_string())
        );
        let response = checked(
            self.tus(Method::POST, &paths::uploads())
                .header("upload-length", length.to_string())
                .header("upload-metadata", metadata)
                .send()
                .await,
            self.text,
        )
        .await?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(if location.starts_with("http") {
            location.to_owned()
        } else {
            format!("{}{location}", self.server)
        })
    }

    /// Where an upload stands; `None` if the server no longer has it.
    pub async fn upload_offset(&self, url: &str) -> Result<Option<u64>, CallError> {
        let response = self
            .tus(Method::HEAD, url)
            .send()
            .await
            .map_err(|e| CallError::Network(e, self.text))?;
        if !response.status().is_success() {
            return Ok(None);
        }
        Ok(response
            .headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok()))
    }

    /// Sends one chunk with its CRC-32, so a chunk damaged on the way is refused and sent
    /// again (the whole file's SHA-256, given at creation, is what the server checks at the end).
    pub async fn send_chunk(
        &self,
        url: &str,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Result<(), CallError> {
        let checksum = STANDARD.encode(crc32fast::hash(&chunk).to_be_bytes());
        checked(
            self.tus(Method::PATCH, url)
                .header("upload-offset", offset.to_string())
                .header("content-type", "application/offset+octet-stream")
                .header("upload-checksum", format!("crc32 {checksum}"))
                .body(chunk)
                .send()
                .await,
            self.text,
        )
        .await
        .map(drop)
    }
}

pub fn print_rooms(rooms: &Rooms, text: Text) {
    for slot in &rooms.rooms {
        let mine = if rooms.this_phone_room == Some(slot.room) {
            text.this_phone
        } else {
            ""
        };
        match &slot.phone {
            Some(phone) => println!(
                "ROOM {}: {} ({:?}, {}) — {} {} {mine}",
                slot.room, phone.name, phone.os, phone.model, slot.item_count, text.files
            ),
            None if slot.item_count > 0 => {
                println!(
                    "ROOM {}: {} — {} {}",
                    slot.room, text.free_room, slot.item_count, text.files
                )
            }
            None => println!("ROOM {}: {}", slot.room, text.free_room),
        }
    }
}

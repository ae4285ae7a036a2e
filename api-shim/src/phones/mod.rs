//! Phones and their ROOMs (SPEC D1, D2, D5–D7, V18): the rules. Sign-in for phones, ROOM
//! choice, the check of which files a ROOM lacks, what a phone keeps on the server, and the
//! phones page. The SQL is `store.rs`, the handlers and the device-token extractor `http.rs`.

mod caller;
mod http;
mod store;

use std::collections::HashSet;

use hako_protocol::{
    BackupKind, DataType, DeviceOs, DeviceReport, DeviceSession, ErrorCode, ItemKind, KindTotal,
    PHONE_NAME_MAX_CHARS, PhoneSettings, ROOMS, RegisterMode, RoomPhone, RoomSlot, RoomSummary,
    Rooms, VariantArray, valid_sha256_hex,
};

pub(crate) use caller::{Caller, room_number};
pub use http::{MISSING_BODY_LIMIT, router};
pub use store::wipe_room;

use crate::{
    AppState,
    accounts::{new_token, token_hash},
    clock::rfc3339,
    http::error::ApiError,
};

/// At most this many hashes per missing-check: 100,000 hashes are about 7 MB of JSON.
const MISSING_BATCH_MAX: usize = 100_000;

/// Why a phone's request was refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum PhonesError {
    #[error("no such device token, or revoked")]
    TokenInvalid,
    #[error("the phone has no ROOM yet")]
    NoRoom,
    #[error("no such ROOM")]
    RoomOutOfRange,
    #[error("the ROOM is another phone's")]
    RoomOccupied,
    #[error("every ROOM is another phone's")]
    TooManyPhones,
    #[error("not a hex SHA-256")]
    InvalidSha256,
    #[error("more hashes than one check takes")]
    TooManyHashes,
    #[error("not a phone name")]
    InvalidPhoneName,
    #[error("no phone in that ROOM")]
    NoPhone,
    #[error("this type is not backed up from an iPhone")]
    TypeNotAllowedOnIphone,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<PhonesError> for ApiError {
    fn from(error: PhonesError) -> Self {
        let code = match error {
            PhonesError::TokenInvalid => ErrorCode::DeviceTokenInvalid,
            PhonesError::NoRoom => ErrorCode::DeviceNotRegistered,
            PhonesError::RoomOutOfRange => ErrorCode::RoomOutOfRange,
            PhonesError::RoomOccupied => ErrorCode::RoomOccupied,
            PhonesError::TooManyPhones => ErrorCode::TooManyPhones,
            PhonesError::InvalidSha256 => ErrorCode::InvalidSha256,
            PhonesError::TooManyHashes => ErrorCode::InvalidUploadRequest,
            PhonesError::InvalidPhoneName => ErrorCode::InvalidPhoneName,
            PhonesError::NoPhone => ErrorCode::NotFound,
            PhonesError::TypeNotAllowedOnIphone => ErrorCode::TypeNotAllowedOnIphone,
            PhonesError::Store(error) => return error.into(),
            PhonesError::Other(error) => return error.into(),
        };
        code.into()
    }
}

type Result<T, E = PhonesError> = std::result::Result<T, E>;

/// The phone making the request, for endpoints only phones use.
#[derive(Clone, Debug)]
pub struct CurrentDevice {
    pub id: i64,
    pub user_id: i64,
    pub os: DeviceOs,
    /// The ROOM this phone holds, if it registered in one.
    pub room: Option<u8>,
    token_hash: Vec<u8>,
}

impl CurrentDevice {
    /// The phone's ROOM, or the error that tells it to register first.
    pub fn registered_room(&self) -> Result<i64> {
        self.room.map(i64::from).ok_or(PhonesError::NoRoom)
    }
}

/// The OS a phone signed in with, as stored. Only `DeviceLogin.os` writes it, so another
/// value is a fault (a row changed by hand, or by a newer server): it is logged and read as
/// iOS, the OS that may back up less (SPEC D8), so that it never widens what a phone may do.
fn stored_os(device_id: i64, os: &str) -> DeviceOs {
    DeviceOs::parse(os).unwrap_or_else(|| {
        tracing::warn!(device_id, os, "unknown OS stored for a phone; read as iOS");
        DeviceOs::Ios
    })
}

/// The phone whose device token this is.
pub async fn device_by_token(state: &AppState, token: &str) -> Result<CurrentDevice> {
    let hash = token_hash(token);
    let device = store::device_by_token(&state.db, &hash)
        .await?
        .ok_or(PhonesError::TokenInvalid)?;
    Ok(CurrentDevice {
        id: device.id,
        user_id: device.user_id,
        os: stored_os(device.id, &device.os),
        room: device.room.and_then(|r| u8::try_from(r).ok()),
        token_hash: hash,
    })
}

/// A new phone of the account, signed in (the account's password was checked): every
/// sign-in is a new phone to the server (SPEC D1: "a phone the account has not seen").
pub async fn sign_in(
    state: &AppState,
    user_id: i64,
    name: &str,
    os: DeviceOs,
    model: &str,
) -> Result<DeviceSession> {
    let (device_token, hash) = new_token();
    let device_id = store::insert_device(
        &state.db,
        store::NewDevice {
            user_id,
            token_hash: &hash,
            name: name.trim(),
            os: os.as_str(),
            model: model.trim(),
            now: state.clock.now(),
        },
    )
    .await?;
    Ok(DeviceSession {
        device_token,
        device_id,
    })
}

/// Ends this phone's token. Its ROOM and data stay.
pub async fn sign_out(state: &AppState, device: &CurrentDevice) -> Result<()> {
    Ok(store::revoke(&state.db, &device.token_hash, state.clock.now()).await?)
}

/// The account's three ROOMs, and which one `device_id` holds.
pub async fn rooms_of(state: &AppState, user_id: i64, device_id: Option<i64>) -> Result<Rooms> {
    let phones = store::room_phones(&state.db, user_id).await?;
    let totals = store::room_totals(&state.db, user_id).await?;
    let mut this_phone_room = None;
    let rooms = ROOMS
        .map(|room| {
            let phone = phones.iter().find(|p| p.room == i64::from(room)).map(|p| {
                if Some(p.device_id) == device_id {
                    this_phone_room = Some(room);
                }
                RoomPhone {
                    device_id: p.device_id,
                    name: p.name.clone(),
                    os: stored_os(p.device_id, &p.os),
                    model: p.model.clone(),
                }
            });
            let (count, bytes) = totals
                .iter()
                .find(|t| t.room == i64::from(room))
                .map_or((0, 0), |t| (t.items, t.bytes));
            RoomSlot {
                room,
                phone,
                item_count: u64::try_from(count).unwrap_or(0),
                total_bytes: u64::try_from(bytes).unwrap_or(0),
            }
        })
        .collect();
    Ok(Rooms {
        rooms,
        this_phone_room,
    })
}

/// Registers the phone in a ROOM: a free one, or one of another phone by taking it over
/// (data kept) or wiping it (data deleted first). With every ROOM held by other phones and
/// neither chosen, the answer says to use another account (SPEC D2).
pub async fn register(
    state: &AppState,
    device: &CurrentDevice,
    room: u8,
    mode: RegisterMode,
) -> Result<Rooms> {
    if !ROOMS.contains(&room) {
        return Err(PhonesError::RoomOutOfRange);
    }
    if device.room != Some(room) {
        let registration = store::register(
            &state.db,
            device.user_id,
            device.id,
            i64::from(room),
            mode,
            state.clock.now(),
        )
        .await?;
        match registration {
            store::Registration::Done { wiped } => {
                state.blobs.remove_unreferenced(&state.db, &wiped).await?;
            }
            store::Registration::Occupied { rooms_held } => {
                let every_room = rooms_held >= ROOMS.clone().count() as i64;
                return Err(if every_room && device.room.is_none() {
                    PhonesError::TooManyPhones
                } else {
                    PhonesError::RoomOccupied
                });
            }
        }
    }
    rooms_of(state, device.user_id, Some(device.id)).await
}

/// Reset ROOM: deletes the ROOM's data and its phone's registration (the ROOM becomes free;
/// the phone stays signed in and may register again).
pub async fn reset(state: &AppState, user_id: i64, room: i64) -> Result<()> {
    let wiped = store::reset_room(&state.db, user_id, room).await?;
    state.blobs.remove_unreferenced(&state.db, &wiped).await?;
    Ok(())
}

/// Renames the phone registered in a ROOM.
pub async fn rename(state: &AppState, user_id: i64, room: i64, name: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > PHONE_NAME_MAX_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(PhonesError::InvalidPhoneName);
    }
    if store::rename_room_phone(&state.db, user_id, room, name).await? {
        Ok(())
    } else {
        Err(PhonesError::NoPhone)
    }
}

fn data_type(kind: ItemKind) -> DataType {
    match kind {
        ItemKind::Photo => DataType::Photo,
        ItemKind::Video => DataType::Video,
        ItemKind::Music => DataType::Music,
        ItemKind::Document => DataType::Document,
    }
}

fn backup_type(kind: BackupKind) -> DataType {
    match kind {
        BackupKind::Contacts => DataType::Contacts,
        BackupKind::Calendar => DataType::Calendar,
        BackupKind::CallHistory => DataType::CallHistory,
    }
}

/// A ROOM's phone, its storage, last backup, and counts and sizes per kind of data.
pub async fn summary(state: &AppState, user_id: i64, room: i64) -> Result<RoomSummary> {
    let rooms = rooms_of(state, user_id, None).await?;
    let slot = rooms.rooms.into_iter().find(|s| i64::from(s.room) == room);
    let phone = slot.and_then(|s| s.phone);
    let room_state = store::room_state(&state.db, user_id, room)
        .await?
        .unwrap_or_default();
    let files = store::item_totals(&state.db, user_id, room).await?;
    let backups = store::backup_totals(&state.db, user_id, room).await?;
    let as_u64 = |v: i64| u64::try_from(v).unwrap_or(0);
    let total_of = |totals: &[store::KindTotal], kind: &str| {
        totals
            .iter()
            .find(|t| t.kind == kind)
            .map_or((0, 0), |t| (as_u64(t.count), as_u64(t.bytes)))
    };
    let mut kinds: Vec<KindTotal> = ItemKind::VARIANTS
        .iter()
        .map(|&kind| {
            let (count, bytes) = total_of(&files, kind.as_str());
            KindTotal {
                kind: data_type(kind),
                count,
                bytes,
            }
        })
        .collect();
    kinds.extend(BackupKind::VARIANTS.iter().map(|&kind| {
        let (count, bytes) = total_of(&backups, kind.as_str());
        KindTotal {
            kind: backup_type(kind),
            count,
            bytes,
        }
    }));
    Ok(RoomSummary {
        room: u8::try_from(room).unwrap_or(1),
        phone,
        phone_free_bytes: room_state.free_bytes.map(as_u64),
        phone_total_bytes: room_state.total_bytes.map(as_u64),
        last_backup: room_state.last_backup_at.map(rfc3339),
        stored_bytes: kinds.iter().map(|k| k.bytes).sum(),
        kinds,
    })
}

/// Every value is a lower-case hex SHA-256, or the request is refused.
fn check_hashes(hashes: &[String]) -> Result<()> {
    if hashes.iter().all(|h| valid_sha256_hex(h)) {
        Ok(())
    } else {
        Err(PhonesError::InvalidSha256)
    }
}

/// Which of these SHA-256s this phone's ROOM does not hold yet, each once at its first
/// place, so nothing is sent twice.
pub async fn missing(
    state: &AppState,
    device: &CurrentDevice,
    sha256: Vec<String>,
) -> Result<Vec<String>> {
    let room = device.registered_room()?;
    if sha256.len() > MISSING_BATCH_MAX {
        return Err(PhonesError::TooManyHashes);
    }
    check_hashes(&sha256)?;
    if sha256.is_empty() {
        return Ok(vec![]);
    }
    let held = store::held_in_room(&state.db, device.user_id, room, &sha256).await?;
    let held: HashSet<&[u8]> = held.as_bytes().chunks(64).collect();
    let mut seen = HashSet::with_capacity(sha256.len());
    let keep: Vec<bool> = sha256
        .iter()
        .map(|h| !held.contains(h.as_bytes()) && seen.insert(h.as_str()))
        .collect();
    drop(seen);
    Ok(sha256
        .into_iter()
        .zip(keep)
        .filter_map(|(h, keep)| keep.then_some(h))
        .collect())
}

/// The files this phone never backs up (SPEC D5).
pub async fn exclusions(state: &AppState, device: &CurrentDevice) -> Result<Vec<String>> {
    let room = device.registered_room()?;
    Ok(store::exclusions(&state.db, device.user_id, room).await?)
}

/// Marks files as excluded from backup, or lifts the mark; answers the exclusions after.
pub async fn change_exclusions(
    state: &AppState,
    device: &CurrentDevice,
    sha256: &[String],
    excluded: bool,
) -> Result<Vec<String>> {
    let room = device.registered_room()?;
    check_hashes(sha256)?;
    store::set_excluded(&state.db, device.user_id, room, sha256, excluded).await?;
    exclusions(state, device).await
}

/// This phone's settings (SPEC D6): the defaults until it saves its own.
pub async fn settings(state: &AppState, device: &CurrentDevice) -> Result<PhoneSettings> {
    let room = device.registered_room()?;
    let stored = store::settings(&state.db, device.user_id, room).await?;
    Ok(stored
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(|| PhoneSettings::defaults_for(device.os)))
}

/// Replaces this phone's settings.
pub async fn save_settings(
    state: &AppState,
    device: &CurrentDevice,
    settings: &PhoneSettings,
) -> Result<()> {
    let room = device.registered_room()?;
    if !settings.fits(device.os) {
        return Err(PhonesError::TypeNotAllowedOnIphone);
    }
    let json = serde_json::to_string(settings).map_err(anyhow::Error::from)?;
    Ok(store::save_settings(&state.db, device.user_id, room, &json).await?)
}

/// Stores the phone's name, model, storage and the files it holds now (SPEC D7).
pub async fn report(state: &AppState, device: &CurrentDevice, report: &DeviceReport) -> Result<()> {
    let room = device.registered_room()?;
    check_hashes(&report.inventory)?;
    let report = store::Report {
        device_id: device.id,
        user_id: device.user_id,
        room,
        name: report.name.trim(),
        model: report.model.trim(),
        free_bytes: i64::try_from(report.free_bytes).unwrap_or(i64::MAX),
        total_bytes: i64::try_from(report.total_bytes).unwrap_or(i64::MAX),
        inventory: &report.inventory,
        now: state.clock.now(),
    };
    Ok(store::save_report(&state.db, report).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_os_reads_back_and_an_unknown_one_as_ios() {
        for &os in DeviceOs::VARIANTS {
            assert_eq!(stored_os(1, os.as_str()), os);
        }
        // Before, anything but "ios" became Android, the OS that may back up more.
        assert_eq!(stored_os(1, "windows"), DeviceOs::Ios);
        assert_eq!(stored_os(1, "IOS"), DeviceOs::Ios);
        assert_eq!(stored_os(1, ""), DeviceOs::Ios);
    }
}

//! The account's ROOMs and their phones (SPEC V18).

use gloo_net::http::Request;
use hako_protocol::{RenamePhone, RoomSummary, Rooms, paths};

use super::{ApiResult, get, send, send_json};

pub async fn rooms() -> ApiResult<Rooms> {
    get(&paths::rooms()).await
}

pub async fn room_summary(room: u8) -> ApiResult<RoomSummary> {
    get(&paths::room_summary(room)).await
}

pub async fn rename_phone(room: u8, name: String) -> ApiResult<()> {
    send_json(Request::patch(&paths::room(room)), &RenamePhone { name })
        .await
        .map(drop)
}

pub async fn reset_room(room: u8) -> ApiResult<()> {
    send(Request::delete(&paths::room(room))).await.map(drop)
}

//! Device tokens: `Authorization: Bearer <token>`; the server keeps only the SHA-256.

use crate::{AppState, accounts::token_hash, http::error::ApiError};
use axum::{
    extract::FromRequestParts,
    http::{header::AUTHORIZATION, request::Parts},
};
use hako_protocol::{DeviceOs, ErrorCode};

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
    pub fn registered_room(&self) -> Result<i64, ApiError> {
        self.room
            .map(i64::from)
            .ok_or_else(|| ErrorCode::DeviceNotRegistered.into())
    }

    pub async fn revoke(&self, state: &AppState) -> Result<(), ApiError> {
        sqlx::query("UPDATE devices SET revoked_at = $1 WHERE token_hash = $2")
            .bind(state.clock.now())
            .bind(&self.token_hash)
            .execute(&state.db)
            .await?;
        Ok(())
    }
}

pub fn parse_os(os: &str) -> DeviceOs {
    if os == "ios" {
        DeviceOs::Ios
    } else {
        DeviceOs::Android
    }
}

impl FromRequestParts<AppState> for CurrentDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ErrorCode::DeviceTokenInvalid)?;
        let hash = token_hash(token.trim());
        let row: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT d.id, d.user_id, d.os, r.room FROM devices d
             LEFT JOIN rooms r ON r.device_id = d.id
             WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
        )
        .bind(&hash)
        .fetch_optional(&state.db)
        .await?;
        let (id, user_id, os, room) = row.ok_or(ErrorCode::DeviceTokenInvalid)?;
        Ok(Self {
            id,
            user_id,
            os: parse_os(&os),
            room: room.and_then(|r| u8::try_from(r).ok()),
            token_hash: hash,
        })
    }
}

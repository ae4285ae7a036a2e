//! Who is asking, for endpoints that both the web viewer (session cookie) and phones
//! (device token) use. Either way the answer is an account, and every query is scoped to it.
//! It lives with phones, not in `http/`, because it joins an `accounts` session and a phone:
//! shared pieces never call areas.

use axum::{
    extract::FromRequestParts,
    http::{header::AUTHORIZATION, request::Parts},
};
use hako_protocol::{ErrorCode, ROOMS};

use super::CurrentDevice;
use crate::{AppState, accounts::CurrentUser, http::error::ApiError};

#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    /// Set when a phone is asking.
    pub device: Option<CurrentDevice>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.contains_key(AUTHORIZATION) {
            let device = CurrentDevice::from_request_parts(parts, state).await?;
            return Ok(Self {
                user_id: device.user_id,
                device: Some(device),
            });
        }
        let user = CurrentUser::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::new(ErrorCode::Unauthenticated))?;
        Ok(Self {
            user_id: user.id,
            device: None,
        })
    }
}

/// A ROOM number from a path, 1 to 3.
/// A ROOM number from a URL, as the database keeps it.
pub fn room_number(room: u8) -> Result<i64, ApiError> {
    if ROOMS.contains(&room) {
        Ok(i64::from(room))
    } else {
        Err(ErrorCode::RoomOutOfRange.into())
    }
}

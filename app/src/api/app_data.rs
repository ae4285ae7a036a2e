//! App data backup, as the web viewer sees it (SPEC P2, P3, P5): the apps with data, deleting
//! it, and each phone's two switches. Saving and restoring are the phones'.

use gloo_net::http::Request;
use hako_protocol::{AppDataDeleted, AppDataEntry, AppDataSwitches, PhoneAppDataSwitches, paths};

use super::{ApiResult, get, read, send, send_json};

pub async fn apps() -> ApiResult<Vec<AppDataEntry>> {
    get(&paths::app_data()).await
}

pub async fn delete_app(app_id: &str) -> ApiResult<()> {
    send(Request::delete(&paths::app_data_app(app_id)))
        .await
        .map(drop)
}

pub async fn delete_all() -> ApiResult<AppDataDeleted> {
    read(send(Request::delete(&paths::app_data())).await?).await
}

pub async fn phone_switches() -> ApiResult<Vec<PhoneAppDataSwitches>> {
    get(&paths::app_data_switches()).await
}

/// Sets both switches of the phone in `room`; answers them as they now are.
pub async fn set_switches(room: u8, switches: AppDataSwitches) -> ApiResult<AppDataSwitches> {
    read(
        send_json(
            Request::put(&paths::room_app_data_switches(room)),
            &switches,
        )
        .await?,
    )
    .await
}

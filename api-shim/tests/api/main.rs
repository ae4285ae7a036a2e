//! Integration tests: the real router on 127.0.0.1:0, spoken to over HTTP.
//! One test binary for the crate; areas are modules.

mod account;
mod app_data;
mod auth;
mod authz;
mod binary;
mod corp;
mod devices;
mod downloads;
mod helpers;
mod items;
mod library;
mod license;
mod media;
mod migrate;
mod oidc;
mod phones;
mod scale_out;
mod server;
mod smtp;
mod timeline;
mod uploads;

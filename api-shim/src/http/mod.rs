//! What every area's HTTP side shares: the one error type at the edge and the body, path
//! and query extractors (`error`), where the call comes from (`client_ip`),
//! serving stored files with Range (`files`), and the built web viewer (`web`).

pub mod client_ip;
pub mod error;
pub(crate) mod files;
pub mod web;

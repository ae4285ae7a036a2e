//! What every area's HTTP side shares: the one error type at the edge and the extractors
//! (`error`), who is calling (`caller`), serving stored files with Range (`files`), the
//! OpenAPI document's shared answers (`openapi`) and the built web viewer (`web`).

pub mod caller;
pub mod error;
pub(crate) mod files;
pub mod web;

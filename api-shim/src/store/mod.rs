//! Everything that is kept: the metadata database (SQLite or PostgreSQL, and every place
//! where their SQL differs), the stored files (a data folder or an S3 bucket, behind one
//! interface no caller branches on; `incoming` for uploads on their way in), and moving files between the two (`migrate`).

pub mod blobs;
pub mod db;
pub mod incoming;
pub mod migrate;

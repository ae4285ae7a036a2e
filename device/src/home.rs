//! The simulated phone's own storage: its sign-in, the uploads it has started, and the version
//! of each app's data it holds.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub server: String,
    pub email: String,
    pub device_token: String,
    pub os: hako_protocol::DeviceOs,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub model: String,
}

pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// `--home`, else `$XDG_CONFIG_HOME/hako-device`, else `~/.config/hako-device`.
    pub fn open(dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let dir = dir.unwrap_or_else(|| {
            std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))
                .unwrap_or_else(|| PathBuf::from("."))
                .join("hako-device")
        });
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self { dir })
    }

    fn read<T: for<'de> Deserialize<'de>>(&self, name: &str) -> anyhow::Result<Option<T>> {
        let path = self.dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(
                serde_json::from_slice(&bytes)
                    .with_context(|| format!("reading {}", path.display()))?,
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Written to a temporary file and renamed, so a killed process never leaves half a file.
    fn write<T: Serialize>(&self, name: &str, value: &T) -> anyhow::Result<()> {
        let tmp = self.dir.join(format!("{name}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(value)?)?;
        std::fs::rename(&tmp, self.dir.join(name))?;
        Ok(())
    }

    pub fn session(&self) -> anyhow::Result<Option<Session>> {
        self.read("session.json")
    }

    pub fn save_session(&self, session: &Session) -> anyhow::Result<()> {
        self.write("session.json", session)?;
        // A new sign-in is a new phone: uploads of the old one cannot be resumed, and it holds
        // no app data yet.
        self.write("uploads.json", &Uploads::default())?;
        self.write("app-data.json", &AppDataHeld::default())
    }

    pub fn uploads(&self) -> anyhow::Result<Uploads> {
        Ok(self.read("uploads.json")?.unwrap_or_default())
    }

    pub fn save_uploads(&self, uploads: &Uploads) -> anyhow::Result<()> {
        self.write("uploads.json", uploads)
    }

    pub fn app_data_held(&self) -> anyhow::Result<AppDataHeld> {
        Ok(self.read("app-data.json")?.unwrap_or_default())
    }

    pub fn save_app_data_held(&self, held: &AppDataHeld) -> anyhow::Result<()> {
        self.write("app-data.json", held)
    }
}

/// App id → the ETag of the version of its data this phone holds: what a save's `If-Match`
/// names, so a change made meanwhile on another phone is refused, never overwritten.
pub type AppDataHeld = BTreeMap<String, String>;

/// SHA-256 → the tus URL of its unfinished upload.
pub type Uploads = BTreeMap<String, String>;

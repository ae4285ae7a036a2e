//! Configuration: built-in defaults → optional TOML file → `HAKO_*` environment → flags.
//! clap resolves flag-over-environment; the TOML file fills what neither gave.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::Context;
use serde::Deserialize;

/// Everything `hako serve` needs, resolved.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// The built web viewer (trunk's `dist/`).
    pub dist_dir: PathBuf,
    /// The address people open; decides whether cookies are `Secure` and links in mails.
    pub public_url: String,
    pub smtp: Option<SmtpConfig>,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// Make thumbnails, previews and media details here (SPEC T3). Off: this instance only
    /// serves, and another one on the same database does the work (SPEC X3).
    pub media_worker: bool,
    pub limits: Limits,
    /// Sign-in with Google and Apple (SPEC V1, V2); a provider left out is not offered.
    pub oidc: OidcConfig,
    /// `postgres://…` to keep metadata in PostgreSQL; none: SQLite in the data folder.
    pub database_url: Option<String>,
    /// An S3-compatible bucket for stored files; none: the data folder.
    pub s3: Option<S3Config>,
    pub corp: CorpConfig,
    /// Start the clock at this RFC 3339 instant instead of now (it then runs on): for e2e
    /// runs and demonstrations only, e.g. inside the console's business hours.
    pub clock_start: Option<String>,
}

/// The corporate console (SPEC C).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorpConfig {
    /// A pause between the lines of an operation, so a 200-line change does not hold the
    /// database's writer for long at once; 0 (none) by default.
    pub apply_interval_ms: u64,
    /// Where an app-download request (SPEC C7) sends each kind of phone: `smartphone` and
    /// `iphone` to the Hako app, `windows` to the contacts-copy app. A kind without a link
    /// gets the server's own address (`public_url`), where the web viewer names the apps.
    pub app_links: AppLinks,
}

/// The store pages of the apps, per device kind (4G feature phones need none).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppLinks {
    pub smartphone: Option<String>,
    pub iphone: Option<String>,
    pub windows: Option<String>,
}

/// Where stored files go when they do not stay in the data folder (SPEC X3).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// e.g. `http://127.0.0.1:8333`; path-style requests, as SeaweedFS, Garage and MinIO expect.
    pub endpoint: String,
    pub bucket: String,
    /// What the store signs requests for: AWS, MinIO and SeaweedFS take `us-east-1`; Garage
    /// wants its own `s3_region` ("garage" unless set).
    #[serde(default = "default_s3_region")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Every object name starts with this (several installations can share a bucket).
    #[serde(default)]
    pub prefix: String,
}

fn default_s3_region() -> String {
    "us-east-1".to_owned()
}

/// `[oidc.google]` and `[oidc.apple]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    pub google: Option<OidcProviderConfig>,
    pub apple: Option<OidcProviderConfig>,
}

/// One OpenID provider, found by discovery from its issuer URL
/// (`https://accounts.google.com`, `https://appleid.apple.com`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProviderConfig {
    pub issuer: String,
    pub client_id: String,
    /// Google's client secret. Apple has none to copy: it takes a JWT the server signs with
    /// the key below, so Apple needs either this or all three of `team_id`, `key_id`,
    /// `private_key_path`.
    pub client_secret: Option<String>,
    pub team_id: Option<String>,
    pub key_id: Option<String>,
    /// The `.p8` file (PKCS#8 PEM, P-256) from Apple's developer site.
    pub private_key_path: Option<PathBuf>,
}

/// Upload limits (SPEC L1, L2). The operator sets the free members' quota.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub monthly_upload_bytes: u64,
    pub free_quota_bytes: u64,
    /// An upload nobody touched for this long is removed with its bytes.
    pub upload_expiry_hours: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 15_000_000_000,
            monthly_upload_bytes: 500_000_000_000,
            free_quota_bytes: 5_000_000_000,
            upload_expiry_hours: 24,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` (a relay on localhost).
    #[serde(default)]
    pub security: SmtpSecurity,
    pub from: String,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    #[default]
    Starttls,
    Tls,
    None,
}

fn default_smtp_port() -> u16 {
    587
}

/// The TOML file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data: Option<PathBuf>,
    dist: Option<PathBuf>,
    public_url: Option<String>,
    smtp: Option<SmtpConfig>,
    session_idle_hours: Option<u64>,
    session_absolute_hours: Option<u64>,
    trust_forwarded_for: Option<bool>,
    media_worker: Option<bool>,
    limits: Option<Limits>,
    #[serde(default)]
    oidc: OidcConfig,
    database_url: Option<String>,
    s3: Option<S3Config>,
    corp: Option<CorpConfig>,
    clock_start: Option<String>,
}

/// What the command line and environment gave (clap fills these).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub data: Option<PathBuf>,
    pub dist: Option<PathBuf>,
    pub config_file: Option<PathBuf>,
    /// Replaces `[oidc.google] client_secret`, so the secret need not sit in the file.
    pub google_client_secret: Option<String>,
    /// Replaces `database_url` (`HAKO_DATABASE_URL`), to keep its password out of the file.
    pub database_url: Option<String>,
}

impl Config {
    pub fn resolve(overrides: Overrides) -> anyhow::Result<Self> {
        let file = match &overrides.config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading config file {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("parsing config file {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let mut oidc = file.oidc;
        if let Some(secret) = overrides.google_client_secret {
            oidc.google
                .as_mut()
                .context(
                    "a Google client secret was given, but the config file has no [oidc.google]",
                )?
                .client_secret = Some(secret);
        }
        let listen = overrides
            .listen
            .or(file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        Ok(Self {
            listen,
            data_dir: overrides
                .data
                .or(file.data)
                .unwrap_or_else(|| "data".into()),
            dist_dir: overrides
                .dist
                .or(file.dist)
                .unwrap_or_else(|| "dist".into()),
            public_url: file
                .public_url
                .unwrap_or_else(|| format!("http://{listen}"))
                .trim_end_matches('/')
                .to_owned(),
            smtp: file.smtp,
            session_idle: hours(file.session_idle_hours.unwrap_or(14 * 24)),
            session_absolute: hours(file.session_absolute_hours.unwrap_or(60 * 24)),
            trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
            media_worker: file.media_worker.unwrap_or(true),
            limits: file.limits.unwrap_or_default(),
            oidc,
            database_url: overrides.database_url.or(file.database_url),
            s3: file.s3,
            corp: file.corp.unwrap_or_default(),
            clock_start: file.clock_start,
        })
    }

    /// Defaults for a data folder, as tests and operator commands use them.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        Self::resolve(Overrides {
            data: Some(data_dir),
            ..Overrides::default()
        })
        .expect("defaults need no file")
    }

    /// Where files are fetched from a bucket or made on the way (cleared by their owners).
    pub fn scratch_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn hours(h: u64) -> Duration {
    Duration::from_secs(h * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hako.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\ndata = \"/srv/hako\"\npublic_url = \"https://photos.example.jp/\"\n",
        )
        .unwrap();
        let config = Config::resolve(Overrides {
            data: Some("/override".into()),
            config_file: Some(path),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(config.data_dir, PathBuf::from("/override"));
        assert_eq!(config.public_url, "https://photos.example.jp");
        assert!(config.secure_cookies());
    }

    #[test]
    fn no_configuration_runs_the_embedded_default() {
        let config = Config::resolve(Overrides::default()).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.data_dir, PathBuf::from("data"));
        assert!(!config.secure_cookies());
        assert!(config.smtp.is_none());
    }

    #[test]
    fn oidc_providers_come_from_their_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hako.toml");
        std::fs::write(
            &path,
            "[oidc.google]\nissuer = \"https://accounts.google.com\"\nclient_id = \"id\"\nclient_secret = \"s\"\n",
        )
        .unwrap();
        let config = Config::resolve(Overrides {
            config_file: Some(path),
            ..Overrides::default()
        })
        .unwrap();
        let google = config.oidc.google.unwrap();
        assert_eq!(google.issuer, "https://accounts.google.com");
        assert_eq!(google.client_secret.as_deref(), Some("s"));
        assert!(config.oidc.apple.is_none());

        let config = Config::resolve(Overrides {
            config_file: Some(dir.path().join("hako.toml")),
            google_client_secret: Some("from-env".into()),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(
            config.oidc.google.unwrap().client_secret.as_deref(),
            Some("from-env")
        );
        let err = Config::resolve(Overrides {
            google_client_secret: Some("from-env".into()),
            ..Overrides::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("[oidc.google]"), "{err:#}");
    }

    #[test]
    fn unknown_keys_in_the_file_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hako.toml");
        std::fs::write(&path, "lisen = \"0.0.0.0:9000\"\n").unwrap();
        let err = Config::resolve(Overrides {
            config_file: Some(path),
            ..Overrides::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("lisen"), "{err:#}");
    }
}

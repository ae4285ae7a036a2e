//! A real SMTP server on loopback (`scripts/smtp.py`, aiosmtpd) for the tests of mail that
//! goes out through SMTP: it keeps every accepted message and refuses at RCPT the addresses
//! a test names, as a server refuses a mailbox that does not exist.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use hako_api_shim::config::{SmtpConfig, SmtpSecurity};

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 is needed for the SMTP server");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert!(
            ready.starts_with("ready"),
            "scripts/smtp.py did not start (aiosmtpd missing? run scripts/ensure-tools.sh test)"
        );
        Self { port, dir, child }
    }

    /// The server's settings for Hako's config.
    pub fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            username: None,
            password: None,
            security: SmtpSecurity::None,
            from: "Hako <no-reply@hako.example.jp>".into(),
        }
    }

    /// Where the accepted messages are, one `.eml` file each.
    pub fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    /// From now on the server refuses these recipients (none: it accepts everyone).
    pub fn refuse(&self, addresses: &[&str]) {
        std::fs::write(self.dir.path().join("refuse"), addresses.join("\n")).unwrap();
    }

    /// Every message the server accepted, as it arrived, oldest first.
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir()) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// The accepted messages to `to`.
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        let header = format!("To: {to}\r\n");
        self.mails()
            .into_iter()
            .filter(|m| m.contains(&header))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Outgoing mail: SMTP when configured, otherwise `.eml` files in `<data>/outbox/` so a
//! developer or a test can read the codes. Messages are Japanese first, then English.

use std::path::PathBuf;

use anyhow::Context;
use askama::Template;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Body, Mailbox, header::ContentTransferEncoding, header::ContentType},
    transport::smtp::authentication::Credentials,
};

use crate::config::{SmtpConfig, SmtpSecurity};

/// What a message is about; each kind has its text in `templates/`.
#[derive(Clone, Debug, Template)]
#[template(ext = "txt")]
pub enum Mail {
    #[template(path = "signup_code.txt")]
    SignupCode { code: String },
    /// Someone tried to sign up with an address that already has an account.
    #[template(path = "signup_already_registered.txt")]
    SignupAlreadyRegistered,
    #[template(path = "password_reset_code.txt")]
    PasswordResetCode { code: String },
    /// To the new address of a user ID change (SPEC V17).
    #[template(path = "email_change_code.txt")]
    EmailChangeCode { code: String },
    /// To the old address once the change is done, so a change the owner did not make is seen.
    #[template(path = "email_changed.txt")]
    EmailChanged { new_email: String },
    /// An existing account made a company's admin (SPEC C1).
    #[template(path = "corp_admin_appointed.txt")]
    CorpAdminAppointed {
        company: String,
        role_ja: &'static str,
        role_en: &'static str,
    },
    /// A new address invited as a company's admin: a code to set a password with.
    #[template(path = "corp_admin_invitation.txt")]
    CorpAdminInvitation {
        company: String,
        role_ja: &'static str,
        role_en: &'static str,
        code: String,
    },
    /// To the admin who started an operation that ended 異常終了 (issue 15).
    #[template(path = "corp_operation_failed.txt")]
    CorpOperationFailed {
        reception_number: String,
        menu_ja: &'static str,
        menu_en: &'static str,
        failed: u64,
        total: u64,
        link: String,
    },
    /// A line's request to install the app its phone needs (SPEC C7).
    #[template(path = "corp_app_download.txt")]
    CorpAppDownload {
        company: String,
        number: String,
        app_ja: &'static str,
        app_en: &'static str,
        link: String,
    },
    /// A line's one-time sign-in code for its phone (SPEC C8).
    #[template(path = "corp_line_password_notice.txt")]
    CorpLinePasswordNotice {
        company: String,
        number: String,
        code: String,
    },
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Outbox {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

const OUTBOX_FROM: &str = "Hako <no-reply@hako.invalid>";

impl Mailer {
    pub fn new(smtp: Option<&SmtpConfig>, data_dir: &std::path::Path) -> anyhow::Result<Self> {
        let Some(smtp) = smtp else {
            let dir = data_dir.join("outbox");
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("creating outbox {}", dir.display()))?;
            return Ok(Self::Outbox {
                transport: AsyncFileTransport::new(&dir),
                dir,
            });
        };
        let builder = match smtp.security {
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            }
        };
        let builder = match (&smtp.username, &smtp.password) {
            (Some(user), Some(pass)) => {
                builder.credentials(Credentials::new(user.clone(), pass.clone()))
            }
            _ => builder,
        };
        Ok(Self::Smtp {
            transport: builder.port(smtp.port).build(),
            from: smtp
                .from
                .parse()
                .context("smtp.from is not a mail address")?,
        })
    }

    /// Where mails go, for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { .. } => "SMTP".to_owned(),
            Self::Outbox { dir, .. } => format!("outbox folder {}", dir.display()),
        }
    }

    pub async fn send(&self, to: &str, mail: &Mail) -> anyhow::Result<()> {
        let (subject, text) = mail.subject_and_body()?;
        let from = match self {
            Self::Smtp { from, .. } => from.clone(),
            Self::Outbox { .. } => OUTBOX_FROM.parse()?,
        };
        // 8bit keeps the Japanese readable in the raw .eml; every SMTP server today has 8BITMIME.
        // A line too long for it (a very long address in the text) lets lettre pick an encoding.
        let body = Body::new_with_encoding(text.clone(), ContentTransferEncoding::EightBit)
            .unwrap_or_else(|_| Body::new(text));
        let message = Message::builder()
            .from(from)
            .to(to.parse().context("recipient is not a mail address")?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        match self {
            Self::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Self::Outbox { transport, .. } => {
                transport.send(message).await?;
            }
        }
        Ok(())
    }
}

impl Mail {
    /// The mail's subject and body, from its template in `templates/`: the first line is the
    /// subject, the rest the body, Japanese first, then English. Lines stay under 76 bytes
    /// (about 24 Japanese characters) so the body can travel as 8bit and stays readable in
    /// the raw `.eml` and on a phone's narrow mail screen. (`footer.txt` begins with the
    /// signature separator `-- `, whose space is meant.)
    fn subject_and_body(&self) -> askama::Result<(String, String)> {
        let text = Template::render(self)?;
        let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
        // askama drops a template file's last newline; a text mail ends with one.
        Ok((subject.to_owned(), [body, "\n"].concat()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_outbox_holds_a_readable_japanese_mail_with_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(None, dir.path()).unwrap();
        mailer
            .send(
                "taro@example.jp",
                &Mail::SignupCode {
                    code: "042917".into(),
                },
            )
            .await
            .unwrap();
        let entry = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(entry.path().extension().unwrap(), "eml");
        let raw = std::fs::read_to_string(entry.path()).unwrap();
        assert!(raw.contains("To: taro@example.jp"), "{raw}");
        assert!(raw.contains("確認コード：042917"), "{raw}");
        assert!(raw.contains("有効期限は10分"), "{raw}");
    }

    #[test]
    fn every_mail_fits_8bit_line_limits() {
        for mail in [
            Mail::SignupCode {
                code: "123456".into(),
            },
            Mail::SignupAlreadyRegistered,
            Mail::PasswordResetCode {
                code: "123456".into(),
            },
            Mail::EmailChangeCode {
                code: "123456".into(),
            },
            Mail::EmailChanged {
                new_email: "hanako.yamada.new-address@example.co.jp".into(),
            },
            Mail::CorpAdminAppointed {
                company: "株式会社サンプル商事".into(),
                role_ja: "主管理者",
                role_en: "main admin",
            },
            Mail::CorpAdminInvitation {
                company: "株式会社サンプル商事".into(),
                role_ja: "サブ管理者",
                role_en: "sub-admin",
                code: "123456".into(),
            },
            Mail::CorpLinePasswordNotice {
                company: "株式会社サンプル商事".into(),
                number: "090-1234-5678".into(),
                code: "12345678".into(),
            },
            Mail::CorpAppDownload {
                company: "株式会社サンプル商事".into(),
                number: "090-1234-5678".into(),
                app_ja: "連絡先コピーアプリ",
                app_en: "the contacts copy app",
                link: "https://play.google.com/store/apps/details?id=jp.example.hako".into(),
            },
            Mail::CorpOperationFailed {
                reception_number: "2026120700000001".into(),
                menu_ja: "サインインコード通知",
                menu_en: "sign-in code notice",
                failed: 3,
                total: 200,
                link: "https://hako.example.jp/corp/history/2026120700000001".into(),
            },
        ] {
            let (_, text) = mail.subject_and_body().unwrap();
            Body::new_with_encoding(text, ContentTransferEncoding::EightBit)
                .unwrap_or_else(|_| panic!("{mail:?} has a line of 76 bytes or more"));
        }
    }
}

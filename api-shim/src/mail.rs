//! Outgoing mail: SMTP when configured, otherwise `.eml` files in `<data>/outbox/` so a
//! developer or a test can read the codes. Messages are Japanese first, then English.

use std::path::PathBuf;

use anyhow::Context;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Body, Mailbox, header::ContentTransferEncoding, header::ContentType},
    transport::smtp::authentication::Credentials,
};

use crate::config::{SmtpConfig, SmtpSecurity};

/// What a message is about; the text is made here so every mail reads the same way.
#[derive(Clone, Debug)]
pub enum Mail {
    SignupCode {
        code: String,
    },
    /// Someone tried to sign up with an address that already has an account.
    SignupAlreadyRegistered,
    PasswordResetCode {
        code: String,
    },
    /// To the new address of a user ID change (SPEC V17).
    EmailChangeCode {
        code: String,
    },
    /// To the old address once the change is done, so a change the owner did not make is seen.
    EmailChanged {
        new_email: String,
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
        let (subject, text) = mail.render();
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
    /// Lines stay under 76 bytes (about 24 Japanese characters) so the body can travel as
    /// 8bit and stays readable in the raw `.eml` and on a phone's narrow mail screen.
    fn render(&self) -> (String, String) {
        const FOOTER: &str = "\n-- \nHako スマートフォンのバックアップ\n\
            Hako smartphone backup\n\
            このメールは送信専用です。\n\
            This address does not receive replies.\n";
        match self {
            Mail::SignupCode { code } => (
                format!("【Hako】アカウント登録の確認コード {code} / Your sign-up code"),
                format!(
                    "Hako のアカウント登録を続けるには、\n\
                     登録画面に次の確認コードを入力してください。\n\n\
                     \u{3000}確認コード：{code}\n\n\
                     このコードの有効期限は10分です。\n\
                     入力を5回まちがえると使えなくなります。\n\
                     お心当たりがない場合は、このメールを\n\
                     破棄してください。アカウントは作成されません。\n\n\
                     ----\n\
                     To finish creating your Hako account, enter\n\
                     this code on the sign-up screen:\n\n\
                     \x20 Code: {code}\n\n\
                     The code is valid for 10 minutes and stops\n\
                     working after 5 wrong tries. If you did not ask\n\
                     for it, ignore this mail: no account is created.\n{FOOTER}"
                ),
            ),
            Mail::SignupAlreadyRegistered => (
                "【Hako】アカウント登録のお申し込みについて / About your sign-up".to_owned(),
                format!(
                    "このメールアドレスでアカウント登録の\n\
                     お申し込みがありましたが、このアドレスは\n\
                     すでに Hako に登録されています。\n\
                     サインイン画面からサインインしてください。\n\
                     パスワードを忘れた場合は、サインイン画面の\n\
                     「パスワードをお忘れの方」から再設定できます。\n\
                     お心当たりがない場合は、このメールを\n\
                     破棄してください。\n\n\
                     ----\n\
                     Someone asked to create a Hako account with this\n\
                     address, but it already has one. Please sign in;\n\
                     if you forgot the password, use \"Forgot password\"\n\
                     on the sign-in screen. If this was not you,\n\
                     ignore this mail.\n{FOOTER}"
                ),
            ),
            Mail::PasswordResetCode { code } => (
                format!("【Hako】パスワード再設定の確認コード {code} / Your password reset code"),
                format!(
                    "Hako のパスワードを再設定するには、\n\
                     再設定画面に次の確認コードを入力してください。\n\n\
                     \u{3000}確認コード：{code}\n\n\
                     このコードの有効期限は10分です。\n\
                     入力を5回まちがえると使えなくなります。\n\
                     お心当たりがない場合は、このメールを\n\
                     破棄してください。パスワードは変わりません。\n\n\
                     ----\n\
                     To reset your Hako password, enter this code\n\
                     on the reset screen:\n\n\
                     \x20 Code: {code}\n\n\
                     The code is valid for 10 minutes and stops\n\
                     working after 5 wrong tries. If you did not ask\n\
                     for it, ignore this mail: your password stays.\n{FOOTER}"
                ),
            ),
            Mail::EmailChangeCode { code } => (
                format!("【Hako】ユーザーID変更の確認コード {code} / Your user ID change code"),
                format!(
                    "Hako のユーザーID（メールアドレス）を\n\
                     このアドレスに変更するには、変更画面に\n\
                     次の確認コードを入力してください。\n\n\
                     \u{3000}確認コード：{code}\n\n\
                     このコードの有効期限は10分です。\n\
                     入力を5回まちがえると使えなくなります。\n\
                     お心当たりがない場合は、このメールを\n\
                     破棄してください。何も変わりません。\n\n\
                     ----\n\
                     To make this address the user ID of your Hako\n\
                     account, enter this code on the change screen:\n\n\
                     \x20 Code: {code}\n\n\
                     The code is valid for 10 minutes and stops\n\
                     working after 5 wrong tries. If you did not ask\n\
                     for it, ignore this mail: nothing changes.\n{FOOTER}"
                ),
            ),
            Mail::EmailChanged { new_email } => (
                "【Hako】ユーザーIDが変更されました / Your user ID was changed".to_owned(),
                format!(
                    "Hako のユーザーID（メールアドレス）が\n\
                     次のアドレスに変更されました。\n\n\
                     \u{3000}{new_email}\n\n\
                     今後は新しいアドレスでサインインしてください。\n\
                     このアドレスにはもうメールは届きません。\n\
                     お心当たりがない場合は、すぐに運営者に\n\
                     ご連絡ください。\n\n\
                     ----\n\
                     The user ID (email address) of your Hako\n\
                     account was changed to:\n\n\
                     \x20 {new_email}\n\n\
                     From now on, sign in with the new address; this\n\
                     address gets no more mail about the account.\n\
                     If you did not make this change, contact the\n\
                     operator of your Hako server at once.\n{FOOTER}"
                ),
            ),
        }
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
        ] {
            let (_, text) = mail.render();
            Body::new_with_encoding(text, ContentTransferEncoding::EightBit)
                .unwrap_or_else(|_| panic!("{mail:?} has a line of 76 bytes or more"));
        }
    }
}

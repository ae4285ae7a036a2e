//! `/guide`: how to start, and the questions people ask (SPEC V19, from the manual in
//! seeds/000). Readable without signing in.

use hako_protocol::Lang;
use leptos::prelude::*;

use crate::{
    components::shell::TopBar,
    i18n::{COMMON, GUIDE, use_i18n, use_texts},
};

/// Japanese and English side by side, so a missing translation is visible here.
struct Text {
    ja: &'static str,
    en: &'static str,
}

const fn t(ja: &'static str, en: &'static str) -> Text {
    Text { ja, en }
}

impl Text {
    fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }
}

const STEPS: [Text; 6] = [
    t(
        "アカウントを作成します（メールアドレスとパスワード、届いた6桁のコードを入力）。ライセンスキーがあれば、あとから「アカウント情報」で登録できます。",
        "Create an account (email address and password, then the 6-digit code we mail you). A license key can be registered later under Account information.",
    ),
    t(
        "スマホにアプリを入れ、同じアカウントでサインインします。",
        "Install the app on your phone and sign in with the same account.",
    ),
    t(
        "スマホを空いている ROOM に登録します。1つのアカウントで3台まで使えます。",
        "Register the phone in a free ROOM. One account holds up to three phones.",
    ),
    t(
        "バックアップします。写真・動画・音楽・書類・連絡先・カレンダー・通話履歴が保存されます（iPhone は写真・動画・連絡先・カレンダー）。",
        "Back up. Photos, videos, music, documents, contacts, calendar and call history are kept (iPhones: photos, videos, contacts and calendar).",
    ),
    t(
        "このWEBビューアーで、スマホやパソコンのブラウザから見る・再生する・ダウンロードする・削除することができます。",
        "In this web viewer, look at, play, download and delete your data from any browser, on a phone or a PC.",
    ),
    t(
        "機種変更のときは、新しいスマホで使用中の ROOM を「引き継ぐ」を選ぶと、データはそのまま使えます。",
        "When you change phones, choose to take over the ROOM in use on the new phone, and your data carries over.",
    ),
];

const FAQ: [(Text, Text); 10] = [
    (
        t(
            "バックアップされるデータはオリジナル（非圧縮）ですか？",
            "Are backups the original, uncompressed files?",
        ),
        t(
            "はい。オリジナルデータのまま保存され、ダウンロードすると元と同じファイルが戻ります。",
            "Yes. Files are stored as they are, and a download gives back the very same file.",
        ),
    ),
    (
        t(
            "一度に何ファイルまでダウンロードできますか？",
            "How many files can I download at once?",
        ),
        t(
            "1回のダウンロードにつき50ファイルまでです。2ファイル以上は1つのZIPファイルになります。",
            "Up to 50 files per download. Two or more come as one ZIP file.",
        ),
    ),
    (
        t(
            "1ファイルあたりの容量に上限はありますか？",
            "Is there a size limit per file?",
        ),
        t(
            "1ファイルの最大サイズは15GB、1か月にバックアップできる容量は500GBまでです。",
            "A file can be up to 15 GB, and up to 500 GB can be backed up per month.",
        ),
    ),
    (
        t(
            "パソコンからバックアップできますか？",
            "Can I back up from a PC?",
        ),
        t(
            "できません。パソコンからはWEBビューアーでの閲覧とダウンロードができます。",
            "No. From a PC you can look at and download your data in the web viewer.",
        ),
    ),
    (
        t(
            "3台のバックアップデータはお互いに見られますか？",
            "Can the three phones see each other's data?",
        ),
        t(
            "同じアカウントなら閲覧できます。データは ROOM（スマホ）ごとに管理されます。家族での共有はおすすめしません。",
            "Yes, within one account. Data is kept per ROOM (phone). Sharing an account with family is not recommended.",
        ),
    ),
    (
        t(
            "WEBビューアーで削除すると、スマホのデータも消えますか？",
            "If I delete in the web viewer, is it deleted on my phone too?",
        ),
        t(
            "いいえ。サーバーからだけ削除され、スマホ内の写真や動画はそのままです。削除は元に戻せません。",
            "No. It is deleted from the server only; the photos and videos on your phone stay. Deleting cannot be undone.",
        ),
    ),
    (
        t(
            "パスワードがわからなくなりました。",
            "I forgot my password.",
        ),
        t(
            "サインイン画面の「パスワードをお忘れの方」から、メールで届くコードを使って新しいパスワードを設定してください。",
            "Choose \"Forgot password?\" on the sign-in page and set a new one with the code we mail you.",
        ),
    ),
    (
        t(
            "契約したのに無料会員になっています。",
            "I have a contract, but my account is a free member.",
        ),
        t(
            "契約時に発行された16桁のライセンスキーを「アカウント情報」の「ライセンスキーを登録」から入力すると、無制限会員になります。",
            "Enter the 16-digit license key from your contract under Account information → Register a license key, and the account becomes an unlimited member.",
        ),
    ),
    (
        t(
            "解約後もデータは残りますか？",
            "Is my data kept after cancelling?",
        ),
        t(
            "ライセンスが無効になった日から30日以内に同じライセンスキーを登録すれば、データを引き継げます。31日目以降はデータが削除されます。",
            "If you register the same license key within 30 days of the license ending, everything is kept. From day 31 the data is deleted.",
        ),
    ),
    (
        t(
            "保存できないファイルはありますか？",
            "Are there files that cannot be backed up?",
        ),
        t(
            "書類は TXT・PDF・Word・Excel・PowerPoint が対象です。写真・動画・音楽はスマホが写真・動画・音楽として扱うファイルが対象です。",
            "Documents: TXT, PDF, Word, Excel and PowerPoint. Photos, videos and music: the files your phone treats as such.",
        ),
    ),
];

#[component]
pub fn Guide() -> impl IntoView {
    let i18n = use_i18n();
    let common = use_texts(&COMMON);
    let texts = use_texts(&GUIDE);
    let lang = move || i18n.lang.get();
    view! {
        <div class="app-frame" data-testid="guide-page">
            <TopBar title=move || texts().guide_title/>
            <main class="tab-page page-guide">
                <section class="guide-section">
                    <h2>{move || texts().guide_how_to}</h2>
                    <ol class="guide-steps">
                        {STEPS.iter().map(|step| view! { <li>{move || step.get(lang())}</li> }).collect_view()}
                    </ol>
                </section>
                <section class="guide-section">
                    <h2>{move || texts().guide_faq}</h2>
                    {FAQ.iter().map(|(q, a)| view! {
                        <details class="faq" data-testid="faq-item">
                            <summary>{move || q.get(lang())}</summary>
                            <p>{move || a.get(lang())}</p>
                        </details>
                    }).collect_view()}
                </section>
                <p class="guide-back"><a href="/">{move || common().go_to_library}</a></p>
            </main>
        </div>
    }
}

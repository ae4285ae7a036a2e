//! Serving stored bytes (SPEC V9, X4): one byte range (206, 416), `If-None-Match` (304) on a
//! strong ETag, and dispositions a browser never runs. One path for every blob backend: it asks
//! the store only for a size and a range of bytes, so nothing here knows where they live.

use std::{future::Future, io, ops::Range};

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use hako_protocol::ErrorCode;

use crate::{http::error::ApiResult, store::blobs::BlobStore};

/// `attachment; filename*=UTF-8''…` (the browser saves the file under its own name and never
/// shows or runs it inline), or `inline; …` for what the viewer plays or shows, sandboxed.
pub(crate) fn disposition(how: &str, name: &str) -> HeaderValue {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("{how}; filename*=UTF-8''{encoded}"))
        .expect("percent-encoded ASCII is a valid header")
}

/// Marks a response that carries a stored file's bytes: sent as they are, never gzipped, so
/// Content-Length and Range stay true (photos and videos are compressed already).
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoredBytes;

/// What serving a stored file answers besides 200 and the errors: one byte range (`Range`,
/// `If-Range`), a conditional request (304) and the refusal of a range (416). None has a body
/// to read. In the `responses(...)` of every operation that serves stored bytes.
pub(crate) struct FileAnswers;

impl utoipa::IntoResponses for FileAnswers {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        [
            ("206", "The requested range (`Content-Range`)"),
            ("304", "Not modified since `If-Modified-Since`"),
            ("412", "Modified since `If-Unmodified-Since`"),
            (
                "416",
                "Range not satisfiable (`Content-Range: bytes */<size>`)",
            ),
        ]
        .into_iter()
        .map(|(status, description)| {
            let response = utoipa::openapi::response::Response::new(description);
            (status.to_owned(), response.into())
        })
        .collect()
    }
}

/// How a stored file reaches the browser.
pub(crate) enum Shown {
    /// Downloaded under its name, typed by its extension.
    Attachment,
    /// Played or shown in the page with this type (SPEC V12, V13).
    Inline(mime::Mime),
}

/// A strong validator for bytes named by a SHA-256 (they never change under that name), with
/// what was made of them, if anything.
fn etag_of(sha256_hex: &str, derived: Option<&str>) -> String {
    let hash = &sha256_hex[..32.min(sha256_hex.len())];
    match derived {
        Some(what) => format!("\"{hash}-{what}\""),
        None => format!("\"{hash}\""),
    }
}

/// The one byte range asked for (`None`: all of it), or `Err` for 416. Several ranges are
/// refused (no multipart answers); an `If-Range` for other bytes gets everything.
pub(crate) fn requested_range(
    headers: &HeaderMap,
    size: u64,
    etag: &str,
) -> Result<Option<Range<u64>>, ()> {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if headers
        .get(header::IF_RANGE)
        .is_some_and(|validator| validator.as_bytes() != etag.as_bytes())
    {
        return Ok(None);
    }
    match http_range_header::parse_range_header(range).and_then(|r| r.validate(size)) {
        Ok(ranges) if ranges.len() == 1 => Ok(Some(*ranges[0].start()..*ranges[0].end() + 1)),
        _ => Err(()),
    }
}

/// Whether the client holds these bytes already: `If-None-Match` names the ETag (compared
/// weakly, as RFC 9110 says) or is `*`.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// Bytes to answer with, ranged.
pub(crate) struct Ranged {
    pub size: u64,
    pub etag: String,
    pub content_type: String,
}

/// The answer for `file`: 304 when the client has it, 416 for a range outside it, else the
/// bytes `body` makes for the range asked (206) or for all of it (200).
pub(crate) async fn ranged<F, Fut>(
    headers: &HeaderMap,
    file: Ranged,
    body: F,
) -> io::Result<Response>
where
    F: FnOnce(Range<u64>) -> Fut,
    Fut: Future<Output = io::Result<Body>>,
{
    let Ranged {
        size,
        etag,
        content_type,
    } = file;
    let mut response = if not_modified(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let Ok(range) = requested_range(headers, size, &etag) else {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            set(
                &mut response,
                header::CONTENT_RANGE,
                format!("bytes */{size}"),
            );
            return Ok(response);
        };
        let bytes = range.clone().unwrap_or(0..size);
        let mut response = Response::new(body(bytes.clone()).await?);
        set(&mut response, header::CONTENT_TYPE, content_type);
        set(
            &mut response,
            header::CONTENT_LENGTH,
            (bytes.end - bytes.start).to_string(),
        );
        set(&mut response, header::ACCEPT_RANGES, "bytes".into());
        if range.is_some() {
            let last = bytes.end - 1;
            let content_range = format!("bytes {}-{last}/{size}", bytes.start);
            set(&mut response, header::CONTENT_RANGE, content_range);
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        }
        response
    };
    response.extensions_mut().insert(StoredBytes);
    set(&mut response, header::ETAG, etag);
    Ok(response)
}

fn set(response: &mut Response, name: header::HeaderName, value: String) {
    let value = HeaderValue::from_str(&value).expect("ASCII header");
    response.headers_mut().insert(name, value);
}

/// Marks an answer as a file the browser must never run as a page of this site (X4): no
/// scripts, no sniffing, saved under `name` or shown sandboxed.
pub(crate) fn sandboxed(response: &mut Response, how: &str, name: &str, cache: &'static str) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_DISPOSITION, disposition(how, name));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// A stored file, whole or ranged, sandboxed (X4). Revalidated on every use (`no-cache`):
/// a 304 costs no bytes, and a deleted file is not shown from the cache.
pub(crate) async fn serve_blob(
    blobs: &BlobStore,
    sha256: &str,
    name: &str,
    shown: Shown,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let (how, mime) = match shown {
        Shown::Attachment => (
            "attachment",
            mime_guess::from_path(name).first_or_octet_stream(),
        ),
        Shown::Inline(mime) => ("inline", mime),
    };
    let size = blobs.size(sha256).await.map_err(|e| {
        anyhow::Error::from(e).context(format!("blob {sha256} of a listed item is missing"))
    })?;
    let file = Ranged {
        size,
        etag: etag_of(sha256, None),
        content_type: mime.to_string(),
    };
    let mut response = ranged(headers, file, |bytes| async move {
        Ok(Body::from_stream(blobs.read_range(sha256, bytes).await?))
    })
    .await
    .map_err(anyhow::Error::from)?;
    sandboxed(&mut response, how, name, "private, no-cache");
    Ok(response)
}

/// A thumbnail or preview JPEG (`what`) of the stored file `sha256`, cached for good: its URL
/// names its content. Not found until the media job made it.
pub(crate) async fn serve_picture(
    blobs: &BlobStore,
    sha256: &str,
    what: &str,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let jpeg = Bytes::from(
        blobs
            .read_derived(sha256, what)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or(ErrorCode::NotFound)?,
    );
    let file = Ranged {
        size: jpeg.len() as u64,
        etag: etag_of(sha256, Some(what)),
        content_type: mime::IMAGE_JPEG.to_string(),
    };
    let mut response = ranged(headers, file, |bytes| async move {
        Ok(Body::from(
            jpeg.slice(bytes.start as usize..bytes.end as usize),
        ))
    })
    .await
    .map_err(anyhow::Error::from)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.clone(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn one_range_is_served_several_are_refused() {
        let range = |range: &str, if_range: Option<&str>| {
            let mut headers = with(&[(header::RANGE, range)]);
            if let Some(v) = if_range {
                headers.insert(header::IF_RANGE, v.parse().unwrap());
            }
            requested_range(&headers, 1000, "\"abc\"")
        };
        assert_eq!(
            requested_range(&HeaderMap::new(), 1000, "\"abc\""),
            Ok(None)
        );
        assert_eq!(range("bytes=10-19", None), Ok(Some(10..20)));
        assert_eq!(range("bytes=990-", None), Ok(Some(990..1000)));
        assert_eq!(range("bytes=-5", None), Ok(Some(995..1000)));
        assert_eq!(range("bytes=900-5000", None), Ok(Some(900..1000)));
        assert_eq!(range("bytes=1000-", None), Err(()));
        assert_eq!(range("bytes=0-1,5-6", None), Err(()));
        assert_eq!(range("bytes=10-19", Some("\"abc\"")), Ok(Some(10..20)));
        assert_eq!(range("bytes=10-19", Some("\"old\"")), Ok(None));
    }

    #[test]
    fn if_none_match_names_the_etag_or_anything() {
        let matches =
            |value: &str| not_modified(&with(&[(header::IF_NONE_MATCH, value)]), "\"abc\"");
        assert!(matches("\"abc\""));
        assert!(matches("\"old\", W/\"abc\""));
        assert!(matches("*"));
        assert!(!matches("\"old\""));
        assert!(!not_modified(&HeaderMap::new(), "\"abc\""));
    }
}

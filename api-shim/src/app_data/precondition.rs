//! HTTP preconditions on a save (RFC 9110 §13.1): `If-Match` for a change to the version the
//! phone read, `If-None-Match: *` for a first save. Unlike plain HTTP, a save with no
//! precondition is refused when the app already has data (SPEC P6: never a silent overwrite).

use super::AppDataError;

/// What a save asks of the app's newest version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Precondition {
    /// `If-Match`: `None` absent, `Some(None)` for `*`, else the ETags listed.
    if_match: Option<Option<Vec<String>>>,
    /// `If-None-Match`, the same way.
    if_none_match: Option<Option<Vec<String>>>,
}

impl Precondition {
    /// Reads the two headers (each possibly sent on several lines, joined by commas).
    pub fn parse(
        if_match: Option<&str>,
        if_none_match: Option<&str>,
    ) -> Result<Self, AppDataError> {
        Ok(Self {
            if_match: if_match.map(tags).transpose()?,
            if_none_match: if_none_match.map(tags).transpose()?,
        })
    }

    /// Whether a new version may follow `current` (the newest version's ETag, `None` when
    /// the app has no data). `If-Match` compares strongly: a weak tag never matches.
    pub fn holds(&self, current: Option<&str>) -> bool {
        // `*` lists every tag; If-None-Match compares weakly (W/ ignored), If-Match strongly.
        let listed = |tags: &Option<Vec<String>>, etag: &str, weak: bool| {
            tags.as_ref().is_none_or(|tags| {
                tags.iter().any(|tag| {
                    etag == if weak {
                        tag.trim_start_matches("W/")
                    } else {
                        tag
                    }
                })
            })
        };
        let if_match = match (&self.if_match, current) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(tags), Some(etag)) => listed(tags, etag, false),
        };
        let if_none_match = match (&self.if_none_match, current) {
            (None, _) | (Some(_), None) => true,
            (Some(tags), Some(etag)) => !listed(tags, etag, true),
        };
        let guarded = self.if_match.is_some() || self.if_none_match.is_some();
        if_match && if_none_match && (guarded || current.is_none())
    }
}

/// `*` (`None`), or a list of entity tags, each `"…"` or `W/"…"`.
fn tags(header: &str) -> Result<Option<Vec<String>>, AppDataError> {
    let header = header.trim();
    if header == "*" {
        return Ok(None);
    }
    let tags: Vec<String> = header
        .split(',')
        .map(str::trim)
        .map(|tag| {
            let quoted = tag.strip_prefix("W/").unwrap_or(tag);
            let ok = quoted.len() >= 2
                && quoted.starts_with('"')
                && quoted.ends_with('"')
                && !quoted[1..quoted.len() - 1].contains('"');
            ok.then(|| tag.to_owned())
        })
        .collect::<Option<_>>()
        .ok_or(AppDataError::InvalidPrecondition)?;
    Ok(Some(tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(if_match: Option<&str>, if_none_match: Option<&str>, current: Option<&str>) -> bool {
        Precondition::parse(if_match, if_none_match)
            .unwrap()
            .holds(current)
    }

    #[test]
    fn a_first_save_needs_no_data_a_change_needs_the_newest_etag() {
        let now = Some("\"7-ab\"");
        // First save: If-None-Match: * or nothing, only while there is no data.
        assert!(holds(None, Some("*"), None));
        assert!(holds(None, None, None));
        assert!(!holds(None, Some("*"), now));
        // No precondition on existing data: refused, never a silent overwrite.
        assert!(!holds(None, None, now));
        // A change: the newest ETag, or any when `*`; a stale or weak one does not match.
        assert!(holds(Some("\"7-ab\""), None, now));
        assert!(holds(Some("\"1-cd\", \"7-ab\""), None, now));
        assert!(holds(Some("*"), None, now));
        assert!(!holds(Some("\"6-ab\""), None, now));
        assert!(!holds(Some("W/\"7-ab\""), None, now));
        assert!(!holds(Some("\"7-ab\""), None, None));
        assert!(!holds(Some("*"), None, None));
        // If-None-Match with tags: anything but those.
        assert!(holds(None, Some("\"6-ab\""), now));
        assert!(!holds(None, Some("W/\"7-ab\""), now));
    }

    #[test]
    fn headers_that_are_not_entity_tags_are_refused() {
        for bad in ["7-ab", "\"7-ab", "W/7", "\"a\"b\"", "", "\"a\", x", "**"] {
            assert!(
                matches!(
                    Precondition::parse(Some(bad), None),
                    Err(AppDataError::InvalidPrecondition)
                ),
                "{bad:?}"
            );
            assert!(Precondition::parse(None, Some(bad)).is_err(), "{bad:?}");
        }
    }
}

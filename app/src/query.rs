//! Query strings, read and written with serde through `serde_urlencoded`, so a page's URL
//! and its typed parameters use the same names and every value is encoded.

use leptos_router::params::{ParamsError, ParamsMap};
use serde::{
    Deserialize, Deserializer, Serialize,
    de::{DeserializeOwned, value::StrDeserializer},
};

/// `path?query` (fields that are `None` left out; no `?` when nothing is left).
pub fn with_query(path: String, query: &impl Serialize) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path,
    }
}

/// Reads the router's query map into a struct by its serde names (`use_query` calls this
/// through the `Params` impls that [`query_params!`] writes).
pub fn from_map<T: DeserializeOwned>(map: &ParamsMap) -> Result<T, ParamsError> {
    let pairs: Vec<(String, String)> = map
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let encoded = serde_urlencoded::to_string(pairs)
        .map_err(|e| ParamsError::Params(std::sync::Arc::new(e)))?;
    serde_urlencoded::from_str(&encoded).map_err(|e| ParamsError::Params(std::sync::Arc::new(e)))
}

/// A value that does not parse counts as absent: a hand-edited URL loses only that parameter.
pub fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<T>::deserialize(deserializer).ok().flatten())
}

/// An enum from its serde name (a `<select>`'s value), if it is one.
pub fn from_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    T::deserialize(StrDeserializer::<serde::de::value::Error>::new(name)).ok()
}

/// `impl Params` for query structs, so pages read them with `use_query::<T>()`.
macro_rules! query_params {
    ($($query:ty),+) => {$(
        impl leptos_router::params::Params for $query {
            fn from_map(
                map: &leptos_router::params::ParamsMap,
            ) -> Result<Self, leptos_router::params::ParamsError> {
                $crate::query::from_map(map)
            }
        }
    )+};
}
pub(crate) use query_params;

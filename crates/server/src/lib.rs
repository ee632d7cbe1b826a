//! The planning studio: HTTP JSON API and the web page, over the library crates.
